#include "routing.hpp"

#include <boost/beast/http/field.hpp>
#include <fmt/format.h>

#include "connection.hpp"

namespace ue::net::detail {

namespace http = boost::beast::http;

void route(transfer& t, const environment& env) {
    t.proxy = proxy_for(t.target, env, t.proxy_error, t.proxy_detail).proxy;
    t.origin = pool_key(t.target, t.proxy);
    t.wire.set(http::field::host, t.target.authority());
    const bool absolute = t.proxy && !t.target.tls();
    t.wire.target(absolute ? t.target.origin() + t.target.target : t.target.target);
    const auto credentials = absolute ? proxy_authorization(*t.proxy) : std::nullopt;
    if (credentials)
        t.wire.set(http::field::proxy_authorization, *credentials);
    else
        t.wire.erase(http::field::proxy_authorization);
}

bool follow_redirect(transfer& t, const environment& env, unsigned max_redirects) {
    const std::string from = t.target.redacted();
    if (!t.location) {
        t.out.code = error::bad_redirect;
        t.out.detail = fmt::format("HTTP {} from {} without Location", t.out.status, from);
        return false;
    }
    std::error_code ec;
    auto next = t.target.resolve(*t.location, ec);
    if (!next) {
        t.out.code = error::bad_redirect;
        t.out.detail = fmt::format("HTTP {} from {} with an unusable Location ({})", t.out.status, from, ec.message());
        return false;
    }
    if (++t.redirects > max_redirects) {
        t.out.code = error::too_many_redirects;
        t.out.detail =
            fmt::format("more than {} redirects; the last, from {}, to {}", max_redirects, from, next->redacted());
        return false;
    }
    // Credentials belong to the host they were given for (docs/command.md): never across origins.
    if (next->origin() != t.target.origin()) t.wire.erase(http::field::authorization);
    if (t.resume.restart_before_redirect()) t.restart_consumer();
    t.target = *std::move(next);
    t.tries_at_target = 0;
    route(t, env);
    return true;
}

void start_over(transfer& t, const environment& env) {
    if (t.resume.restart_before_redirect()) t.restart_consumer();
    t.target = t.requested;
    t.tries_at_target = 0;
    if (t.authorization) t.wire.set(http::field::authorization, *t.authorization);
    route(t, env);
}

}  // namespace ue::net::detail
