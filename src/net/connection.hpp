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

class connection : public std::enable_shared_from_this<connection> {
 public:
  static std::shared_ptr<connection> create(asio::any_io_executor ex, const url& where,
                                            connection_env env);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  const std::string& origin() const noexcept { return origin_; }
  beast::tcp_stream& tcp() noexcept { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
  tls_stream* tls() noexcept { return tls_ ? &*tls_ : nullptr; }
  beast::flat_buffer& buffer() noexcept { return buffer_; }

  // Resolve, connect and (https) handshake, each under its deadline. Sets `where` to the stage it
  // reached and, for a refused certificate, `detail` to OpenSSL's reason. Call once.
  asio::awaitable<std::error_code> open(stage& where, std::string& detail);

  // Polite end of a TLS connection the server will not keep (close_notify both ways), bounded by
  // the write deadline; a plain connection is just closed.
  asio::awaitable<void> shutdown();

  // Abrupt end: cancels the resolver and timers, closes the socket. Pending operations complete
  // with operation_aborted. Safe to call more than once.
  void close();

 private:
  connection(asio::any_io_executor ex, const url& where, connection_env env);

  connection_env env_;
  std::string origin_;
  std::string host_;
  std::string port_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer resolve_timer_;  // the resolver has no deadline of its own
  bool resolve_timed_out_ = false;
  std::optional<beast::tcp_stream> plain_;
  std::optional<tls_stream> tls_;
  beast::flat_buffer buffer_{read_buffer_limit};
};

}  // namespace ue::net::detail
