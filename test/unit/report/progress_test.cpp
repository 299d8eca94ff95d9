#include "update_expected/report/progress.hpp"
#include "update_expected/report/units.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <sstream>
#include <string>

namespace {

using namespace std::chrono_literals;
using ue::report::format_bytes;
using ue::report::format_progress;
using ue::report::progress_counters;
using ue::report::progress_line;
using ue::report::progress_mode;

TEST(Units, BinaryUnitsWithOneDecimalChosenAfterRounding) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1024), "1.0 KiB");
    EXPECT_EQ(format_bytes(1536), "1.5 KiB");
    EXPECT_EQ(format_bytes(13002342), "12.4 MiB");
    EXPECT_EQ(format_bytes(1048575), "1.0 MiB");  // 1023.999 KiB rounds up into the next unit
    EXPECT_EQ(format_bytes(1048576ULL * 1024 * 3 + 1048576ULL * 205), "3.2 GiB");
    EXPECT_EQ(format_bytes(std::numeric_limits<std::uint64_t>::max()), "16777216.0 TiB");
}

TEST(Progress, FullLine) {
    const progress_counters c{.done = 37, .total = 82, .bytes = 13002342, .elapsed = 1500ms, .retrying = 2};
    // 12.4 MiB in 1.5 s; 45 left at 37 per 1.5 s: 1.82 s, shown rounded up.
    EXPECT_EQ(format_progress(c), "[37/82] 12.4 MiB  8.3 MiB/s  ETA 2s  2 retrying");
}

TEST(Progress, DonePaddedToTheWidthOfTotal) {
    EXPECT_EQ(format_progress({.done = 7, .total = 120, .bytes = 512, .elapsed = 1s}),
              "[  7/120] 512 B  512 B/s  ETA 17s");
}

TEST(Progress, EtaInMinutesAndHours) {
    EXPECT_EQ(format_progress({.done = 1, .total = 3, .elapsed = 40s}), "[1/3] 0 B  0 B/s  ETA 1m20s");
    EXPECT_EQ(format_progress({.done = 1, .total = 3, .elapsed = 3600s}), "[1/3] 0 B  0 B/s  ETA 2h00m");
}

TEST(Progress, UnknownsAreLeftOut) {
    // Nothing planned yet, no time elapsed: neither rate nor ETA.
    EXPECT_EQ(format_progress({}), "[0/0] 0 B");
    // Time elapsed but nothing done: a rate, no ETA.
    EXPECT_EQ(format_progress({.done = 0, .total = 5, .bytes = 2048, .elapsed = 2s}), "[0/5] 2.0 KiB  1.0 KiB/s");
    // All done: no ETA.
    EXPECT_EQ(format_progress({.done = 5, .total = 5, .bytes = 2048, .elapsed = 2s}), "[5/5] 2.0 KiB  1.0 KiB/s");
}

TEST(Progress, NeverWiderThanAsked) {
    constexpr auto big = std::numeric_limits<std::size_t>::max();
    const progress_counters c{.done = big - 1,
                              .total = big,
                              .bytes = std::numeric_limits<std::uint64_t>::max(),
                              .elapsed = 1ns,
                              .retrying = big};
    EXPECT_EQ(format_progress(c).size(), 79U);
    EXPECT_EQ(format_progress(c, 40).size(), 40U);
}

TEST(Progress, ModeParsingAndWhenToShow) {
    using ue::report::parse_progress_mode;
    using ue::report::should_show;
    EXPECT_EQ(parse_progress_mode("auto"), progress_mode::automatic);
    EXPECT_EQ(parse_progress_mode("always"), progress_mode::always);
    EXPECT_EQ(parse_progress_mode("never"), progress_mode::never);
    EXPECT_EQ(parse_progress_mode("Auto"), std::nullopt);
    EXPECT_TRUE(should_show(progress_mode::automatic, true));
    EXPECT_FALSE(should_show(progress_mode::automatic, false));
    EXPECT_TRUE(should_show(progress_mode::always, false));
    EXPECT_FALSE(should_show(progress_mode::never, true));
}

// A clock the test moves by hand.
struct fake_clock {
    progress_line::clock::time_point t{};
    progress_line::now_function function() {
        return [this] { return t; };
    }
};

TEST(ProgressLine, NotLiveWritesNothingAtAll) {
    std::ostringstream out;
    fake_clock clock;
    {
        progress_line line(out, false, clock.function());
        for (int i = 0; i < 5; ++i) {
            line.update({.done = static_cast<std::size_t>(i), .total = 5});
            clock.t += 1s;
        }
        line.clear();
    }
    EXPECT_EQ(out.str(), "");
}

TEST(ProgressLine, RedrawsInPlaceAtMostOncePerInterval) {
    std::ostringstream out;
    fake_clock clock;
    progress_line line(out, true, clock.function(), 100ms);
    line.update({.done = 1, .total = 3});
    EXPECT_EQ(out.str(), "\r[1/3] 0 B\x1b[K");
    clock.t += 99ms;
    line.update({.done = 2, .total = 3});  // throttled
    EXPECT_EQ(out.str(), "\r[1/3] 0 B\x1b[K");
    clock.t += 1ms;
    line.update({.done = 2, .total = 3});
    EXPECT_EQ(out.str(), "\r[1/3] 0 B\x1b[K\r[2/3] 0 B\x1b[K");
    clock.t += 1s;
    line.update({.done = 2, .total = 3});  // same text: nothing to redraw
    EXPECT_EQ(out.str(), "\r[1/3] 0 B\x1b[K\r[2/3] 0 B\x1b[K");
}

TEST(ProgressLine, ClearErasesOnlyWhatIsShownAndTheDestructorClears) {
    std::ostringstream out;
    fake_clock clock;
    {
        progress_line line(out, true, clock.function());
        line.clear();  // nothing shown yet: nothing to erase
        EXPECT_EQ(out.str(), "");
        line.update({.done = 1, .total = 2});
        line.clear();
        EXPECT_EQ(out.str(), "\r[1/2] 0 B\x1b[K\r\x1b[K");
        line.clear();  // already gone
        EXPECT_EQ(out.str(), "\r[1/2] 0 B\x1b[K\r\x1b[K");
        out.str("");
        clock.t += 1s;
        line.update({.done = 1, .total = 2});  // same text as before, but no longer on screen
        EXPECT_EQ(out.str(), "\r[1/2] 0 B\x1b[K");
        out.str("");
    }
    EXPECT_EQ(out.str(), "\r\x1b[K");
}

}  // namespace
