#include "connection.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace ue::net::detail {
namespace {

using asio::redirect_error;
using asio::use_awaitable;

}  // namespace

std::shared_ptr<connection> connection::create(asio::any_io_executor ex, const url& where,
                                               connection_env env) {
  return std::shared_ptr<connection>(new connection(std::move(ex), where, env));
}

connection::connection(asio::any_io_executor ex, const url& where, connection_env env)
    : env_(env),
      origin_(where.origin()),
      host_(where.host),
      port_(std::to_string(where.port)),
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
  resolver_.cancel();
  resolve_timer_.cancel();
  tcp().close();  // also cancels tcp_stream's own deadline timer
}

asio::awaitable<std::error_code> connection::open(stage& where, std::string& detail) {
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
  where = stage::handshake;
  std::error_code prep;
  env_.tls.prepare(tls_->native_handle(), origin_, host_, prep);
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
