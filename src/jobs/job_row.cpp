#include "update_expected/jobs/job_row.hpp"

#include <numeric>

namespace ue::jobs {

std::string_view to_string(skip_reason r) noexcept {
    switch (r) {
        case skip_reason::not_an_object: return "not_an_object";
        case skip_reason::missing_field: return "missing_field";
        case skip_reason::bad_field: return "bad_field";
        case skip_reason::other_workflow: return "other_workflow";
        case skip_reason::excluded: return "excluded";
        case skip_reason::not_a_test_job: return "not_a_test_job";
        case skip_reason::bad_shard: return "bad_shard";
        case skip_reason::other_suite: return "other_suite";
        case skip_reason::other_shard_count: return "other_shard_count";
        case skip_reason::duplicate: return "duplicate";
    }
    return "unknown";
}

std::size_t skip_counts::total() const noexcept {
    return std::accumulate(counts.begin(), counts.end(), std::size_t{0});
}

skip_counts& skip_counts::operator+=(const skip_counts& other) noexcept {
    for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += other.counts[i];
    return *this;
}

}  // namespace ue::jobs
