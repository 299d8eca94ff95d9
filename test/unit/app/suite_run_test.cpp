// The rules of docs/pytorch-ci.md sections 2 ("which candidate") and 6 ("what is written"), one
// suite at a time, without a socket or a file.

#include "update_expected/app/suite_run.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ue::app {
namespace {

using report::file_status;

jobs::candidate job(std::uint64_t id, bool completed = true) {
    jobs::candidate c;
    c.row.id = id;
    c.row.workflow_name = "inductor";
    c.row.completed = completed;
    c.row.status = completed ? "completed" : "in_progress";
    c.machine = "linux.g5.4xlarge.nvidia.gpu";
    return c;
}

// A suite of `shards.size()` shards; shards[k] lists the candidates of shard k + 1, newest first.
jobs::suite_plan plan_of(std::vector<std::vector<jobs::candidate>> shards,
                         jobs::baseline base = jobs::baseline::standard) {
    jobs::suite_plan p;
    p.base = base;
    p.suite = "inductor_timm";
    p.benchmark = "timm";
    p.shard_count = static_cast<std::uint32_t>(shards.size());
    p.shards = std::move(shards);
    return p;
}

// A run whose tables declare both phases, as the refresh does after reading the existing files.
suite_run started_run(jobs::suite_plan plan, bool allow_partial = false, bool github_artifacts = false) {
    suite_run run(std::move(plan), {.allow_partial = allow_partial, .github_artifacts = github_artifacts});
    run.tables().add_phase("training", expected::default_schema());
    run.tables().add_phase("inference", expected::default_schema());
    return run;
}

// What the artifact of `shard` held: a row in each of `phases`.
void read_artifact(suite_run& run, unsigned shard, std::vector<std::string> phases = {"training", "inference"}) {
    for (const auto& phase : phases)
        run.tables().stage_row(shard, phase, {"model" + std::to_string(shard), "pass", "0"});
}

std::vector<unsigned> fetched_shards(const suite_step& step) {
    std::vector<unsigned> out;
    for (const auto& f : step.fetches) out.push_back(f.shard);
    return out;
}

const phase_verdict& phase_of(const suite_verdict& v, const std::string& phase) {
    for (const auto& p : v.phases)
        if (p.file.phase == phase) return p;
    throw std::out_of_range("no verdict for phase " + phase);
}

TEST(SuiteRun, StartFetchesTheNewestCandidateOfEveryShard) {
    auto run = started_run(plan_of({{job(30), job(20)}, {job(31)}}));
    const auto step = run.start();
    ASSERT_EQ(step.fetches.size(), 2u);
    EXPECT_EQ(step.fetches[0].shard, 1u);
    EXPECT_EQ(step.fetches[0].candidate, 0u);
    EXPECT_EQ(step.fetches[1].shard, 2u);
    EXPECT_FALSE(step.verdict);
    EXPECT_EQ(run.state(1), shard_state::fetching);
    EXPECT_EQ(run.candidate(1).row.id, 30u);
}

TEST(SuiteRun, EveryShardDeliveredWritesEveryPhase) {
    auto run = started_run(plan_of({{job(1)}, {job(2)}}));
    run.start();
    read_artifact(run, 1);
    EXPECT_FALSE(run.delivered(1).verdict) << "no verdict before the last shard is in";
    read_artifact(run, 2);
    const auto step = run.delivered(2);
    ASSERT_TRUE(step.verdict);
    const auto& v = *step.verdict;
    ASSERT_EQ(v.phases.size(), 2u);
    EXPECT_EQ(v.phases[0].file.phase, "training");  // declaration order
    for (const auto& p : v.phases) {
        EXPECT_TRUE(p.write);
        EXPECT_EQ(p.file.status, file_status::written);
        EXPECT_EQ(p.file.shard_count, 2u);
        EXPECT_EQ(p.file.suite, "inductor_timm");
    }
    EXPECT_EQ(v.code, exit_code::ok);
    EXPECT_TRUE(v.pending.empty());
    EXPECT_EQ(run.tables().rows("training").size(), 2u);
}

TEST(SuiteRun, AHeaderOnlyEntryStillDeliversItsPhase) {
    auto run = started_run(plan_of({{job(1)}}));
    run.start();
    run.tables().stage_entry(1, "training");
    const auto v = *run.delivered(1).verdict;
    ASSERT_EQ(v.phases.size(), 1u);  // inference: no shard has it, so it is simply not written
    EXPECT_EQ(v.phases[0].file.phase, "training");
    EXPECT_TRUE(v.phases[0].write);
    EXPECT_EQ(v.code, exit_code::ok);
}

TEST(SuiteRun, AMissingArtifactFallsBackToTheNextOlderCandidate) {
    auto run = started_run(plan_of({{job(30), job(20), job(10)}}));
    run.start();
    auto step = run.missing(1);
    ASSERT_EQ(step.fetches.size(), 1u);
    EXPECT_EQ(step.fetches[0].candidate, 1u);
    EXPECT_EQ(run.candidate(1).row.id, 20u);
    EXPECT_EQ(run.state(1), shard_state::fetching);
    read_artifact(run, 1);
    const auto v = *run.delivered(1).verdict;
    EXPECT_TRUE(phase_of(v, "training").write);
    EXPECT_EQ(v.code, exit_code::ok);
}

TEST(SuiteRun, AShardIsMissingOnlyWhenEveryCandidateIsMissing) {
    auto run = started_run(plan_of({{job(30), job(20)}, {job(31)}}));
    run.start();
    read_artifact(run, 2);
    run.delivered(2);
    EXPECT_EQ(fetched_shards(run.missing(1)), std::vector<unsigned>{1});
    const auto step = run.missing(1);
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(1), shard_state::missing);
    ASSERT_TRUE(step.verdict);
    const auto& training = phase_of(*step.verdict, "training");
    EXPECT_FALSE(training.write);
    EXPECT_EQ(training.file.status, file_status::incomplete);
    EXPECT_EQ(training.file.missing_shards, std::vector<unsigned>{1});
    EXPECT_EQ(step.verdict->code, exit_code::incomplete);
}

