#pragma once

// Private to src/net: one request and its answer on an open connection, with the body modes: a 2xx
// body of known length read straight into the transfer's chunk, any other body (chunked, or not
// 2xx) through Beast's parser, an error body drained up to a limit and kept as an excerpt.

#include <cstddef>
#include <system_error>

#include <boost/asio/awaitable.hpp>

#include "connection.hpp"
#include "transfer.hpp"

namespace ue::net::detail {

// What an exchange needs from its client.
struct exchange_env {
    const deadlines& timeouts;
    std::size_t chunk_size;  // each transfer's body buffer
    client_stats& stats;
};

// Writes the transfer's request and reads the answer, each stage under its deadline (t.out.where
// says which stage it reached). Fills `rep` (status, Retry-After, the spent-quota signal, body
// bytes), hands a 2xx body to the transfer's sink and records a 3xx's Location. Returns empty for a
// 2xx body delivered whole, error::http_status for any other complete answer, else the failure;
// `reusable` says whether the connection can serve the next request. Stream is beast::tcp_stream
// or tls_stream (instantiated in exchange.cpp).
template <class Stream>
asio::awaitable<std::error_code> exchange(Stream& s, connection& c, transfer& t, attempt_report& rep, bool& reusable,
                                          exchange_env env);

}  // namespace ue::net::detail
