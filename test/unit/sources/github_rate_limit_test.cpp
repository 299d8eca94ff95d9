#include "update_expected/sources/github_rate_limit.hpp"

#include <gtest/gtest.h>

namespace ue::sources {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using kind = rate_limit_verdict::kind;

// 2026-11-24 18:00:00 UTC
const std::chrono::system_clock::time_point now{seconds(1795543200)};

net::response_head head(std::vector<std::pair<std::string, std::string>> fields) {
    net::response_head h;
    h.fields = std::move(fields);
    return h;
}

std::string reset_in(seconds s) { return std::to_string(1795543200 + s.count()); }

TEST(UtcText, IsReadable) {
    EXPECT_EQ(utc_text(now), "2026-11-24 18:00:00 UTC");
    EXPECT_EQ(utc_text(now + seconds(3723)), "2026-11-24 19:02:03 UTC");
}

TEST(RateLimitPolicy, LeavesOtherStatusesAlone) {
    rate_limit_policy policy;
    for (unsigned status : {200u, 401u, 404u, 422u, 500u, 502u}) {
        EXPECT_EQ(policy.next(status, head({{"x-ratelimit-remaining", "0"}, {"retry-after", "1"}}), "", now).what,
                  kind::not_limited)
            << status;
    }
}

TEST(RateLimitPolicy, A403ThatIsNotAboutLimitsIsARefusal) {
    rate_limit_policy policy;
    const auto v =
        policy.next(403, head({{"x-ratelimit-remaining", "4999"}, {"x-ratelimit-reset", reset_in(seconds(99))}}),
                    R"({"message":"Resource not accessible by integration"})", now);
    EXPECT_EQ(v.what, kind::not_limited);
}

TEST(RateLimitPolicy, WaitsForAResetLessThanAMinuteAway) {
    for (unsigned status : {403u, 429u}) {
        rate_limit_policy policy;
        const auto v = policy.next(
            status, head({{"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset_in(seconds(2))}}), "", now);
        EXPECT_EQ(v.what, kind::wait) << status;
        EXPECT_EQ(v.delay, milliseconds(3000));  // one second past the reset: it counts in whole seconds
        EXPECT_EQ(v.message, "rate limited, waiting 3 s");
    }
}

TEST(RateLimitPolicy, GivesUpOnAResetAnHourAwayNamingTheTime) {
    rate_limit_policy policy;
    const auto v =
        policy.next(403, head({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset_in(seconds(3600))}}),
                    R"({"message":"API rate limit exceeded for 1.2.3.4."})", now);
    EXPECT_EQ(v.what, kind::give_up);
    EXPECT_EQ(v.message, "rate limit exhausted until 2026-11-24 19:00:01 UTC (in 61 min)");
}

TEST(RateLimitPolicy, AResetAlreadyPastWaitsOneSecond) {
    rate_limit_policy policy;
    const auto v = policy.next(
        429, head({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset_in(seconds(-30))}}), "", now);
    EXPECT_EQ(v.what, kind::wait);
    EXPECT_EQ(v.delay, milliseconds(1000));
}

TEST(RateLimitPolicy, GivesUpWhenTheResetDoesNotCome) {
    rate_limit_policy policy({.reset_waits = 2});
    const auto h = head({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset_in(seconds(5))}});
    EXPECT_EQ(policy.next(403, h, "", now).what, kind::wait);
    EXPECT_EQ(policy.next(403, h, "", now).what, kind::wait);
    const auto v = policy.next(403, h, "", now);
    EXPECT_EQ(v.what, kind::give_up);
    EXPECT_EQ(v.message, "rate limit still exhausted after 2 waits, until 2026-11-24 18:00:06 UTC (in 6 s)");
}

TEST(RateLimitPolicy, ExhaustedWithoutAResetGivesUp) {
    rate_limit_policy policy;
    const auto v = policy.next(403, head({{"x-ratelimit-remaining", "0"}}), "", now);
    EXPECT_EQ(v.what, kind::give_up);
    EXPECT_EQ(v.message, "rate limit exhausted, with no reset time given");
}

TEST(RateLimitPolicy, HonoursRetryAfterBeforeTheReset) {
    rate_limit_policy policy;
    auto v = policy.next(
        403,
        head({{"retry-after", "7"}, {"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", reset_in(seconds(3600))}}),
        "", now);
    EXPECT_EQ(v.what, kind::wait);
    EXPECT_EQ(v.delay, milliseconds(7000));
    v = policy.next(429, head({{"Retry-After", "120"}}), "", now);
    EXPECT_EQ(v.what, kind::give_up);
    EXPECT_EQ(v.message, "rate limit exhausted until 2026-11-24 18:02:00 UTC (in 2 min)");
}

TEST(RateLimitPolicy, BacksOffFromASecondaryLimitExponentiallyAndBounded) {
    rate_limit_policy policy;
    const auto h = head({{"x-ratelimit-remaining", "4000"}});
    const std::string body = R"({"message":"You have exceeded a secondary rate limit. Please wait..."})";
    auto v = policy.next(403, h, body, now);
    EXPECT_EQ(v.what, kind::wait);
    EXPECT_EQ(v.delay, milliseconds(60'000));
    EXPECT_EQ(v.message, "secondary rate limit, waiting 60 s");
    EXPECT_EQ(policy.next(429, head({}), "", now).delay, milliseconds(120'000));
    EXPECT_EQ(policy.next(403, head({}), "", now).delay, milliseconds(240'000));
    v = policy.next(403, h, body, now);
    EXPECT_EQ(v.what, kind::give_up);
    EXPECT_EQ(v.message, "secondary rate limit still in force after 3 waits");
}

// Found by fuzz_github_rate_limit (corpus regression-huge-retry-after): seconds beyond what
// system_clock holds overflowed a signed multiplication (undefined behaviour) on the way to a time point.
TEST(RateLimitPolicy, GivesUpOnAbsurdlyLongWaitsWithoutOverflowing) {
    for (const char* field : {"retry-after", "x-ratelimit-reset"}) {
        for (const char* value : {"35346000000", "9223372036854775807", "99999999999999999999999"}) {
            rate_limit_policy policy;
            const auto v = policy.next(403, head({{field, value}, {"x-ratelimit-remaining", "0"}}), "", now);
            EXPECT_EQ(v.what, kind::give_up) << field << ": " << value;
            EXPECT_TRUE(v.message.starts_with("rate limit exhausted until 2")) << v.message;
        }
    }
}

TEST(RateLimitPolicy, IgnoresUnreadableNumbers) {
    rate_limit_policy policy;
    // A Retry-After that is not a number of seconds, and a reset that is not a number: a secondary limit.
    const auto v = policy.next(429,
                               head({{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"},
                                     {"x-ratelimit-remaining", "x"},
                                     {"x-ratelimit-reset", "soon"}}),
                               "", now);
    EXPECT_EQ(v.what, kind::wait);
    EXPECT_EQ(v.delay, milliseconds(60'000));
}

}  // namespace
}  // namespace ue::sources