// docs/pytorch-ci.md section 3: the places of one candidate, in order, then the next candidate.
TEST(SuiteRun, WithGithubArtifactsACandidateIsLookedForOnGithubBeforeTheNextOne) {
    auto run = started_run(plan_of({{job(30), job(20)}}), false, true);
    auto step = run.start();
    ASSERT_EQ(step.fetches.size(), 1u);
    EXPECT_EQ(step.fetches[0].where, place::s3);

    step = run.missing(1);
    ASSERT_EQ(step.fetches.size(), 1u);
    EXPECT_EQ(step.fetches[0].candidate, 0u);
    EXPECT_EQ(step.fetches[0].where, place::github);
    EXPECT_EQ(run.where(1), place::github);

    step = run.missing(1);
    ASSERT_EQ(step.fetches.size(), 1u);
    EXPECT_EQ(step.fetches[0].candidate, 1u);
    EXPECT_EQ(step.fetches[0].where, place::s3);

    EXPECT_EQ(run.missing(1).fetches[0].where, place::github);
    step = run.missing(1);
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(1), shard_state::missing);
    ASSERT_TRUE(step.verdict);
    EXPECT_EQ(step.verdict->code, exit_code::incomplete);
}

TEST(SuiteRun, AGithubArtifactThatCannotBeHadFailsTheShardWithoutAnOlderCandidate) {
    auto run = started_run(plan_of({{job(30), job(20)}, {job(31)}}), false, true);
    run.start();
    read_artifact(run, 2);
    run.delivered(2);
    run.missing(1);
    const auto step = run.failed(1, "the report is a GitHub artifact: fetching it needs GITHUB_TOKEN");
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(1), shard_state::failed);
    EXPECT_EQ(run.candidate(1).row.id, 30u);
    ASSERT_TRUE(step.verdict);
    EXPECT_EQ(phase_of(*step.verdict, "training").file.reason,
              "shard 1/2: the report is a GitHub artifact: fetching it needs GITHUB_TOKEN");
    EXPECT_EQ(step.verdict->code, exit_code::incomplete);
}

TEST(SuiteRun, WithGithubArtifactsAnOlderCandidateNotCompletedIsStillPending) {
    auto run = started_run(plan_of({{job(30), job(20, false)}}), false, true);
    run.start();
    run.missing(1);
    const auto step = run.missing(1);
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(1), shard_state::pending);
    ASSERT_TRUE(step.verdict);
    EXPECT_EQ(step.verdict->code, exit_code::try_again);
}

TEST(SuiteRun, AShardWithoutAnyJobIsMissingFromTheStart) {
    auto run = started_run(plan_of({{job(1)}, {}}));
    const auto step = run.start();
    EXPECT_EQ(fetched_shards(step), std::vector<unsigned>{1});
    EXPECT_EQ(run.state(2), shard_state::missing);
    read_artifact(run, 1);
    const auto v = *run.delivered(1).verdict;
    EXPECT_EQ(phase_of(v, "training").file.missing_shards, std::vector<unsigned>{2});
    EXPECT_EQ(v.code, exit_code::incomplete);
}

TEST(SuiteRun, ACorruptArtifactIsNeverReplacedByAnOlderOne) {
    auto run = started_run(plan_of({{job(30), job(20)}, {job(31)}}));
    run.start();
    read_artifact(run, 1);  // rows staged before the zip turned out bad: they must not count
    const auto step = run.failed(1, "corrupt artifact");
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(1), shard_state::failed);
    read_artifact(run, 2);
    const auto v = *run.delivered(2).verdict;
    const auto& training = phase_of(v, "training");
    EXPECT_FALSE(training.write);
    EXPECT_EQ(training.file.status, file_status::failed);
    EXPECT_EQ(training.file.reason, "shard 1/2: corrupt artifact");
    EXPECT_TRUE(training.file.missing_shards.empty());
    EXPECT_EQ(v.code, exit_code::incomplete);
    EXPECT_EQ(run.tables().rows("training").size(), 1u);
}

