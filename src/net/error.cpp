#include "update_expected/net/error.hpp"

#include <fmt/format.h>

namespace ue::net {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ue.net"; }

    // Each message starts with the code's name so logs and tests can grep for it.
    std::string message(int code) const override {
        switch (static_cast<error>(code)) {
            case error::bad_url: return "bad_url: not an absolute http(s) URL";
            case error::unsupported_scheme: return "unsupported_scheme: only http and https are supported";
            case error::resolve_timeout: return "resolve_timeout: host name resolution timed out";
            case error::connect_timeout: return "connect_timeout: TCP connect timed out";
            case error::handshake_timeout: return "handshake_timeout: TLS handshake timed out";
            case error::write_timeout: return "write_timeout: sending the request timed out";
            case error::headers_timeout: return "headers_timeout: response headers did not arrive in time";
            case error::body_idle_timeout: return "body_idle_timeout: response body stalled";
            case error::certificate_rejected: return "certificate_rejected: server certificate not trusted";
            case error::http_status: return "http_status: server answered with a non-2xx status";
            case error::body_too_large: return "body_too_large: response body exceeds the limit";
            case error::cancelled: return "cancelled: transfer stopped by cancel()";
            case error::internal: return "internal: an exception escaped a transfer";
            case error::bad_proxy: return "bad_proxy: the proxy setting is not a usable http:// proxy URL";
            case error::proxy_refused: return "proxy_refused: the proxy refused the CONNECT tunnel";
            case error::too_many_redirects: return "too_many_redirects: too many redirects";
            case error::bad_redirect: return "bad_redirect: a redirect without a usable Location";
            case error::bad_resume: return "bad_resume: the resumed answer does not continue the interrupted body";
        }
        return "unknown ue.net error";
    }
};

}  // namespace

const std::error_category& net_category() noexcept {
    static const category instance;
    return instance;
}

bool is_timeout(std::error_code ec) noexcept {
    if (ec.category() != net_category()) return false;
    const auto e = static_cast<error>(ec.value());
    return e >= error::resolve_timeout && e <= error::body_idle_timeout;
}

std::string_view to_string(stage s) noexcept {
    switch (s) {
        case stage::queued: return "queued";
        case stage::resolve: return "resolve";
        case stage::connect: return "connect";
        case stage::tunnel: return "tunnel";
        case stage::handshake: return "handshake";
        case stage::write: return "write";
        case stage::headers: return "headers";
        case stage::body: return "body";
        case stage::done: return "done";
    }
    return "?";
}

namespace {

// The outcome's verdict and detail: `HTTP 404 "NoSuchKey..."`, `connection refused (via proxy ...)`.
std::string verdict(const outcome& o) {
    // A proxy's failure is said as the proxy's: its line names the proxy and what it did.
    if (!o.detail.empty() && (o.where == stage::tunnel || o.code == error::proxy_refused)) return o.detail;
    std::string what;
    if (!o.code) {
        what = fmt::format("HTTP {} ok", o.status);
    } else if (o.code == error::http_status) {
        // The excerpt comes from a server: keep the line a line whatever it sent.
        std::string excerpt;
        for (char c : o.body_excerpt) {
            const auto u = static_cast<unsigned char>(c);
            excerpt += (u < 0x20 || u == 0x7f) ? ' ' : c;
        }
        what = excerpt.empty() ? fmt::format("HTTP {}", o.status) : fmt::format("HTTP {} \"{}\"", o.status, excerpt);
    } else {
        what = o.code.message();
        if (o.status != 0) what += fmt::format(" after HTTP {}", o.status);
    }
    if (!o.detail.empty()) what += fmt::format(" ({})", o.detail);
    return what;
}

}  // namespace

std::string outcome::describe() const {
    return fmt::format("{} {}: {} [stage {}, attempt {}, {} bytes received]", method, url, verdict(*this),
                       to_string(where), attempt, bytes);
}

std::string outcome::cause() const { return fmt::format("{} [stage {}]", verdict(*this), to_string(where)); }

}  // namespace ue::net
