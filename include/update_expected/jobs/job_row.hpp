#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ue::jobs {

// One CI job as the row sources report it (docs/pytorch-ci.md section 1).
struct job_row {
    std::string workflow_name;
    std::string job_name;
    std::uint64_t id = 0;  // GitHub job id
    std::uint64_t run_attempt = 0;
    std::uint64_t workflow_id = 0;  // GitHub workflow-run id
    std::optional<std::string> time;
    std::optional<std::string> status;      // only from sources that know it (GitHub)
    std::optional<std::string> conclusion;  // idem
    // False only when the source knows the job has not completed yet; a newest candidate that is not
    // completed makes its shard pending instead of falling back to an older one.
    bool completed = true;

    bool operator==(const job_row&) const = default;
};

// Why a row was left out. Decoding reasons first, then selection reasons.
enum class skip_reason : std::size_t {
    not_an_object,      // an element of the row array is not a JSON object
    missing_field,      // workflowName, jobName, id, runAttempt or workflowId absent
    bad_field,          // one of those has the wrong type, or a number that is negative, fractional or too big
    other_workflow,     // workflowName not among the wanted workflows
    excluded,           // jobName contains an exclusion substring
    not_a_test_job,     // jobName is not `BUILD / test (SUITE, SHARD, NUM_SHARDS, MACHINE[, ...])`
    bad_shard,          // SHARD or NUM_SHARDS not a positive integer, SHARD > NUM_SHARDS, or too many shards
    other_suite,        // SUITE is not CONFIG_BENCHMARK of the wanted configs and benchmarks
    other_shard_count,  // NUM_SHARDS differs from the suite's shard count (taken from its newest candidate)
    duplicate,          // same (baseline, suite, shard, workflowId, runAttempt, id) seen before
};
inline constexpr std::size_t skip_reason_count = 10;

std::string_view to_string(skip_reason r) noexcept;  // e.g. "missing_field"

struct skip_counts {
    std::array<std::size_t, skip_reason_count> counts{};

    std::size_t& operator[](skip_reason r) { return counts[static_cast<std::size_t>(r)]; }
    std::size_t operator[](skip_reason r) const { return counts[static_cast<std::size_t>(r)]; }
    std::size_t total() const noexcept;
    skip_counts& operator+=(const skip_counts& other) noexcept;
};

}  // namespace ue::jobs
