#include "update_expected/jobs/selection.hpp"

#include "update_expected/jobs/job_name.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

namespace ue::jobs {
namespace {

bool contains_rocm(std::string_view name) {
    constexpr std::string_view rocm = "rocm";
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return std::search(name.begin(), name.end(), rocm.begin(), rocm.end(),
                       [&](char a, char b) { return lower(a) == b; }) != name.end();
}

bool listed(const std::vector<std::string>& list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

// The BENCHMARK part of a CONFIG_BENCHMARK suite made of the wanted lists, if it is one.
std::optional<std::string_view> benchmark_of(std::string_view suite, const selection_options& options) {
    for (const auto& benchmark : options.benchmarks) {
        if (suite.size() > benchmark.size() + 1 && suite.ends_with(benchmark) &&
            suite[suite.size() - benchmark.size() - 1] == '_' &&
            listed(options.configs, suite.substr(0, suite.size() - benchmark.size() - 1)))
            return benchmark;
    }
    return std::nullopt;
}

struct entry {
    candidate job;
    std::uint32_t shard;
    std::uint32_t num_shards;
};

auto age_key(const job_row& r) { return std::tie(r.workflow_id, r.run_attempt, r.id); }

}  // namespace

bool suite_plan::complete() const noexcept {
    return std::none_of(shards.begin(), shards.end(), [](const auto& s) { return s.empty(); });
}

job_plan select_jobs(std::span<const job_row> rows, const selection_options& options) {
    job_plan plan;
    auto& skipped = plan.skipped;
    std::map<std::pair<baseline, std::string_view>, std::pair<std::string_view, std::vector<entry>>> groups;

    for (const auto& row : rows) {
        if (!listed(options.workflows, row.workflow_name)) {
            ++skipped[skip_reason::other_workflow];
            continue;
        }
        if (std::any_of(options.excluded.begin(), options.excluded.end(),
                        [&](const auto& s) { return row.job_name.find(s) != std::string::npos; })) {
            ++skipped[skip_reason::excluded];
            continue;
        }
        const auto name = parse_job_name(row.job_name, options.max_shards);
        if (name.status != name_status::ok) {
            ++skipped[name.status == name_status::bad_shard ? skip_reason::bad_shard : skip_reason::not_a_test_job];
            continue;
        }
        const auto benchmark = benchmark_of(name.suite, options);
        if (!benchmark) {
            ++skipped[skip_reason::other_suite];
            continue;
        }
        const auto base = contains_rocm(row.job_name) ? baseline::rocm : baseline::standard;
        auto& group = groups[{base, name.suite}];
        group.first = *benchmark;
        group.second.push_back({candidate{row, std::string(name.machine)}, name.shard, name.num_shards});
    }

    for (auto& [key, group] : groups) {
        auto& [benchmark, entries] = group;
        std::stable_sort(entries.begin(), entries.end(),
                         [](const entry& a, const entry& b) { return age_key(a.job.row) > age_key(b.job.row); });
        suite_plan suite{key.first, std::string(key.second), std::string(benchmark), entries.front().num_shards, {}};
        suite.shards.resize(suite.shard_count);
        for (auto& e : entries) {
            auto& list = suite.shards[e.shard - 1];
            if (e.num_shards != suite.shard_count)
                ++skipped[skip_reason::other_shard_count];
            else if (!list.empty() && age_key(list.back().row) == age_key(e.job.row))
                ++skipped[skip_reason::duplicate];
            else
                list.push_back(std::move(e.job));
        }
        plan.suites.push_back(std::move(suite));
    }
    return plan;
}

}  // namespace ue::jobs
