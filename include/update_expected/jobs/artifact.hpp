#pragma once

#include "update_expected/jobs/selection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ue::jobs {

// `{base}/{repo}/{workflowId}/{runAttempt}/artifact/test-reports-test-{SUITE}-{SHARD}-{NUM_SHARDS}-{MACHINE}_{id}.zip`
// (docs/pytorch-ci.md section 3). base is taken without its trailing slashes; repo is "owner/name" and is used
// as given; SUITE and MACHINE are percent-encoded except for RFC 3986 unreserved characters (real
// names consist of those only). Precondition: shard is in 1..plan.shard_count.
std::string artifact_url(std::string_view base, std::string_view repo, const suite_plan& plan, std::uint32_t shard,
                         const candidate& job);

// `test-reports-runattempt{runAttempt}-test-{SUITE}-{SHARD}-{NUM_SHARDS}-{MACHINE}_{id}.zip`, exactly:
// the name of the GitHub Actions artifact of run {workflowId} that holds the job's reports when
// its S3 upload failed (docs/pytorch-ci.md section 3).
std::string github_artifact_name(const suite_plan& plan, std::uint32_t shard, const candidate& job);

enum class phase { training, inference };
std::string_view to_string(phase p) noexcept;

// The CSV entry that carries a phase for a benchmark: `{phase}_{SUB}.csv` with SUB the benchmark,
// `timm` spelled `timm_models`.
std::string entry_file_name(phase p, std::string_view benchmark);

// Which phase a zip entry carries for a suite of that benchmark (suite_plan::benchmark): the entry must be exactly
// `test/test-reports/` or `test-reports/` (ROCm jobs) followed by entry_file_name(phase, benchmark).
std::optional<phase> entry_phase(std::string_view entry_name, std::string_view benchmark);

}  // namespace ue::jobs
