#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "update_expected/net/url.hpp"

namespace ue::net {

// The environment variables the client reads, by name. The app fills it from the real environment
// (proxy_environment()); tests pass their own, so no test depends on the machine's settings.
using environment = std::map<std::string, std::string, std::less<>>;

// The proxy variables of the real environment (https_proxy, HTTPS_PROXY, http_proxy, all_proxy,
// ALL_PROXY, no_proxy, NO_PROXY): only those that are set, empty values included.
environment proxy_environment();

// Where a request for a URL goes.
struct proxy_choice {
    std::optional<url> proxy;  // nullopt: straight to the origin
    std::string variable;      // the variable the proxy came from, for messages ("HTTPS_PROXY")
};

// Chooses the proxy for `target` the way curl 7.88 reads the environment:
// - `no_proxy`, else `NO_PROXY` (see no_proxy_matches) exempts the host;
// - then `https_proxy`, else `HTTPS_PROXY` for https targets, `http_proxy` (lower case only, as
//   curl: CGI servers set HTTP_PROXY from a request header) for http targets;
// - else `all_proxy`, else `ALL_PROXY`.
// The first variable that is SET decides, even when empty (empty: no proxy). A proxy URL without a
// scheme is http; without a port, port 1080 (curl's default). Only http:// proxies are supported:
// another scheme or an unparsable value fails with error::bad_proxy and `detail` naming the variable
// (the value is not repeated: it may hold a password).
proxy_choice proxy_for(const url& target, const environment& env, std::error_code& ec, std::string& detail);

// The Proxy-Authorization value for a proxy URL with "user:password@" (percent-decoded, Basic), or
// nullopt when it has no userinfo.
std::optional<std::string> proxy_authorization(const url& proxy);

// Whether the NO_PROXY list `no_proxy` exempts `host` (a URL's host: lower case, IPv6 without
// brackets), as curl 7.88 reads it: the whole value "*" matches everything; otherwise a list split at
// commas and white space, where a host name entry matches that name or any name ending in "." + it
// (a leading or trailing dot of the entry is ignored, case-insensitive), and for IP literal hosts an
// entry matches the same address, or a range written "ADDRESS/BITS" (IPv4 or IPv6 CIDR). Ports are
// never part of the match.
bool no_proxy_matches(std::string_view host, std::string_view no_proxy);

}  // namespace ue::net
