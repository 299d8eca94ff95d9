#include "update_expected/sources/github_rate_limit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <optional>

namespace ue::sources {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Numbers of seconds are read up to 2^32 (136 years; as an x-ratelimit-reset, the year 2106), larger
// ones as that: enough for any real answer, and small enough that the time points computed from them
// stay within system_clock (nanoseconds, until 2262) instead of overflowing.
constexpr std::int64_t max_seconds = std::int64_t{1} << 32;

std::optional<std::int64_t> integer_field(const net::response_head& head, std::string_view name) {
    const auto value = head.field(name);
    if (!value) return std::nullopt;
    std::string_view text = *value;
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec == std::errc::result_out_of_range && end == text.data() + text.size() && text.front() != '-') {
        return max_seconds;
    }
    if (ec != std::errc() || end != text.data() + text.size() || n < 0) return std::nullopt;
    return std::min(n, max_seconds);
}

bool mentions_rate_limit(std::string_view body) {
    std::string lowered(body);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lowered.find("rate limit") != std::string::npos;
}

// "2 s", "3 min", "1 h 5 min": coarse, for people.
std::string duration_text(milliseconds d) {
    const auto s = std::max<std::int64_t>(0, std::chrono::duration_cast<seconds>(d + milliseconds(999)).count());
    if (s < 120) return fmt::format("{} s", s);
    const auto min = (s + 59) / 60;
    if (min < 120) return fmt::format("{} min", min);
    return fmt::format("{} h {} min", min / 60, min % 60);
}

rate_limit_verdict give_up(std::string message) {
    return {rate_limit_verdict::kind::give_up, milliseconds(0), std::move(message)};
}

}  // namespace

std::string utc_text(std::chrono::system_clock::time_point t) {
    const std::time_t time = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char buffer[32];
    const auto n = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return std::string(buffer, n);
}

rate_limit_policy::rate_limit_policy(rate_limit_settings settings) : settings_(settings) {}

rate_limit_verdict rate_limit_policy::next(unsigned status, const net::response_head& head,
                                           std::string_view body_excerpt, std::chrono::system_clock::time_point now) {
    if (status != 403 && status != 429) return {};
    const auto remaining = integer_field(head, "x-ratelimit-remaining");
    const auto reset = integer_field(head, "x-ratelimit-reset");
    const auto retry_after = integer_field(head, "retry-after");

    // A known point in time: Retry-After first (GitHub says it wins), then the primary limit's reset.
    std::optional<std::chrono::system_clock::time_point> until;
    if (retry_after) {
        until = now + seconds(*retry_after);
    } else if (remaining == 0 && reset) {
        until = std::chrono::system_clock::time_point(seconds(*reset)) + seconds(1);
    } else if (remaining == 0) {
        return give_up("rate limit exhausted, with no reset time given");
    }
    if (until) {
        const auto wait = std::max(milliseconds(1000), std::chrono::duration_cast<milliseconds>(*until - now));
        const std::string when = fmt::format("until {} (in {})", utc_text(*until), duration_text(wait));
        if (wait > settings_.max_wait) return give_up(fmt::format("rate limit exhausted {}", when));
        if (reset_waits_ >= settings_.reset_waits) {
            return give_up(fmt::format("rate limit still exhausted after {} waits, {}", reset_waits_, when));
        }
        ++reset_waits_;
        return {rate_limit_verdict::kind::wait, wait, fmt::format("rate limited, waiting {}", duration_text(wait))};
    }

    const bool secondary = status == 429 || !head.field("x-ratelimit-remaining") || mentions_rate_limit(body_excerpt);
    if (!secondary) return {};
    if (secondary_waits_ >= settings_.secondary_waits) {
        return give_up(fmt::format("secondary rate limit still in force after {} waits", secondary_waits_));
    }
    const auto wait = settings_.secondary_wait * (1u << std::min(secondary_waits_, 16u));
    ++secondary_waits_;
    return {rate_limit_verdict::kind::wait, wait, fmt::format("secondary rate limit, waiting {}", duration_text(wait))};
}

}  // namespace ue::sources
