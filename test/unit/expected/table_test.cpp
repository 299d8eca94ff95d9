#include "update_expected/expected/table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ue::expected {
namespace {

using shards = std::vector<unsigned>;

suite_tables two_phase_suite(unsigned shard_count) {
    suite_tables t(shard_count);
    t.add_phase("training", default_schema());
    t.add_phase("inference", default_schema());
    return t;
}

TEST(SuiteTables, EveryShardDeliveringMakesThePhaseComplete) {
    auto t = two_phase_suite(2);
    t.stage_row(1, "training", {"A", "pass", "0"});
    t.commit(1);
    EXPECT_FALSE(t.all_in());
    EXPECT_EQ(t.status("training"), phase_status::partial);
    EXPECT_EQ(t.missing_shards("training"), shards{2});
    t.stage_row(2, "training", {"B", "pass", "1"});
    t.commit(2);
    EXPECT_TRUE(t.all_in());
    EXPECT_EQ(t.status("training"), phase_status::complete);
    EXPECT_TRUE(t.missing_shards("training").empty());
    EXPECT_EQ(t.rows("training"), (std::vector<row>{{"A", "pass", "0"}, {"B", "pass", "1"}}));
}

TEST(SuiteTables, APhaseNoShardHasIsAbsent) {
    auto t = two_phase_suite(2);
    t.stage_row(1, "training", {"A", "pass", "0"});
    t.commit(1);
    t.stage_row(2, "training", {"B", "pass", "0"});
    t.commit(2);
    EXPECT_EQ(t.status("training"), phase_status::complete);
    EXPECT_EQ(t.status("inference"), phase_status::absent);
    EXPECT_EQ(t.missing_shards("inference"), (shards{1, 2}));
}

TEST(SuiteTables, AnEntryWithoutRowsStillDelivers) {
    auto t = two_phase_suite(1);
    t.stage_entry(1, "inference");
    t.commit(1);
    EXPECT_EQ(t.status("inference"), phase_status::complete);
    EXPECT_TRUE(t.rows("inference").empty());
}

TEST(SuiteTables, ACleanShardWithoutThePhaseLeavesItPartial) {
    auto t = two_phase_suite(2);
    t.stage_row(1, "inference", {"A", "pass", "0"});
    t.stage_row(1, "training", {"A", "pass", "0"});
    t.commit(1);
    t.stage_row(2, "training", {"B", "pass", "0"});  // shard 2 has no inference entry
    t.commit(2);
    EXPECT_EQ(t.status("training"), phase_status::complete);
    EXPECT_EQ(t.status("inference"), phase_status::partial);
    EXPECT_EQ(t.missing_shards("inference"), shards{2});
}

TEST(SuiteTables, AFailedArtifactDeliversNoPhaseEvenOneReadCleanly) {
    // The training entry was read fine, then the inference entry failed: the artifact delivers nothing.
    auto t = two_phase_suite(2);
    t.stage_row(1, "training", {"A", "pass", "0"});
    t.commit(1);
    t.stage_row(2, "training", {"B", "pass", "0"});
    t.stage_row(2, "inference", {"B", "pass", "0"});
    t.discard(2);
    EXPECT_TRUE(t.all_in());
    EXPECT_EQ(t.status("training"), phase_status::partial);
    EXPECT_EQ(t.missing_shards("training"), shards{2});
    EXPECT_EQ(t.rows("training"), (std::vector<row>{{"A", "pass", "0"}}));
    EXPECT_EQ(t.status("inference"), phase_status::absent);
}

TEST(SuiteTables, StagedRowsDoNotCountBeforeCommit) {
    auto t = two_phase_suite(1);
    t.stage_row(1, "training", {"A", "pass", "0"});
    EXPECT_EQ(t.status("training"), phase_status::absent);
    EXPECT_TRUE(t.rows("training").empty());
}

TEST(SuiteTables, ResetDropsWhatARestartedTransferStaged) {
    auto t = two_phase_suite(1);
    t.stage_row(1, "training", {"A", "pass", "0"});
    t.stage_row(1, "inference", {"A", "pass", "0"});
    t.reset(1);
    t.stage_row(1, "training", {"A", "pass", "0"});
    t.commit(1);
    EXPECT_EQ(t.rows("training"), (std::vector<row>{{"A", "pass", "0"}}));
    EXPECT_EQ(t.status("inference"), phase_status::absent);
}

TEST(SuiteTables, RowsComeInShardOrderWhateverTheCommitOrder) {
    auto t = two_phase_suite(3);
    t.stage_row(3, "training", {"same", "fail_accuracy", "0"});
    t.commit(3);
    t.stage_row(1, "training", {"same", "pass", "0"});
    t.stage_row(1, "training", {"other", "pass", "2"});
    t.stage_row(2, "training", {"same", "eager_fail", "0"});
    t.commit(2);
    t.commit(1);
    EXPECT_EQ(t.rows("training"), (std::vector<row>{{"same", "pass", "0"},
                                                    {"other", "pass", "2"},
                                                    {"same", "eager_fail", "0"},
                                                    {"same", "fail_accuracy", "0"}}));
}

TEST(SuiteTables, PhasesKeepTheirOwnColumns) {
    suite_tables t(1);
    t.add_phase("training", default_schema());
    auto wide = schema::from_header({"name", "accuracy", "graph_breaks", "calls_captured"});
    ASSERT_TRUE(wide);
    t.add_phase("inference", *wide);
    EXPECT_EQ(t.columns("inference"), *wide);
    EXPECT_EQ(t.phases(), (std::vector<std::string>{"training", "inference"}));
    t.stage_row(1, "inference", {"A", "pass", "0", "3"});
    EXPECT_THROW(t.stage_row(1, "inference", {"A", "pass", "0"}), std::logic_error);
}

TEST(SuiteTables, MisuseIsRefused) {
    EXPECT_THROW(suite_tables(0), std::logic_error);
    auto t = two_phase_suite(2);
    EXPECT_THROW(t.add_phase("training", default_schema()), std::logic_error);
    EXPECT_THROW(t.stage_entry(0, "training"), std::out_of_range);
    EXPECT_THROW(t.stage_entry(3, "training"), std::out_of_range);
    EXPECT_THROW(t.stage_entry(1, "warmup"), std::logic_error);
    EXPECT_THROW(t.status("warmup"), std::logic_error);
    t.commit(1);
    EXPECT_THROW(t.commit(1), std::logic_error);
    EXPECT_THROW(t.discard(1), std::logic_error);
    EXPECT_THROW(t.stage_row(1, "training", {"A", "pass", "0"}), std::logic_error);
}

}  // namespace
}  // namespace ue::expected
