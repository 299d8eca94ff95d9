#include "update_expected/app/exit_code.hpp"

#include <gtest/gtest.h>

#include <array>

namespace {

using ue::app::combine;
using ue::app::exit_code;

TEST(ExitCode, NumbersAreTheContract) {
    EXPECT_EQ(to_int(exit_code::ok), 0);
    EXPECT_EQ(to_int(exit_code::incomplete), 1);
    EXPECT_EQ(to_int(exit_code::usage), 2);
    EXPECT_EQ(to_int(exit_code::source_failed), 3);
    EXPECT_EQ(to_int(exit_code::try_again), 75);
    EXPECT_EQ(to_int(exit_code::interrupted), 130);
    EXPECT_EQ(to_int(exit_code::terminated), 143);
}

TEST(ExitCode, HighestRankedWinsInEitherOrder) {
    // docs/command.md order, highest first; 130 and 143 share a rank.
    constexpr std::array order{exit_code::usage,     exit_code::source_failed, exit_code::interrupted,
                               exit_code::try_again, exit_code::incomplete,    exit_code::ok};
    for (std::size_t high = 0; high < order.size(); ++high) {
        for (std::size_t low = high; low < order.size(); ++low) {
            EXPECT_EQ(combine(order[high], order[low]), order[high]) << high << ' ' << low;
            EXPECT_EQ(combine(order[low], order[high]), order[high]) << high << ' ' << low;
        }
    }
    EXPECT_EQ(combine(exit_code::terminated, exit_code::try_again), exit_code::terminated);
    EXPECT_EQ(combine(exit_code::source_failed, exit_code::terminated), exit_code::source_failed);
}

TEST(ExitCode, FirstSignalDecidesBetweenInterruptAndTerminate) {
    EXPECT_EQ(combine(exit_code::interrupted, exit_code::terminated), exit_code::interrupted);
    EXPECT_EQ(combine(exit_code::terminated, exit_code::interrupted), exit_code::terminated);
}

TEST(ExitCode, FoldsOverARun) {
    exit_code run = exit_code::ok;
    for (exit_code step : {exit_code::incomplete, exit_code::ok, exit_code::try_again, exit_code::incomplete}) {
        run = combine(run, step);
    }
    EXPECT_EQ(run, exit_code::try_again);
}

}  // namespace
