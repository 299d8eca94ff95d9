#pragma once

// Private to src/net: where a transfer's request goes (the proxy, the request line, the fields that
// depend on them) and how a redirect changes that.

#include "transfer.hpp"

namespace ue::net::detail {

// Chooses the proxy for the transfer's current target (proxy_for) and sets the request line and the
// fields that depend on it: an absolute-form target and Proxy-Authorization for plain http through
// a proxy, the Host field always.
void route(transfer& t, const environment& env);

// After a 3xx answer the client follows (redirect_followed): points the transfer at the answer's
// Location and routes it again, returning true; or sets the outcome's error (bad_redirect,
// too_many_redirects past `max_redirects`) and returns false. Authorization is dropped on the way
// to another origin, for the rest of the chain.
bool follow_redirect(transfer& t, const environment& env, unsigned max_redirects);

// Points the transfer back at the request's own URL, with its own Authorization, for a new
// redirect (signature_lapsed); the body starts again from byte 0 there.
void start_over(transfer& t, const environment& env);

}  // namespace ue::net::detail
