#include "update_expected/net/policy.hpp"

#include <string>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <gtest/gtest.h>

namespace ue::net {
namespace {

using std::chrono::milliseconds;

attempt_report failed(std::error_code ec, stage where = stage::connect) {
    attempt_report r;
    r.code = ec;
    r.where = where;
    return r;
}

attempt_report status(unsigned s) {
    attempt_report r = failed(error::http_status, stage::done);
    r.status = s;
    r.response_started = true;
    return r;
}

transfer_policy with_retries(unsigned n, double uniform = 0.5) {
    retry_settings s;
    s.retries = n;
    return transfer_policy(s, [uniform] { return uniform; });
}

const std::error_code reset = std::make_error_code(std::errc::connection_reset);

TEST(Policy, SuccessFinishes) {
    auto p = with_retries(3);
    EXPECT_EQ(p.next(attempt_report{}).what, decision::kind::finish);
    EXPECT_EQ(p.attempt(), 1u);
}

TEST(Policy, StalePooledConnectionIsRetriedAtOnceWithoutCounting) {
    transfer_policy p;  // no retries configured
    attempt_report r = failed(reset, stage::write);
    r.reused_connection = true;
    const auto d = p.next(r);
    EXPECT_EQ(d.what, decision::kind::retry);
    EXPECT_EQ(d.delay, milliseconds{0});
    EXPECT_EQ(p.attempt(), 1u);
}

TEST(Policy, PooledConnectionThatAnsweredIsNotStale) {
    transfer_policy p;
    attempt_report r = failed(reset, stage::body);
    r.reused_connection = true;
    r.response_started = true;
    EXPECT_EQ(p.next(r).what, decision::kind::finish);
}

TEST(Policy, NoRetriesByDefault) {
    transfer_policy p;
    EXPECT_EQ(p.next(status(503)).what, decision::kind::finish);
    EXPECT_EQ(p.next(failed(error::connect_timeout)).what, decision::kind::finish);
}

TEST(Policy, BacksOffExponentiallyWithFullJitter) {
    auto p = with_retries(3, 0.5);
    const auto a = p.next(status(503));
    EXPECT_EQ(a.what, decision::kind::retry);
    EXPECT_EQ(a.delay, milliseconds{250});
    EXPECT_EQ(p.attempt(), 2u);
    EXPECT_EQ(p.next(failed(reset)).delay, milliseconds{500});
    EXPECT_EQ(p.next(failed(error::headers_timeout, stage::headers)).delay, milliseconds{1000});
    EXPECT_EQ(p.attempt(), 4u);
    EXPECT_EQ(p.next(status(500)).what, decision::kind::finish);
}

TEST(Policy, JitterNeverExceedsTheCeiling) {
    retry_settings s;
    s.retries = 30;
    s.max_delay = milliseconds{4000};
    transfer_policy p(s, [] { return 0.999; });
    for (int i = 0; i < 20; ++i) EXPECT_LT(p.next(status(502)).delay, milliseconds{4000});
}

TEST(Policy, HonoursRetryAfterUpToTheCeiling) {
    auto p = with_retries(3);
    attempt_report r = status(429);
    r.retry_after = milliseconds{2000};
    EXPECT_EQ(p.next(r).delay, milliseconds{2000});
    r.retry_after = milliseconds{3'600'000};
    EXPECT_EQ(p.next(r).delay, milliseconds{30'000});
}

TEST(Policy, ASpentQuotaIsLeftToTheCaller) {
    auto p = with_retries(4);
    for (unsigned code : {429u, 403u, 503u}) {
        attempt_report r = status(code);
        r.quota_exhausted = true;
        EXPECT_EQ(p.next(r).what, decision::kind::finish) << code;
    }
    EXPECT_EQ(p.next(status(429)).what, decision::kind::retry);
}

attempt_report missing(unsigned s) {
    attempt_report r = status(s);
    r.missing = true;
    return r;
}

TEST(Policy, MissingIsRetriedAtMostOnce) {
    auto p = with_retries(4);
    EXPECT_EQ(p.next(missing(404)).what, decision::kind::retry);
    EXPECT_EQ(p.next(missing(403)).what, decision::kind::finish);
}

TEST(Policy, AStatusTheRequestDoesNotCountAsMissingIsAnotherFourHundred) {
    auto p = with_retries(4);
    EXPECT_EQ(p.next(status(404)).what, decision::kind::finish);
}

TEST(Policy, EndingsSayWhatTheCallerMeets) {
    const std::vector<unsigned> s3{403, 404};
    EXPECT_EQ(ending_of({}, 200, s3), ending::delivered);
    EXPECT_EQ(ending_of(error::http_status, 404, s3), ending::missing);
    EXPECT_EQ(ending_of(error::http_status, 403, s3), ending::missing);
    EXPECT_EQ(ending_of(error::http_status, 403, {}), ending::refused);
    EXPECT_EQ(ending_of(error::http_status, 401, s3), ending::refused);
    EXPECT_EQ(ending_of(error::http_status, 407, s3), ending::refused);
    EXPECT_EQ(ending_of(error::proxy_refused, 403, s3), ending::refused);
    EXPECT_EQ(ending_of(error::http_status, 404, {}), ending::failed);
    EXPECT_EQ(ending_of(error::http_status, 410, s3), ending::failed);
    EXPECT_EQ(ending_of(error::http_status, 500, s3), ending::failed);
    EXPECT_EQ(ending_of(error::connect_timeout, 0, s3), ending::failed);
    EXPECT_EQ(ending_of(error::cancelled, 0, s3), ending::failed);
}

TEST(Policy, PermanentFailuresAreNotRetried) {
    const std::error_code permanent[] = {
        error::cancelled,
        error::certificate_rejected,
        error::bad_url,
        error::body_too_large,
        error::internal,
        std::error_code(make_error_code(boost::asio::error::host_not_found)),
        std::make_error_code(std::io_errc::stream)};  // stands for a consumer's own error
    for (const auto& ec : permanent) {
        auto p = with_retries(4);
        EXPECT_EQ(p.next(failed(ec)).what, decision::kind::finish) << ec.message();
    }
    auto p = with_retries(4);
    EXPECT_EQ(p.next(status(400)).what, decision::kind::finish);
}

using verdict = resume_state::verdict;

TEST(Resume, AsksForTheRestWithTheETagAndContinuesOnAMatching206) {
    resume_state r;
    EXPECT_FALSE(r.next_request());
    EXPECT_EQ(r.on_head(200, "\"e1\"", "bytes", ""), verdict::deliver);
    r.on_body(1000);
    r.on_body(234);
    EXPECT_FALSE(r.must_restart());
    const auto fields = r.next_request();
    ASSERT_TRUE(fields);
    EXPECT_EQ(fields->first, "bytes=1234-");
    EXPECT_EQ(fields->second, "\"e1\"");
    EXPECT_EQ(r.on_head(206, "\"e1\"", "bytes", "bytes 1234-4999/5000"), verdict::deliver);
    EXPECT_EQ(r.delivered(), 1234u);
    // A second cut resumes from the new total.
    r.on_body(100);
    EXPECT_EQ(r.next_request()->first, "bytes=1334-");
}

TEST(Resume, A206ElsewhereIsAMismatch) {
    resume_state r;
    r.on_head(200, "\"e\"", "bytes", "");
    r.on_body(10);
    ASSERT_TRUE(r.next_request());
    EXPECT_EQ(r.on_head(206, "\"e\"", "bytes", "bytes 0-99/100"), verdict::mismatch);
    ASSERT_TRUE(r.next_request());
    EXPECT_EQ(r.on_head(206, "\"e\"", "bytes", "garbage"), verdict::mismatch);
}

TEST(Resume, AWhole200AnsweringTheRangeRestarts) {
    resume_state r;
    r.on_head(200, "\"old\"", "bytes", "");
    r.on_body(500);
    ASSERT_TRUE(r.next_request());
    EXPECT_EQ(r.on_head(200, "\"new\"", "bytes", ""), verdict::restart);
    EXPECT_EQ(r.delivered(), 0u);
    r.on_body(7);
    EXPECT_EQ(r.next_request()->second, "\"new\"");  // the new representation's validator
}

TEST(Resume, WithoutRangesOrAStrongETagTheConsumerRestarts) {
    for (const auto& [etag, ranges] : std::vector<std::pair<std::string, std::string>>{
             {"", "bytes"}, {"\"e\"", ""}, {"\"e\"", "none"}, {"W/\"e\"", "bytes"}}) {
        resume_state r;
        EXPECT_EQ(r.on_head(200, etag, ranges, ""), verdict::deliver);
        EXPECT_FALSE(r.must_restart());  // nothing delivered yet
        r.on_body(10);
        EXPECT_TRUE(r.must_restart()) << etag << " " << ranges;
        EXPECT_FALSE(r.next_request());
        r.restart();
        EXPECT_EQ(r.delivered(), 0u);
        EXPECT_FALSE(r.must_restart());
        // The retry's answer is a fresh body, not a restart the consumer must be told of again.
        EXPECT_EQ(r.on_head(200, etag, ranges, ""), verdict::deliver);
    }
}

TEST(Policy, FollowsTheFiveRedirectStatusesOfGetAndHeadOnly) {
    for (unsigned code : {301u, 302u, 303u, 307u, 308u}) {
        EXPECT_TRUE(follows_redirect(status(code), true)) << code;
        EXPECT_FALSE(follows_redirect(status(code), false)) << code;  // POST sees the 3xx
    }
    for (unsigned code : {300u, 304u, 200u, 404u}) EXPECT_FALSE(follows_redirect(status(code), true)) << code;
}

TEST(Policy, ASignatureLapsesOnlyWhereARedirectsTargetRefusesARetry) {
    EXPECT_TRUE(signature_lapsed(status(403), true, true));
    EXPECT_TRUE(signature_lapsed(status(401), true, true));
    EXPECT_FALSE(signature_lapsed(status(403), false, true));  // the request's own URL refused it
    EXPECT_FALSE(signature_lapsed(status(403), true, false));  // its first answer: a refusal, not a lapse
    for (unsigned code : {404u, 410u, 500u, 200u}) EXPECT_FALSE(signature_lapsed(status(code), true, true)) << code;
}

// 2015-10-21T07:28:00Z, the date of RFC 9110's examples' kind.
const auto oct21 = std::chrono::system_clock::from_time_t(1445412480);

TEST(Policy, RetryAfterIsReadInSecondsUpToADay) {
    EXPECT_EQ(parse_retry_after("0", oct21), milliseconds{0});
    EXPECT_EQ(parse_retry_after("120", oct21), milliseconds{120'000});
    EXPECT_EQ(parse_retry_after("86400", oct21), milliseconds{86'400'000});
    EXPECT_FALSE(parse_retry_after("86401", oct21));
    EXPECT_FALSE(parse_retry_after("-1", oct21));
    EXPECT_FALSE(parse_retry_after("1.5", oct21));
    EXPECT_FALSE(parse_retry_after("", oct21));
}

TEST(Policy, RetryAfterAsAnHttpDateIsTheTimeUntilThen) {
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", oct21), milliseconds{30'000});
    EXPECT_EQ(parse_retry_after("Wednesday, 21-Oct-15 07:29:00 GMT", oct21), milliseconds{60'000});
    EXPECT_EQ(parse_retry_after("Wed Oct 21 07:28:05 2015", oct21), milliseconds{5'000});
    EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", oct21), milliseconds{0}) << "already past";
    EXPECT_FALSE(parse_retry_after("Fri, 23 Oct 2015 07:28:00 GMT", oct21)) << "over a day";
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:30 CET", oct21));
    EXPECT_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT trailing", oct21));
    EXPECT_FALSE(parse_retry_after("tomorrow", oct21));
}

TEST(Resume, ARetryRestartsTheConsumerOnlyWhenTheBodyCannotBeResumed) {
    resume_state resumable;
    resumable.on_head(200, "\"e\"", "bytes", "");
    resumable.on_body(10);
    EXPECT_FALSE(resumable.restart_before_retry());
    EXPECT_EQ(resumable.delivered(), 10u);

    resume_state plain;
    plain.on_head(200, "", "", "");
    plain.on_body(10);
    EXPECT_TRUE(plain.restart_before_retry());
    EXPECT_EQ(plain.delivered(), 0u);
    EXPECT_FALSE(plain.restart_before_retry());
}

TEST(Resume, ARedirectRestartsTheConsumerWheneverItHasBytes) {
    resume_state r;
    EXPECT_FALSE(r.restart_before_redirect());
    r.on_head(200, "\"e\"", "bytes", "");
    r.on_body(10);
    EXPECT_TRUE(r.restart_before_redirect());
    EXPECT_EQ(r.delivered(), 0u);
    EXPECT_FALSE(r.next_request());
}

TEST(Policy, StopsWhenTheWaitingBudgetIsSpent) {
    retry_settings s;
    s.retries = 10;
    s.total_budget = milliseconds{1000};
    transfer_policy p(s, [] { return 0.5; });
    attempt_report r = status(503);
    r.retry_after = milliseconds{600};
    EXPECT_EQ(p.next(r).what, decision::kind::retry);
    EXPECT_EQ(p.next(r).what, decision::kind::finish);
}

}  // namespace
}  // namespace ue::net
