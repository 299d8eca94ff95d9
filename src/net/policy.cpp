#include "update_expected/net/policy.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>
#include <random>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

namespace ue::net {
namespace {

// Errors of the transport itself (sockets, DNS, TLS records, HTTP framing): worth a new connection.
// Anything else (a consumer's own error, a zip error...) is about the bytes, not the network.
bool transport_error(std::error_code ec) {
    const auto& cat = ec.category();
    if (ec == std::error_code(make_error_code(boost::asio::error::host_not_found)))
        return false;  // a wrong name stays wrong
    return cat == std::system_category() || cat == std::generic_category() ||
           cat == boost::asio::error::get_misc_category() || cat == boost::asio::error::get_netdb_category() ||
           cat == boost::asio::error::get_addrinfo_category() || cat == boost::asio::error::get_ssl_category() ||
           cat == boost::asio::ssl::error::get_stream_category() ||
           cat == boost::beast::http::make_error_code(boost::beast::http::error::end_of_stream).category();
}

}  // namespace

ending ending_of(std::error_code code, unsigned status, std::span<const unsigned> missing_statuses) noexcept {
    if (!code) return ending::delivered;
    if (code == error::proxy_refused) return ending::refused;
    if (code != error::http_status) return ending::failed;
    if (std::find(missing_statuses.begin(), missing_statuses.end(), status) != missing_statuses.end()) {
        return ending::missing;
    }
    return status == 401 || status == 403 || status == 407 ? ending::refused : ending::failed;
}

bool ends_the_host(const outcome& o) noexcept {
    return o.code == error::certificate_rejected || o.code == error::proxy_refused ||
           o.code == std::errc::connection_refused ||
           o.code == std::error_code(make_error_code(boost::asio::error::host_not_found));
}

bool is_redirect(unsigned status) noexcept {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

bool follows_redirect(const attempt_report& report, bool get_or_head) noexcept {
    return get_or_head && report.code == error::http_status && is_redirect(report.status);
}

bool signature_lapsed(const attempt_report& report, bool redirected, bool retried_at_target) noexcept {
    return redirected && retried_at_target && (report.status == 401 || report.status == 403);
}

namespace {

// Reads `format` (strptime's letters, as std::get_time reads them in the C locale) from the whole of
// `value` as a UTC time.
std::optional<std::chrono::system_clock::time_point> read_utc(std::string_view value, const char* format) {
    std::tm tm{};
    std::istringstream in{std::string(value)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, format);
    if (in.fail()) return std::nullopt;
    in >> std::ws;
    if (!in.eof()) return std::nullopt;
    const std::time_t t = ::timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) return std::nullopt;
    return std::chrono::system_clock::from_time_t(t);
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value) {
    for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"}) {
        if (auto t = read_utc(value, format)) return t;
    }
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
    constexpr std::chrono::milliseconds a_day{86'400'000};
    unsigned long seconds = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc{} && ptr == value.data() + value.size()) {
        if (seconds > 86'400) return std::nullopt;
        return std::chrono::milliseconds{seconds * 1000};
    }
    const auto date = parse_http_date(value);
    if (!date) return std::nullopt;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
    if (wait > a_day) return std::nullopt;
    return std::max(wait, std::chrono::milliseconds{0});
}

transfer_policy::transfer_policy(retry_settings settings, std::function<double()> uniform)
    : settings_(settings), uniform_(std::move(uniform)) {
    if (!uniform_) {
        uniform_ = [engine = std::minstd_rand(std::random_device{}())]() mutable {
            return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
        };
    }
}

bool transfer_policy::retryable(const attempt_report& r) const {
    if (r.code == error::http_status) {
        if (r.quota_exhausted) return false;
        if (r.missing) return missing_used_ < settings_.missing_retries;
        return r.status >= 500 || r.status == 429;
    }
    if (is_timeout(r.code)) return true;
    if (r.code.category() == net_category()) return false;  // cancelled, certificate, limits, ...
    return transport_error(r.code);
}

decision transfer_policy::next(const attempt_report& r) {
    if (!r.code) return {};
    // A keep-alive connection closed by the server while idle: the request never reached an
    // application, so trying it again on a fresh connection is safe and not a "retry".
    if (r.reused_connection && !r.response_started && transport_error(r.code)) {
        decision d;
        d.what = decision::kind::retry;
        return d;
    }
    if (retries_used_ >= settings_.retries || !retryable(r)) return {};

    using std::chrono::milliseconds;
    const unsigned shift = std::min(retries_used_, 20u);
    const milliseconds ceiling = std::min(settings_.max_delay, milliseconds{settings_.base_delay.count() << shift});
    milliseconds delay{static_cast<milliseconds::rep>(uniform_() * static_cast<double>(ceiling.count()))};
    if (r.retry_after) delay = std::min(*r.retry_after, settings_.max_delay);
    if (waited_ + delay > settings_.total_budget) return {};

    waited_ += delay;
    ++retries_used_;
    if (r.code == error::http_status && r.missing) ++missing_used_;
    ++attempt_;
    decision d;
    d.what = decision::kind::retry;
    d.delay = delay;
    return d;
}

namespace {

// The first byte of "bytes FIRST-LAST/SIZE" (SIZE may be "*"), or nullopt.
std::optional<std::uint64_t> content_range_first(std::string_view v) {
    constexpr std::string_view unit = "bytes ";
    if (!v.starts_with(unit)) return std::nullopt;
    v.remove_prefix(unit.size());
    std::uint64_t first = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), first);
    if (ec != std::errc{} || ptr == v.data() + v.size() || *ptr != '-') return std::nullopt;
    return first;
}

}  // namespace

std::optional<std::pair<std::string, std::string>> resume_state::next_request() {
    asked_.reset();
    if (delivered_ == 0 || !resumable()) return std::nullopt;
    asked_ = delivered_;
    return std::pair{"bytes=" + std::to_string(delivered_) + "-", etag_};
}

resume_state::verdict resume_state::on_head(unsigned status, std::string_view etag, std::string_view accept_ranges,
                                            std::string_view content_range) {
    if (asked_ && status == 206)
        return content_range_first(content_range) == asked_ ? verdict::deliver : verdict::mismatch;
    verdict v = verdict::deliver;
    if (asked_ || delivered_ > 0) {
        restart();
        v = verdict::restart;
    }
    // Weak validators ("W/...") cannot guard byte ranges (RFC 9110 section 13.1.5).
    etag_ = etag.starts_with("W/") ? std::string() : std::string(etag);
    ranges_ = accept_ranges == "bytes";
    return v;
}

void resume_state::restart() noexcept {
    delivered_ = 0;
    asked_.reset();
}

bool resume_state::restart_before_retry() noexcept {
    if (!must_restart()) return false;
    restart();
    return true;
}

bool resume_state::restart_before_redirect() noexcept {
    if (delivered_ == 0) return false;
    restart();
    return true;
}

}  // namespace ue::net
