#include "failure_tally.hpp"

#include <gtest/gtest.h>

namespace ue::app {
namespace {

TEST(FailureTally, SaysEachCauseOnceAndCountsItsRepeats) {
    failure_tally tally("expected files could not be written");
    EXPECT_TRUE(tally.first("No space left on device"));
    EXPECT_FALSE(tally.first("No space left on device"));
    EXPECT_TRUE(tally.first("Read-only file system"));
    EXPECT_FALSE(tally.first("No space left on device"));
    EXPECT_EQ(tally.repeats(), std::vector<std::string>{
                                   "2 more expected files could not be written the same way: No space left on device"});
}

TEST(FailureTally, NothingMetTwiceSaysNothingMore) {
    failure_tally tally("artifacts failed");
    EXPECT_TRUE(tally.repeats().empty());
    EXPECT_TRUE(tally.first("certificate_rejected [stage handshake]"));
    EXPECT_TRUE(tally.repeats().empty());
}

}  // namespace
}  // namespace ue::app
