#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "update_expected/net/error.hpp"

namespace ue::net {

// Retry limits of one transfer (`--retries`). Defaults retry nothing: the caller opts in.
struct retry_settings {
    unsigned retries = 0;                             // retries after the first attempt
    std::chrono::milliseconds base_delay{500};        // first backoff ceiling, doubled per retry
    std::chrono::milliseconds max_delay{30'000};      // ceiling of one wait, Retry-After included
    std::chrono::milliseconds total_budget{300'000};  // no retry starts after this much waiting
    unsigned missing_retries = 1;  // a status the request counts as missing: final after this many retries
};

// What one attempt did, as the I/O shell saw it.
struct attempt_report {
    std::error_code code;                                  // empty: complete 2xx body delivered
    stage where = stage::queued;                           // stage the attempt ended in
    unsigned status = 0;                                   // HTTP status, 0 when no headers arrived
    bool reused_connection = false;                        // the attempt ran on a pooled keep-alive connection
    bool response_started = false;                         // at least one byte of a response arrived
    std::uint64_t body_bytes = 0;                          // body bytes this attempt delivered to the consumer
    std::optional<std::chrono::milliseconds> retry_after;  // the server's Retry-After, when given
    // `x-ratelimit-remaining: 0`: the quota is spent until a reset that may be an hour away, so the
    // caller decides whether to wait (GitHub asks clients not to retry before it).
    bool quota_exhausted = false;
    // The status is one the request counts as "not there" (request::missing_statuses).
    bool missing = false;
};

// What to do next.
struct decision {
    enum class kind {
        finish,  // report the last attempt's result as the outcome
        retry,   // start a new attempt on a fresh connection after `delay`
    };
    kind what = kind::finish;
    std::chrono::milliseconds delay{0};
};

// What a transfer that ended with `code` and HTTP `status` means to its caller, given the statuses
// its request counts as missing (request::missing_statuses).
ending ending_of(std::error_code code, unsigned status, std::span<const unsigned> missing_statuses) noexcept;

// Whether a transfer that ended so (its retries spent) tells how every other transfer to the same
// host, through the same proxy, would end: a certificate refused, a proxy that refused the request,
// a host that refused the connection or whose name does not exist. The client then ends the others
// at once with the same error instead of letting each meet it again.
bool ends_the_host(const outcome& o) noexcept;

// 301, 302, 303, 307 and 308.
bool is_redirect(unsigned status) noexcept;
// The redirects the client follows: an answer with one of those statuses to GET or HEAD
// (`get_or_head`). Other methods report a 3xx as an answer like any other.
bool follows_redirect(const attempt_report& report, bool get_or_head) noexcept;

// Whether a refusal ends a signed URL's life rather than the transfer: the last redirect's target
// (`redirected`) answered a retry (`retried_at_target`: after a cut body, a 5xx or a stage timeout
// there, not its first answer) with 401 or 403. Signed URLs (GitHub's artifact downloads,
// docs/pytorch-ci.md section 3) are valid for about a minute, and the request's own URL hands out a
// new one; the client goes back there once per transfer.
bool signature_lapsed(const attempt_report& report, bool redirected, bool retried_at_target) noexcept;

// The moment an HTTP-date names (RFC 9110 section 5.6.7): the IMF-fixdate that senders must use
// ("Sun, 06 Nov 1994 08:49:37 GMT"), and the obsolete RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT")
// and asctime ("Sun Nov  6 08:49:37 1994") forms that recipients must still read; nullopt else.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value);

// The wait a Retry-After value asks for, at most a day: delta-seconds, or an HTTP-date measured
// from `now` (a date already past is no wait). Anything else is nullopt, and the backoff's own
// delay applies.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Decides, without any socket, whether a transfer is finished or tries again (Redis reader_fsm
// style): the client carries out the decisions and tests drive this directly.
//
// - A pooled connection the server closed while it sat idle fails before any response byte: that
//   is not the server's answer, so it is retried at once on a fresh connection, without counting.
// - With retries > 0: connection errors, resets, stage timeouts, 5xx and 429 are retried with
//   exponential backoff and full jitter (uniform in [0, min(max_delay, base_delay * 2^n)]), or
//   after Retry-After when the server sent one; a status the request counts as missing at most
//   `missing_retries` times (an object may appear a moment after its job ends).
// - Never retried: success, cancellation, certificate refusals, bad URLs, other 4xx, consumer
//   errors, and anything once `retries` or `total_budget` is spent.
class transfer_policy {
public:
    // `uniform` returns a number in [0, 1); injectable so tests are deterministic.
    explicit transfer_policy(retry_settings settings = {}, std::function<double()> uniform = {});

    decision next(const attempt_report& report);

    unsigned attempt() const noexcept { return attempt_; }  // 1-based, of the attempt to run next

private:
    bool retryable(const attempt_report& report) const;

    retry_settings settings_;
    std::function<double()> uniform_;
    unsigned attempt_ = 1;
    unsigned retries_used_ = 0;
    unsigned missing_used_ = 0;
    std::chrono::milliseconds waited_{0};
};

// How an interrupted body goes on (sans-IO, driven by the client and by tests). When the first 2xx
// answer said `Accept-Ranges: bytes` and carried a strong ETag, a retry asks for the rest with
// `Range: bytes=N-` and `If-Range: <ETag>` (N = bytes the consumer has) and the consumer sees one
// continuous stream; otherwise, or when the server answers the range with a whole 200, the
// consumer forgets its bytes (body_sink::on_restart) and the body starts again from byte 0.
class resume_state {
public:
    // What a 2xx answer's body is to the consumer.
    enum class verdict {
        deliver,   // it continues the stream: the first answer, or a 206 starting exactly at delivered()
        restart,   // a whole body where a range was asked: the consumer restarts from byte 0 first
        mismatch,  // a 206 starting elsewhere: unusable (error::bad_resume)
    };

    // The Range and If-Range values for the next attempt, or nullopt for a plain request. Call once
    // per attempt, before sending it.
    std::optional<std::pair<std::string, std::string>> next_request();
    // Call with each 2xx answer's status, ETag, Accept-Ranges and Content-Range ("" when absent).
    verdict on_head(unsigned status, std::string_view etag, std::string_view accept_ranges,
                    std::string_view content_range);
    // Body bytes handed to the consumer.
    void on_body(std::uint64_t n) noexcept { delivered_ += n; }
    // Before a retry: whether the consumer must forget what it has (then call restart()).
    bool must_restart() const noexcept { return delivered_ > 0 && !resumable(); }
    // The consumer forgot its bytes (on_restart was called).
    void restart() noexcept;
    // Before a retry: must_restart(), and when so, restart() as well. True: tell the consumer.
    bool restart_before_retry() noexcept;
    // Before following a redirect: the body will come from another place, so whatever was
    // delivered is forgotten (restart()). True when there was something: tell the consumer.
    bool restart_before_redirect() noexcept;
    std::uint64_t delivered() const noexcept { return delivered_; }

private:
    bool resumable() const noexcept { return ranges_ && !etag_.empty(); }

    std::string etag_;     // strong validator of the representation being delivered
    bool ranges_ = false;  // the server accepts byte ranges for it
    std::uint64_t delivered_ = 0;
    std::optional<std::uint64_t> asked_;  // the offset the current attempt asked for
};

}  // namespace ue::net
