// One connection of the test server: optional TLS handshake, then requests read and answered in
// turn (HTTP/1.1 keep-alive) until the peer leaves or asks to close. Bodies are sent in fixed-size
// pieces straight from their source, so their size costs no memory.

#include "server_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <vector>

namespace ue::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t piece_size = 64 * 1024;
constexpr std::uint64_t request_body_limit = 16 * 1024 * 1024;

asio::awaitable<void> sleep_for(std::chrono::milliseconds delay) {
    if (delay.count() <= 0) co_return;
    asio::steady_timer timer{co_await asio::this_coro::executor, delay};
    co_await timer.async_wait(nothrow);
}

// A stall: send nothing, discard whatever arrives, until the peer closes (or the server stops).
// Reading keeps connections_open honest: the connection ends when the client gives up.
asio::awaitable<void> hold_until_peer_closes(tcp::socket& socket) {
    std::vector<char> sink(4096);
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), nothrow);
        if (ec) co_return;
    }
}

// Sends body bytes [plan.first, plan.first + plan.length), or stalls after plan.stall_after of them
// (no stall when the body is not longer than that).
// Returns false when the connection cannot go on.
template <class Stream>
asio::awaitable<bool> send_body(Stream& stream, response_plan& plan) {
    std::vector<char> piece(piece_size);
    std::uint64_t sent = 0;
    while (sent < plan.length) {
        if (plan.stall_after && sent >= *plan.stall_after) {
            co_await hold_until_peer_closes(boost::beast::get_lowest_layer(stream));
            co_return false;
        }
        std::uint64_t limit = plan.stall_after ? *plan.stall_after : plan.length;
        limit = std::min(limit, plan.length);
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), limit - sent));
        if (read_content(plan.body, plan.first + sent, std::span(piece.data(), n))) co_return false;
        auto [ec, written] = co_await asio::async_write(stream, asio::buffer(piece.data(), n), nothrow);
        if (ec) co_return false;
        sent += n;
    }
    co_return true;
}

// Counts a request from the moment it is read until its answer is sent or abandoned.
struct request_in_flight {
    server::impl& owner;
    ~request_in_flight() { owner.request_done(); }
};

template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, server::impl& server, std::uint64_t id) {
    boost::beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(request_body_limit);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, nothrow);
        if (ec) co_return;  // the peer left (or sent garbage): nothing to answer
        const auto request = parser.release();
        server.record(request, id);
        const request_in_flight counted{server};

        response_plan plan = server.plan(request);
        if (plan.stall_before_headers) {
            co_await hold_until_peer_closes(boost::beast::get_lowest_layer(stream));
            co_return;
        }
        co_await sleep_for(server.options.response_delay);
        plan.head.keep_alive(request.keep_alive());
        http::response_serializer<http::empty_body> serializer{plan.head};
        auto [write_ec, written] = co_await http::async_write_header(stream, serializer, nothrow);
        if (write_ec || !co_await send_body(stream, plan) || !request.keep_alive()) co_return;
    }
}

struct open_connection {
    server::impl& owner;
    explicit open_connection(server::impl& s) : owner{s} { owner.connection_opened(); }
    ~open_connection() { owner.connection_closed(); }
    open_connection(const open_connection&) = delete;
    open_connection& operator=(const open_connection&) = delete;
};

}  // namespace

asio::awaitable<void> run_connection(server::impl& server, tcp::socket socket, std::uint64_t id) {
    const open_connection counted{server};
    co_await sleep_for(server.options.accept_delay);
    if (server.stalls_before_handshake()) {
        co_await hold_until_peer_closes(socket);
        co_return;
    }
    if (!server.tls) {
        co_await serve_requests(socket, server, id);
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
    }
    asio::ssl::stream<tcp::socket> stream{std::move(socket), *server.tls};
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, nothrow);
    if (ec) co_return;  // e.g. the client refused our certificate
    co_await serve_requests(stream, server, id);
    // Say close_notify, but do not wait long for the peer's: many clients just close.
    asio::steady_timer timer{co_await asio::this_coro::executor, std::chrono::seconds(1)};
    co_await (stream.async_shutdown(nothrow) || timer.async_wait(nothrow));
}

}  // namespace ue::testing
