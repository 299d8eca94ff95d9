#pragma once

// Private to src/net: one keep-alive connection (plain or TLS) and how it is opened and closed.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "update_expected/net/client.hpp"

namespace ue::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// What a connection needs from the client that owns it.
struct connection_env {
    tls_context& tls;
    client_stats& stats;
    std::set<class connection*>& live;  // every connection registers here, so cancel() finds it
    const deadlines& timeouts;
};

// The pool key of connections to `where`, through `proxy` when given: connections through different
// proxies (or none) never mix.
std::string pool_key(const url& where, const std::optional<url>& proxy);

class connection : public std::enable_shared_from_this<connection> {
public:
    // Through `proxy` when given: plain http goes to the proxy itself (the request then carries an
    // absolute-form target), https goes through a CONNECT tunnel opened by open().
    static std::shared_ptr<connection> create(asio::any_io_executor ex, const url& where,
                                              const std::optional<url>& proxy, connection_env env);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    const std::string& origin() const noexcept { return origin_; }
    beast::tcp_stream& tcp() noexcept { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
    tls_stream* tls() noexcept { return tls_ ? &*tls_ : nullptr; }
    beast::flat_buffer& buffer() noexcept { return buffer_; }

    // Resolve, connect, (https through a proxy) CONNECT tunnel and (https) handshake, each under its
    // deadline (the tunnel under the connect deadline: it is part of reaching the host). Sets `where`
    // to the stage it reached; `detail` to OpenSSL's reason for a refused certificate, or, for any
    // failure on the way through a proxy, to a line that names the proxy (host and port, never its
    // userinfo) and what it did; `status` to the proxy's answer when it refused the tunnel
    // (error::proxy_refused). Call once.
    asio::awaitable<std::error_code> open(stage& where, std::string& detail, unsigned& status);

    // Polite end of a TLS connection the server will not keep (close_notify both ways), bounded by
    // the write deadline; a plain connection is just closed.
    asio::awaitable<void> shutdown();

    // Abrupt end: cancels the resolver and timers, closes the socket. Pending operations complete
    // with operation_aborted. Safe to call more than once.
    void close();

private:
    connection(asio::any_io_executor ex, const url& where, const std::optional<url>& proxy, connection_env env);
    asio::awaitable<std::error_code> reach(stage& where, std::string& detail, unsigned& status);
    asio::awaitable<std::error_code> tunnel(unsigned& status);
    std::string tunnel_failure(std::error_code ec, unsigned status) const;

    connection_env env_;
    std::string origin_;
    std::string target_authority_;  // "host:port" of the origin, for CONNECT
    std::optional<url> proxy_;
    std::string proxy_reason_;  // the reason phrase of the proxy's answer to CONNECT
    std::string host_;
    std::string port_;
    std::string tls_host_;    // the origin's host: SNI and certificate check, also through a tunnel
    std::string tls_origin_;  // the origin, the TLS session cache's key
    asio::ip::tcp::resolver resolver_;
    asio::steady_timer resolve_timer_;  // the resolver has no deadline of its own
    bool resolve_timed_out_ = false;
    bool closed_ = false;  // close() was called: never connect after it
    std::optional<beast::tcp_stream> plain_;
    std::optional<tls_stream> tls_;
    beast::flat_buffer buffer_{read_buffer_limit};
};

}  // namespace ue::net::detail
