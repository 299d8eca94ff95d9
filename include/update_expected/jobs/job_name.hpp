#pragma once

#include <cstdint>
#include <string_view>

namespace ue::jobs {

enum class name_status {
    ok,
    not_a_test_job,  // no ` / `, or the last ` / ` part is not `test (SUITE, SHARD, NUM_SHARDS, MACHINE[, ...])`
    bad_shard,       // SHARD or NUM_SHARDS is not a positive decimal, SHARD > NUM_SHARDS, or NUM_SHARDS > max_shards
};

// The test part of a job name; the views point into the name given to parse_job_name.
struct job_name {
    name_status status = name_status::not_a_test_job;
    std::string_view suite;
    std::uint32_t shard = 0;
    std::uint32_t num_shards = 0;
    std::string_view machine;
};

// Parses `BUILD / test (SUITE, SHARD, NUM_SHARDS, MACHINE[, more...])`, the test part being the last
// ` / ` part. Fields are split at commas and trimmed of spaces; SUITE and MACHINE must not be empty.
// max_shards bounds NUM_SHARDS so that a hostile name cannot make a plan allocate billions of shards.
job_name parse_job_name(std::string_view name, std::uint32_t max_shards);

}  // namespace ue::jobs
