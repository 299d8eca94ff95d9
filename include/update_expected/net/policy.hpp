#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <system_error>

#include "update_expected/net/error.hpp"

namespace ue::net {

// Retry limits of one transfer (`--retries`). Defaults retry nothing: the caller opts in.
struct retry_settings {
  unsigned retries = 0;                               // retries after the first attempt
  std::chrono::milliseconds base_delay{500};          // first backoff ceiling, doubled per retry
  std::chrono::milliseconds max_delay{30'000};        // ceiling of one wait, Retry-After included
  std::chrono::milliseconds total_budget{300'000};    // no retry starts after this much waiting
  unsigned not_there_retries = 1;                     // 403/404: "not there" after this many retries
};

// What one attempt did, as the I/O shell saw it.
struct attempt_report {
  std::error_code code;            // empty: complete 2xx body delivered
  stage where = stage::queued;     // stage the attempt ended in
  unsigned status = 0;             // HTTP status, 0 when no headers arrived
  bool reused_connection = false;  // the attempt ran on a pooled keep-alive connection
  bool response_started = false;   // at least one byte of a response arrived
  std::uint64_t body_bytes = 0;    // body bytes this attempt delivered to the consumer
  std::optional<std::chrono::milliseconds> retry_after;  // the server's Retry-After, when given
};

// What to do next.
struct decision {
  enum class kind {
    finish,  // report the last attempt's result as the outcome
    retry,   // start a new attempt on a fresh connection after `delay`
  };
  kind what = kind::finish;
  std::chrono::milliseconds delay{0};
  // The retry repeats bytes the consumer already has: tell it to start again from byte 0.
  bool restart_body = false;
};

// Decides, without any socket, whether a transfer is finished or tries again (Redis reader_fsm
// style): the client carries out the decisions and tests drive this directly.
//
// - A pooled connection the server closed while it sat idle fails before any response byte: that
//   is not the server's answer, so it is retried at once on a fresh connection, without counting.
// - With retries > 0: connection errors, resets, stage timeouts, 5xx and 429 are retried with
//   exponential backoff and full jitter (uniform in [0, min(max_delay, base_delay * 2^n)]), or
//   after Retry-After when the server sent one; 403 and 404 at most `not_there_retries` times.
// - Never retried: success, cancellation, certificate refusals, bad URLs, other 4xx, consumer
//   errors, and anything once `retries` or `total_budget` is spent.
class transfer_policy {
 public:
  // `uniform` returns a number in [0, 1); injectable so tests are deterministic.
  explicit transfer_policy(retry_settings settings = {}, std::function<double()> uniform = {});

  decision next(const attempt_report& report);

  unsigned attempt() const noexcept { return attempt_; }  // 1-based, of the attempt to run next
  // True when the last finished outcome is a 403/404 the caller should read as "not there".
  static bool not_there(unsigned status) noexcept { return status == 403 || status == 404; }

 private:
  bool retryable(const attempt_report& report) const;

  retry_settings settings_;
  std::function<double()> uniform_;
  unsigned attempt_ = 1;
  unsigned retries_used_ = 0;
  unsigned not_there_used_ = 0;
  std::chrono::milliseconds waited_{0};
};

}  // namespace ue::net