TEST(SuiteRun, APhaseSomeDeliveredShardsLackIsIncomplete) {
    auto run = started_run(plan_of({{job(1)}, {job(2)}}));
    run.start();
    read_artifact(run, 1, {"training", "inference"});
    run.delivered(1);
    read_artifact(run, 2, {"training"});
    const auto v = *run.delivered(2).verdict;
    EXPECT_TRUE(phase_of(v, "training").write);
    const auto& inference = phase_of(v, "inference");
    EXPECT_FALSE(inference.write);
    EXPECT_EQ(inference.file.status, file_status::incomplete);
    EXPECT_EQ(inference.file.missing_shards, std::vector<unsigned>{2});
    EXPECT_EQ(v.code, exit_code::incomplete);
}

TEST(SuiteRun, AllowPartialMergesIncompletePhasesAndStaysIncomplete) {
    auto run = started_run(plan_of({{job(1)}, {job(2)}}), /*allow_partial=*/true);
    run.start();
    read_artifact(run, 1);
    run.delivered(1);
    const auto v = *run.missing(2).verdict;
    for (const auto& p : v.phases) {
        EXPECT_TRUE(p.write);
        EXPECT_TRUE(p.file.merged);
        EXPECT_EQ(p.file.status, file_status::incomplete);
    }
    EXPECT_EQ(v.code, exit_code::incomplete);
}

TEST(SuiteRun, ANewestJobNotCompletedMakesTheSuitePendingWithNothingWritten) {
    // Pending wins over --allow-partial: the run is to be repeated once the job is done.
    auto run = started_run(plan_of({{job(1)}, {job(2, false), job(1)}, {}}), /*allow_partial=*/true);
    const auto step = run.start();
    EXPECT_EQ(fetched_shards(step), std::vector<unsigned>{1}) << "neither fetched nor replaced by an older job";
    EXPECT_EQ(run.state(2), shard_state::pending);
    read_artifact(run, 1);
    const auto v = *run.delivered(1).verdict;
    ASSERT_EQ(v.pending.size(), 1u);
    EXPECT_EQ(v.pending[0].shard, 2u);
    EXPECT_EQ(v.pending[0].job.id, 2u);
    for (const auto& p : v.phases) {
        EXPECT_FALSE(p.write);
        EXPECT_EQ(p.file.status, file_status::incomplete);
        EXPECT_EQ(p.file.pending_shards, std::vector<unsigned>{2});
        EXPECT_EQ(p.file.missing_shards, std::vector<unsigned>{3});
    }
    EXPECT_EQ(v.code, exit_code::try_again);
}

TEST(SuiteRun, AnOlderCandidateNotCompletedAfterAMissingOneIsPending) {
    auto run = started_run(plan_of({{job(30), job(20, false)}}));
    run.start();
    const auto step = run.missing(1);
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(1), shard_state::pending);
    ASSERT_TRUE(step.verdict);
    EXPECT_EQ(step.verdict->pending.at(0).job.id, 20u);
    EXPECT_EQ(step.verdict->code, exit_code::try_again);
}

TEST(SuiteRun, AfterAnInterruptNothingIsWrittenAndNoOlderCandidateIsTried) {
    auto run = started_run(plan_of({{job(1)}, {job(3), job(2)}}));
    run.start();
    read_artifact(run, 1);
    run.delivered(1);
    run.interrupt();
    const auto step = run.missing(2);
    EXPECT_TRUE(step.fetches.empty());
    EXPECT_EQ(run.state(2), shard_state::failed);
    ASSERT_TRUE(step.verdict);
    for (const auto& p : step.verdict->phases) EXPECT_FALSE(p.write);
}

TEST(SuiteRun, AnInterruptedCompleteSuiteIsNotWritten) {
    auto run = started_run(plan_of({{job(1)}}));
    run.start();
    read_artifact(run, 1);
    run.interrupt();
    EXPECT_TRUE(run.delivered(1).verdict->phases.empty());
}

TEST(SuiteRun, UnreadableExpectedFilesFailEveryShardWithoutAFetch) {
    auto run = started_run(plan_of({{job(1)}, {job(2)}}));
    const auto step = run.start_refused("its expected files cannot be read");
    EXPECT_TRUE(step.fetches.empty());
    ASSERT_TRUE(step.verdict);
    EXPECT_EQ(run.state(1), shard_state::failed);
    EXPECT_EQ(step.verdict->code, exit_code::incomplete);
}

TEST(SuiteRun, ROCmSuitesAreLabelledWithTheirDirectory) {
    EXPECT_EQ(suite_run(plan_of({{job(1)}}, jobs::baseline::rocm), {}).label(), "rocm/inductor_timm");
    EXPECT_EQ(suite_run(plan_of({{job(1)}}), {}).label(), "inductor_timm");
}

TEST(SuiteRun, AShardEndsOnce) {
    auto run = started_run(plan_of({{job(1)}, {job(2)}}));
    run.start();
    run.failed(1, "download failed");
    EXPECT_THROW(run.delivered(1), std::logic_error);
}

}  // namespace
}  // namespace ue::app
