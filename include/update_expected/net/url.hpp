#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace ue::net {

// An absolute http:// or https:// URL, split into what a request needs. Values only; no I/O.
struct url {
    std::string scheme;      // "http" or "https", lower case
    std::string userinfo;    // "user:password" as written (still percent-encoded), may be empty
    std::string host;        // lower-cased name, IPv4 literal, or IPv6 literal WITHOUT brackets
    std::uint16_t port = 0;  // explicit port, else 80 / 443 by scheme
    std::string target;      // path and query ("/" at least); the fragment is dropped

    // Parses `text`. On failure returns nullopt and sets `ec` to error::bad_url or
    // error::unsupported_scheme. Rejects spaces and control characters anywhere, empty hosts,
    // ports outside 1..65535, and unbalanced IPv6 brackets.
    static std::optional<url> parse(std::string_view text, std::error_code& ec);
    // Same, but throws std::system_error; for literals known to be good (tests, constants).
    static url from(std::string_view text);

    // The URL a reference (a redirect's Location) names, read against this one (RFC 3986 section 5):
    // absolute ("https://h/x"), scheme-relative ("//h/x"), absolute path ("/x"), query ("?q") or
    // relative path ("x", "../x"; dot segments removed). The fragment is dropped; the userinfo is kept
    // only while the origin stays the same. Fails like parse().
    std::optional<url> resolve(std::string_view reference, std::error_code& ec) const;

    bool tls() const noexcept { return scheme == "https"; }
    bool default_port() const noexcept { return port == (tls() ? 443 : 80); }
    bool ipv6_literal() const noexcept { return host.find(':') != std::string::npos; }

    // The Host header value: host (bracketed when IPv6) and ":port" unless the default.
    std::string authority() const;
    // "scheme://authority": the key of the connection pool.
    std::string origin() const;
    // The URL as text, credentials included; only for the wire, never for messages.
    std::string text() const;
    // The URL for messages and logs: no userinfo, and the values of query parameters that carry
    // secrets (signatures, tokens, credentials, passwords, keys) replaced by "REDACTED".
    std::string redacted() const;

private:
    url resolve_dots() const;  // this URL with "." and ".." segments of its path removed
};

}  // namespace ue::net
