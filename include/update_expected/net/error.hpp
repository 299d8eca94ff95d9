#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace ue::net {

// Why a transfer did not deliver a complete 2xx body. Transport errors from the system, OpenSSL or
// Beast pass through with their own categories; these are the ones the client names itself.
enum class error {
    bad_url = 1,           // the text is not an absolute http:// or https:// URL we accept
    unsupported_scheme,    // the URL's scheme is neither http nor https
    resolve_timeout,       // host name resolution took longer than its stage deadline
    connect_timeout,       // no TCP connection within the connect deadline
    handshake_timeout,     // the TLS handshake did not finish within its deadline
    write_timeout,         // the request could not be sent within its deadline
    headers_timeout,       // the response headers did not arrive within their deadline
    body_idle_timeout,     // no body byte arrived for longer than the body idle deadline
    certificate_rejected,  // the server's certificate failed verification (reason in `detail`)
    http_status,           // the server answered with a status outside 2xx (see `status`)
    body_too_large,        // a collected body exceeded the caller's size limit
    cancelled,             // client::cancel() stopped the transfer
    internal,              // an exception escaped (a consumer threw); its text is in `detail`
    bad_proxy,             // a proxy variable names no usable http:// proxy (which one: `detail`)
    proxy_refused,         // the proxy refused the request: a non-2xx answer to CONNECT, or a 407 or
                           // Proxy-Authenticate answer to a plain request (`proxy_status`; `detail`
                           // names the proxy)
    too_many_redirects,    // a GET was redirected more than max_redirects times (last URL: `detail`)
    bad_redirect,          // a redirect without a usable Location (why: `detail`)
    bad_resume,            // a 206 answer to a resumed transfer did not continue at its next byte
};

const std::error_category& net_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), net_category()}; }

// True for the stage deadline errors (resolve_timeout .. body_idle_timeout).
bool is_timeout(std::error_code ec) noexcept;

// Where in one attempt a transfer was when it ended.
// `tunnel` is the CONNECT exchange with an HTTP proxy before the TLS handshake.
enum class stage { queued, resolve, connect, tunnel, handshake, write, headers, body, done };

std::string_view to_string(stage s) noexcept;

// What the end of a transfer means to its caller.
enum class ending {
    delivered,  // a 2xx answer whose body was delivered completely
    missing,    // the server says the object is not there: a status of request::missing_statuses
    refused,    // the server or a proxy refused the request: 401, 403 or 407 (when not counted as
                // missing), or a proxy that would not open the tunnel
    failed,     // anything else: transport errors and timeouts, other statuses, redirects gone
                // wrong, a consumer's error, cancellation
};

// How a transfer ended, with enough context for a message a user can act on. Credentials never
// appear: `url` is always the redacted text.
struct outcome {
    std::error_code code;         // empty: a 2xx answer whose body was delivered completely
    ending end = ending::failed;  // set by the client from `code`, `status` and the request
    std::string url;              // url::redacted() of the request
    std::string method = "GET";
    unsigned attempt = 1;         // 1-based attempt the outcome belongs to
    stage where = stage::queued;  // last stage reached
    std::uint64_t bytes = 0;      // body bytes delivered to the consumer (all attempts)
    unsigned status = 0;          // the origin's HTTP status, 0 when no response headers arrived from it
    unsigned proxy_status = 0;    // the proxy's status when it refused the request (error::proxy_refused)
    std::string body_excerpt;     // first bytes of a non-2xx body (at most outcome_excerpt_limit)
    std::string detail;           // extra words: certificate reason, exception text, ...

    bool ok() const noexcept { return !code; }

    // One line, e.g. `GET https://h/x: headers_timeout (stage headers, attempt 1, 0 bytes)`, or
    // `GET https://h/x: HTTP 404 "NoSuchKey..." (stage headers, attempt 1, 0 bytes)`.
    std::string describe() const;
    // What went wrong without naming the transfer: `certificate_rejected: ... (reason) [stage
    // handshake]`. Transfers ended by one host-wide failure (an untrusted certificate, a refusing
    // proxy, an unreachable host) share it.
    std::string cause() const;
};

inline constexpr std::size_t outcome_excerpt_limit = 200;

}  // namespace ue::net

template <>
struct std::is_error_code_enum<ue::net::error> : std::true_type {};
