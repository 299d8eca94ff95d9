#pragma once

// What to do when the GitHub API refuses a request for its rate limits, decided without any
// socket or timer (the async calls in github.hpp carry the decision out).

#include "update_expected/net/response_head.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace ue::sources {

struct rate_limit_settings {
    // The longest wait for a primary limit's reset or a Retry-After; a longer one is given up with a
    // message naming when the limit resets.
    std::chrono::milliseconds max_wait{60'000};
    // A limit that is still there after this many waits for its reset is given up.
    unsigned reset_waits = 3;
    // Secondary limits (no reset time given): wait this long, doubling on each repeat...
    std::chrono::milliseconds secondary_wait{60'000};
    // ...at most this many times, then give up.
    unsigned secondary_waits = 3;
};

struct rate_limit_verdict {
    enum class kind {
        not_limited,  // the refusal is not about rate limits (e.g. a 403 for missing permissions)
        wait,         // send the request again after `delay`
        give_up,      // fail; `message` says why and, when known, when the limit resets
    };
    kind what = kind::not_limited;
    std::chrono::milliseconds delay{0};
    std::string message;  // for wait: a notice ("rate limited, waiting 2 s"); for give_up: the reason
};

// The rate-limit state of one logical request (all its retries), following GitHub's rules:
// - `retry-after: N` on a 403/429: wait N seconds.
// - else `x-ratelimit-remaining: 0` on a 403/429: wait until `x-ratelimit-reset` (epoch seconds)
//   plus one second, at once when that has passed already.
// - else a 429, or a 403 that has no `x-ratelimit-remaining` field or whose body mentions a rate
//   limit: a secondary limit, waited out with `secondary_wait` doubled on each repeat.
// - any other status, or a 403 that says nothing about rate limits: not_limited.
// Waits longer than max_wait, and repeats beyond reset_waits / secondary_waits, give up.
class rate_limit_policy {
public:
    explicit rate_limit_policy(rate_limit_settings settings = {});

    // `body_excerpt` is the start of the refusal's body (net::outcome::body_excerpt); `now` is the
    // wall clock that x-ratelimit-reset refers to.
    rate_limit_verdict next(unsigned status, const net::response_head& head, std::string_view body_excerpt,
                            std::chrono::system_clock::time_point now);

private:
    rate_limit_settings settings_;
    unsigned reset_waits_ = 0;
    unsigned secondary_waits_ = 0;
};

// `t` as "2026-11-24 19:03:00 UTC".
std::string utc_text(std::chrono::system_clock::time_point t);

}  // namespace ue::sources
