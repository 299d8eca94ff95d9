#include "update_expected/jobs/artifact.hpp"

#include <fmt/format.h>

namespace ue::jobs {
namespace {

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

std::string percent_encode(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (unreserved(c))
            out += c;
        else
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
    }
    return out;
}

constexpr std::string_view report_dirs[] = {"test/test-reports/", "test-reports/"};

// FILE_SUFFIX of docs/pytorch-ci.md section 3.
std::string file_suffix(std::string_view suite, std::uint32_t shard, std::uint32_t shard_count,
                        std::string_view machine, std::uint64_t job_id) {
    return fmt::format("test-{}-{}-{}-{}_{}", suite, shard, shard_count, machine, job_id);
}

}  // namespace

std::string artifact_url(std::string_view base, std::string_view repo, const suite_plan& plan, std::uint32_t shard,
                         const candidate& job) {
    while (base.ends_with('/')) base.remove_suffix(1);
    return fmt::format(
        "{}/{}/{}/{}/artifact/test-reports-{}.zip", base, repo, job.row.workflow_id, job.row.run_attempt,
        file_suffix(percent_encode(plan.suite), shard, plan.shard_count, percent_encode(job.machine), job.row.id));
}

std::string github_artifact_name(const suite_plan& plan, std::uint32_t shard, const candidate& job) {
    return fmt::format("test-reports-runattempt{}-{}.zip", job.row.run_attempt,
                       file_suffix(plan.suite, shard, plan.shard_count, job.machine, job.row.id));
}

std::string_view to_string(phase p) noexcept { return p == phase::training ? "training" : "inference"; }

std::string entry_file_name(phase p, std::string_view benchmark) {
    return fmt::format("{}_{}.csv", to_string(p), benchmark == "timm" ? "timm_models" : benchmark);
}

std::optional<phase> entry_phase(std::string_view entry_name, std::string_view benchmark) {
    for (const auto dir : report_dirs) {
        if (!entry_name.starts_with(dir)) continue;
        const auto file = entry_name.substr(dir.size());
        for (const auto p : {phase::training, phase::inference})
            if (file == entry_file_name(p, benchmark)) return p;
    }
    return std::nullopt;
}

}  // namespace ue::jobs
