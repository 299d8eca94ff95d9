#pragma once

#include "update_expected/jobs/baseline.hpp"
#include "update_expected/jobs/job_row.hpp"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ue::jobs {

// The configurable lists of docs/pytorch-ci.md section 2; the defaults are PyTorch's. The command replaces a
// list when its flag is given.
struct selection_options {
    std::vector<std::string> workflows{"inductor", "inductor-periodic"};
    // Case-sensitive substrings of the job name.
    std::vector<std::string> excluded{"build", "runner-determinator", "unit-test", "cuda13"};
    std::vector<std::string> configs{"aot_eager",
                                     "aot_inductor",
                                     "cpu_aot_inductor",
                                     "cpu_aot_inductor_amp_freezing",
                                     "cpu_aot_inductor_freezing",
                                     "cpu_inductor",
                                     "cpu_inductor_amp_freezing",
                                     "cpu_inductor_freezing",
                                     "dynamic_aot_eager",
                                     "dynamic_cpu_aot_inductor",
                                     "dynamic_cpu_aot_inductor_amp_freezing",
                                     "dynamic_cpu_aot_inductor_freezing",
                                     "dynamic_cpu_inductor",
                                     "dynamic_inductor",
                                     "dynamo_eager",
                                     "inductor"};
    std::vector<std::string> benchmarks{"huggingface", "timm", "torchbench"};
    std::uint32_t max_shards = 1024;  // larger NUM_SHARDS is a bad_shard
};

// One job that can deliver a shard.
struct candidate {
    job_row row;
    std::string machine;  // MACHINE of the job name, needed for the artifact name
};

struct suite_plan {
    baseline base = baseline::standard;
    std::string suite;      // CONFIG_BENCHMARK
    std::string benchmark;  // the BENCHMARK part, e.g. "timm"
    std::uint32_t shard_count = 0;
    // shards[k] are the candidates for shard k+1, newest first (highest workflowId, then runAttempt,
    // then job id). An empty list is a missing shard: the suite cannot be complete.
    std::vector<std::vector<candidate>> shards;

    bool complete() const noexcept;  // every shard has a candidate
};

struct job_plan {
    std::vector<suite_plan> suites;  // sorted by (baseline, suite)
    skip_counts skipped;             // only the selection reasons
};

// Applies docs/pytorch-ci.md section 2 to the rows in order: wanted workflow, exclusion list, job-name shape,
// shard numbers, suite lists, then groups by (baseline, suite, shard). A suite's shard count is the
// NUM_SHARDS of its newest candidate: the row with the highest (workflowId, runAttempt, id) among all
// rows of that (baseline, suite) that passed the filters, whatever its shard and completion (on a tie
// the earlier row wins). Candidates with another count are skipped (other_shard_count), so every
// suite that has a row is in the plan, possibly with missing shards. The result does not refer to rows.
job_plan select_jobs(std::span<const job_row> rows, const selection_options& options);

}  // namespace ue::jobs
