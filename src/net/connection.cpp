#include "connection.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include "update_expected/net/proxy.hpp"

namespace ue::net::detail {
namespace {

using asio::redirect_error;
using asio::use_awaitable;

}  // namespace

std::string pool_key(const url& where, const std::optional<url>& proxy) {
    return proxy ? proxy->text() + " " + where.origin() : where.origin();
}

std::shared_ptr<connection> connection::create(asio::any_io_executor ex, const url& where,
                                               const std::optional<url>& proxy, connection_env env) {
    return std::shared_ptr<connection>(new connection(std::move(ex), where, proxy, env));
}

connection::connection(asio::any_io_executor ex, const url& where, const std::optional<url>& proxy, connection_env env)
    : env_(env),
      origin_(pool_key(where, proxy)),
      target_authority_(where.ipv6_literal() ? fmt::format("[{}]:{}", where.host, where.port)
                                             : fmt::format("{}:{}", where.host, where.port)),
      proxy_(proxy),
      host_(proxy ? proxy->host : where.host),
      port_(std::to_string(proxy ? proxy->port : where.port)),
      tls_host_(where.host),
      tls_origin_(where.origin()),
      resolver_(ex),
      resolve_timer_(ex) {
    if (where.tls())
        tls_.emplace(ex, env_.tls.native());
    else
        plain_.emplace(ex);
    env_.live.insert(this);
}

connection::~connection() { env_.live.erase(this); }

void connection::close() {
    closed_ = true;
    resolver_.cancel();
    resolve_timer_.cancel();
    tcp().close();  // also cancels tcp_stream's own deadline timer
}

asio::awaitable<std::error_code> connection::open(stage& where, std::string& detail, unsigned& status) {
    const std::error_code ec = co_await reach(where, detail, status);
    if (ec && proxy_ && detail.empty()) detail = "via proxy " + proxy_->authority();
    co_return ec;
}

asio::awaitable<std::error_code> connection::tunnel(unsigned& status) {
    namespace http = beast::http;
    boost::system::error_code ec;
    http::request<http::empty_body> connect{http::verb::connect, target_authority_, 11};
    connect.set(http::field::host, target_authority_);
    if (const auto credentials = proxy_authorization(*proxy_))
        connect.set(http::field::proxy_authorization, *credentials);
    tcp().expires_after(env_.timeouts.connect);
    co_await http::async_write(tcp(), connect, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) co_return error::connect_timeout;
    if (ec) co_return ec;
    http::response_parser<http::empty_body> reply;
    reply.header_limit(header_limit);
    reply.skip(true);  // a 2xx to CONNECT has no body; any other answer ends the connection anyway
    co_await http::async_read(tcp(), buffer_, reply, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) co_return error::connect_timeout;
    if (ec) co_return ec;
    status = reply.get().result_int();
    proxy_reason_ = std::string(reply.get().reason());
    // The tunnel carries TLS from here on; nothing may sit in our buffer, the proxy sent its answer only.
    if (status / 100 != 2 || buffer_.size() != 0) co_return error::proxy_refused;
    status = 0;
    co_return std::error_code{};
}

// Whatever went wrong between CONNECT and the proxy's answer is the proxy's doing: said so, naming
// the proxy by host and port only (its URL may hold a password) and the target it would not reach.
std::string connection::tunnel_failure(std::error_code ec, unsigned status) const {
    const std::string who = "proxy " + proxy_->authority();
    const std::string what = "CONNECT " + target_authority_;
    if (ec == error::proxy_refused && status != 0) {
        std::string line = fmt::format("{} answered {} {} to {}", who, status, proxy_reason_, what);
        if (status == 401 || status == 407) line += ": check the user and password in HTTPS_PROXY or ALL_PROXY";
        return line;
    }
    if (ec == error::proxy_refused) return fmt::format("{} sent bytes after its answer to {}", who, what);
    if (ec == error::connect_timeout) return fmt::format("{} did not answer {} in time", who, what);
    if (ec == std::error_code(make_error_code(asio::error::eof)) || ec == std::errc::connection_reset ||
        ec == std::error_code(beast::http::make_error_code(beast::http::error::end_of_stream)))
        return fmt::format("{} closed the connection before answering {}", who, what);
    return fmt::format("{} gave no usable answer to {}: {}", who, what, ec.message());
}

asio::awaitable<std::error_code> connection::reach(stage& where, std::string& detail, unsigned& status) {
    boost::system::error_code ec;

    where = stage::resolve;
    resolve_timer_.expires_after(env_.timeouts.resolve);
    resolve_timer_.async_wait([self = weak_from_this()](boost::system::error_code wait_ec) {
        auto c = self.lock();
        if (wait_ec || !c) return;
        c->resolve_timed_out_ = true;
        c->resolver_.cancel();
    });
    const auto endpoints = co_await resolver_.async_resolve(host_, port_, redirect_error(use_awaitable, ec));
    resolve_timer_.cancel();
    if (resolve_timed_out_) co_return error::resolve_timeout;
    if (ec) co_return ec;
    // A resolver cannot stop a lookup under way (nor one not yet begun when close() came): it may
    // answer after close(), and connecting would open the socket again.
    if (closed_) co_return std::error_code(asio::error::make_error_code(asio::error::operation_aborted));

    where = stage::connect;
    tcp().expires_after(env_.timeouts.connect);
    co_await tcp().async_connect(endpoints, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) co_return error::connect_timeout;
    if (ec) co_return ec;
    ++env_.stats.connections_opened;
    tcp().socket().set_option(asio::ip::tcp::no_delay(true), ec);  // best effort: requests are small

    if (!tls_) {
        tcp().expires_never();
        co_return std::error_code{};
    }
    if (proxy_) {
        where = stage::tunnel;
        if (const std::error_code tunnel_ec = co_await tunnel(status)) {
            detail = tunnel_failure(tunnel_ec, status);
            co_return tunnel_ec;
        }
    }
    where = stage::handshake;
    std::error_code prep;
    env_.tls.prepare(tls_->native_handle(), tls_origin_, tls_host_, prep);
    if (prep) co_return prep;
    tcp().expires_after(env_.timeouts.handshake);
    co_await tls_->async_handshake(asio::ssl::stream_base::client, redirect_error(use_awaitable, ec));
    if (ec == beast::error::timeout) co_return error::handshake_timeout;
    if (ec) {
        detail = tls_context::verify_failure(tls_->native_handle());
        if (!detail.empty()) co_return error::certificate_rejected;
        co_return ec;
    }
    ++env_.stats.tls_handshakes;
    if (SSL_session_reused(tls_->native_handle()) == 1) ++env_.stats.tls_resumed;
    tcp().expires_never();
    co_return std::error_code{};
}

asio::awaitable<void> connection::shutdown() {
    if (tls_) {
        boost::system::error_code ec;
        tcp().expires_after(env_.timeouts.write);
        co_await tls_->async_shutdown(redirect_error(use_awaitable, ec));
        // Many servers close the TCP connection right after their response without sending TLS
        // close_notify; OpenSSL reports that as stream_truncated. The response was already complete
        // and length-delimited, so nothing was lost: that one error is forgiven. Any other is counted.
        if (ec && ec != asio::ssl::error::stream_truncated) ++env_.stats.shutdown_errors;
    }
    close();
}

}  // namespace ue::net::detail
