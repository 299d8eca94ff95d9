#include "update_expected/jobs/job_name.hpp"
#include "update_expected/jobs/selection.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ue::jobs {
namespace {

TEST(JobName, ParsesTheLastPart) {
    const auto n = parse_job_name(
        "linux-jammy-cuda12.8-py3.10-gcc9-sm86 / test (inductor_huggingface, 2, 3, linux.g5.4xlarge.nvidia.gpu)", 1024);
    ASSERT_EQ(n.status, name_status::ok);
    EXPECT_EQ(n.suite, "inductor_huggingface");
    EXPECT_EQ(n.shard, 2u);
    EXPECT_EQ(n.num_shards, 3u);
    EXPECT_EQ(n.machine, "linux.g5.4xlarge.nvidia.gpu");
}

TEST(JobName, ExtraFieldsAndTestInTheBuildPart) {
    const auto extra = parse_job_name("b / test (inductor_timm, 1, 2, m, unstable, x)", 1024);
    ASSERT_EQ(extra.status, name_status::ok);
    EXPECT_EQ(extra.machine, "m");
    const auto nested = parse_job_name("a / test (dynamo_eager_timm, 9, 9, z) / test (inductor_timm,1,2,m)", 1024);
    ASSERT_EQ(nested.status, name_status::ok);
    EXPECT_EQ(nested.suite, "inductor_timm");
    EXPECT_EQ(nested.shard, 1u);
    EXPECT_EQ(nested.num_shards, 2u);
}

TEST(JobName, OtherShapesAreNotTestJobs) {
    for (std::string_view name :
         {"test (inductor_timm, 1, 2, m)", "b/test (inductor_timm, 1, 2, m)", "b / test (inductor_timm, 1, 2, m) / x",
          "b / test(inductor_timm, 1, 2, m)", "b / test (inductor_timm, 1, 2, m", "b / test (inductor_timm, 1, 2, m) ",
          "b / test (inductor_timm, 1, 2)", "b / test (inductor_timm)", "b / test ()", "b / test (, 1, 2, m)",
          "b / test (inductor_timm, 1, 2, )", "b / build (inductor_timm, 1, 2, m)", "", " / "}) {
        EXPECT_EQ(parse_job_name(name, 1024).status, name_status::not_a_test_job) << name;
    }
}

TEST(JobName, BadShardNumbers) {
    for (std::string_view name :
         {"b / test (s, x, 2, m)", "b / test (s, 1, two, m)", "b / test (s, 0, 2, m)", "b / test (s, 3, 2, m)",
          "b / test (s, -1, 2, m)", "b / test (s, +1, 2, m)", "b / test (s, 1.0, 2, m)", "b / test (s, , 2, m)",
          "b / test (s, 1, 0, m)", "b / test (s, 1, 1025, m)", "b / test (s, 1, 99999999999999999999999, m)"}) {
        EXPECT_EQ(parse_job_name(name, 1024).status, name_status::bad_shard) << name;
    }
    EXPECT_EQ(parse_job_name("b / test (s, 1024, 1024, m)", 1024).status, name_status::ok);
}

job_row row(std::string job_name, std::uint64_t workflow_id = 100, std::uint64_t attempt = 1, std::uint64_t id = 1,
            std::string workflow = "inductor") {
    return {std::move(workflow), std::move(job_name), id, attempt, workflow_id, {}, {}, {}, true};
}

std::string name(std::string_view suite, int shard, int count,
                 std::string_view build = "linux-jammy-cuda12.8-py3.10-gcc9-sm86") {
    return std::string(build) + " / test (" + std::string(suite) + ", " + std::to_string(shard) + ", " +
           std::to_string(count) + ", linux.g5.4xlarge.nvidia.gpu)";
}

TEST(Selection, WantedWorkflowsOnly) {
    const std::vector<job_row> rows{row(name("inductor_timm", 1, 1), 1, 1, 1, "inductor"),
                                    row(name("inductor_timm", 1, 1), 2, 1, 2, "inductor-periodic"),
                                    row(name("inductor_timm", 1, 1), 3, 1, 3, "trunk"),
                                    row(name("inductor_timm", 1, 1), 4, 1, 4, "Inductor")};
    const auto plan = select_jobs(rows, {});
    ASSERT_EQ(plan.suites.size(), 1u);
    ASSERT_EQ(plan.suites[0].shards.at(0).size(), 2u);
    EXPECT_EQ(plan.suites[0].shards[0][0].row.id, 2u);
    EXPECT_EQ(plan.suites[0].shards[0][1].row.id, 1u);
    EXPECT_EQ(plan.skipped[skip_reason::other_workflow], 2u);
}

TEST(Selection, EveryDefaultExclusion) {
    for (std::string_view build :
         {"linux-build", "runner-determinator", "x-unit-test", "linux-jammy-cuda13.0-py3.10"}) {
        const std::vector<job_row> rows{row(name("inductor_timm", 1, 1, build))};
        const auto plan = select_jobs(rows, {});
        EXPECT_TRUE(plan.suites.empty()) << build;
        EXPECT_EQ(plan.skipped[skip_reason::excluded], 1u) << build;
    }
    // Case-sensitive, and the list can be emptied.
    const std::vector<job_row> rows{row(name("inductor_timm", 1, 1, "BUILD-cuda13")),
                                    row(name("inductor_timm", 1, 1, "x-Build"), 2)};
    EXPECT_EQ(select_jobs(rows, {}).skipped[skip_reason::excluded], 1u);
    selection_options none;
    none.excluded.clear();
    const auto plan = select_jobs(rows, none);
    EXPECT_EQ(plan.skipped.total(), 0u);
    ASSERT_EQ(plan.suites.size(), 1u);
    EXPECT_EQ(plan.suites[0].shards[0].size(), 2u);
}

TEST(Selection, CountsOddNamesAndSuites) {
    const std::vector<job_row> rows{row("lint"),
                                    row("b / test (inductor_timm, 3, 2, m)"),
                                    row(name("inductor_timm_perf", 1, 1)),
                                    row(name("foo_timm", 1, 1)),
                                    row(name("inductor_foo", 1, 1)),
                                    row(name("timm", 1, 1)),
                                    row(name("_timm", 1, 1)),
                                    row(name("inductor_timm", 1, 1))};
    const auto plan = select_jobs(rows, {});
    EXPECT_EQ(plan.skipped[skip_reason::not_a_test_job], 1u);
    EXPECT_EQ(plan.skipped[skip_reason::bad_shard], 1u);
    EXPECT_EQ(plan.skipped[skip_reason::other_suite], 5u);
    ASSERT_EQ(plan.suites.size(), 1u);
    EXPECT_EQ(plan.suites[0].suite, "inductor_timm");
    EXPECT_EQ(plan.suites[0].benchmark, "timm");
}

TEST(Selection, EveryDefaultSuite) {
    const selection_options options;
    std::vector<job_row> rows;
    for (const auto& config : options.configs)
        for (const auto& benchmark : options.benchmarks) rows.push_back(row(name(config + "_" + benchmark, 1, 1)));
    const auto plan = select_jobs(rows, options);
    EXPECT_EQ(plan.skipped.total(), 0u);
    ASSERT_EQ(plan.suites.size(), 16u * 3u);
    EXPECT_EQ(plan.suites[0].suite, "aot_eager_huggingface");
    EXPECT_EQ(plan.suites[0].benchmark, "huggingface");
    EXPECT_EQ(plan.suites.back().suite, "inductor_torchbench");
}

TEST(Selection, RocmInAnyCaseIsItsOwnBaseline) {
    const std::vector<job_row> rows{row(name("inductor_timm", 1, 2, "linux-jammy-rocm-py3"), 5),
                                    row(name("inductor_timm", 2, 2, "linux-ROCm6.2"), 6),
                                    row(name("inductor_timm", 1, 2, "rOcM"), 7), row(name("inductor_timm", 1, 1), 1),
                                    row(name("inductor_timm", 1, 4, "roc-m"), 2)};
    const auto plan = select_jobs(rows, {});
    ASSERT_EQ(plan.suites.size(), 2u);
    EXPECT_EQ(plan.suites[0].base, baseline::standard);
    EXPECT_EQ(plan.suites[0].shard_count, 4u);
    EXPECT_EQ(plan.suites[1].base, baseline::rocm);
    EXPECT_EQ(plan.suites[1].shard_count, 2u);
    EXPECT_TRUE(plan.suites[1].complete());
    EXPECT_EQ(plan.suites[1].shards[0].size(), 2u);
    EXPECT_EQ(plan.skipped[skip_reason::other_shard_count], 1u);
}

TEST(Selection, NewestFirstWithTies) {
    const std::vector<job_row> rows{
        row(name("inductor_timm", 1, 1), 100, 1, 10), row(name("inductor_timm", 1, 1), 100, 2, 5),
        row(name("inductor_timm", 1, 1), 101, 1, 1), row(name("inductor_timm", 1, 1), 100, 2, 7),
        row(name("inductor_timm", 1, 1), 99, 9, 99)};
    const auto plan = select_jobs(rows, {});
    ASSERT_EQ(plan.suites.size(), 1u);
    const auto& c = plan.suites[0].shards.at(0);
    ASSERT_EQ(c.size(), 5u);
    std::vector<std::uint64_t> ids;
    for (const auto& x : c) ids.push_back(x.row.id);
    EXPECT_EQ(ids, (std::vector<std::uint64_t>{1, 7, 5, 10, 99}));
}

TEST(Selection, DuplicatesAreCountedOnce) {
    const std::vector<job_row> rows{row(name("inductor_timm", 1, 1), 100, 1, 10),
                                    row(name("inductor_timm", 1, 1), 100, 1, 10)};
    const auto plan = select_jobs(rows, {});
    EXPECT_EQ(plan.suites.at(0).shards.at(0).size(), 1u);
    EXPECT_EQ(plan.skipped[skip_reason::duplicate], 1u);
}

TEST(Selection, ShardCountComesFromTheNewestCandidateOfTheSuite) {
    // An old run with 2 shards, a newer one with 3 whose only row is shard 3: the count is 3,
    // the old rows are ignored and shards 1 and 2 are missing.
    const std::vector<job_row> rows{row(name("inductor_timm", 1, 2), 100, 1, 1),
                                    row(name("inductor_timm", 2, 2), 100, 1, 2),
                                    row(name("inductor_timm", 3, 3), 200, 1, 3)};
    const auto plan = select_jobs(rows, {});
    ASSERT_EQ(plan.suites.size(), 1u);
    const auto& s = plan.suites[0];
    EXPECT_EQ(s.shard_count, 3u);
    ASSERT_EQ(s.shards.size(), 3u);
    EXPECT_TRUE(s.shards[0].empty());
    EXPECT_TRUE(s.shards[1].empty());
    ASSERT_EQ(s.shards[2].size(), 1u);
    EXPECT_EQ(s.shards[2][0].row.id, 3u);
    EXPECT_EQ(s.shards[2][0].machine, "linux.g5.4xlarge.nvidia.gpu");
    EXPECT_FALSE(s.complete());
    EXPECT_EQ(plan.skipped[skip_reason::other_shard_count], 2u);
}

TEST(Selection, MissingShardIsShownAndRetriesKeepNotCompletedRows) {
    auto pending = row(name("inductor_huggingface", 1, 3), 100, 2, 9);
    pending.completed = false;
    const std::vector<job_row> rows{row(name("inductor_huggingface", 1, 3), 100, 1, 1), pending,
                                    row(name("inductor_huggingface", 3, 3), 100, 1, 3)};
    const auto plan = select_jobs(rows, {});
    const auto& s = plan.suites.at(0);
    ASSERT_EQ(s.shards.size(), 3u);
    ASSERT_EQ(s.shards[0].size(), 2u);
    EXPECT_FALSE(s.shards[0][0].row.completed);
    EXPECT_TRUE(s.shards[1].empty());
    EXPECT_EQ(s.shards[2].size(), 1u);
    EXPECT_FALSE(s.complete());
}

TEST(Selection, SkipReasonsHaveNames) {
    EXPECT_EQ(to_string(skip_reason::other_shard_count), "other_shard_count");
    EXPECT_EQ(to_string(skip_reason::not_an_object), "not_an_object");
    skip_counts a;
    a[skip_reason::excluded] = 2;
    skip_counts b;
    b[skip_reason::excluded] = 1;
    b[skip_reason::duplicate] = 4;
    a += b;
    EXPECT_EQ(a[skip_reason::excluded], 3u);
    EXPECT_EQ(a.total(), 7u);
}

}  // namespace
}  // namespace ue::jobs
