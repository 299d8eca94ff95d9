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

#include <linux/sockios.h>
#include <sys/ioctl.h>

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

// A clean end of the connection: FIN for http; for https close_notify first, without waiting long
// for the peer's (many clients just close).
asio::awaitable<void> close_cleanly(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    co_return;
}

asio::awaitable<void> close_cleanly(asio::ssl::stream<tcp::socket>& stream) {
    asio::steady_timer timer{co_await asio::this_coro::executor, std::chrono::seconds(1)};
    co_await (stream.async_shutdown(nothrow) || timer.async_wait(nothrow));
    boost::system::error_code ignored;
    stream.next_layer().close(ignored);
}

// Waits (bounded) until every byte written to `socket` is acknowledged by the peer.
asio::awaitable<void> drain_send_queue(tcp::socket& socket) {
    for (int i = 0; i < 2000; ++i) {
        int unsent = 0;
        if (::ioctl(socket.native_handle(), SIOCOUTQ, &unsent) != 0 || unsent == 0) co_return;
        co_await sleep_for(std::chrono::milliseconds(1));
    }
}

// Ends a connection early the way `cut` says; the caller stops using it.
template <class Stream>
asio::awaitable<void> cut_connection(Stream& stream, body_cut cut) {
    tcp::socket& socket = boost::beast::get_lowest_layer(stream);
    boost::system::error_code ignored;
    switch (cut) {
        case body_cut::stall: co_await hold_until_peer_closes(socket); break;
        case body_cut::reset:
            // A reset throws away what the kernel has not sent yet; wait until the peer has every byte
            // we wrote, so the client sees exactly `cut_after` bytes and then the reset.
            co_await drain_send_queue(socket);
            socket.set_option(asio::socket_base::linger(true, 0), ignored);
            socket.close(ignored);
            break;
        case body_cut::truncate: co_await close_cleanly(stream); break;
        case body_cut::none: break;
    }
}

// Sends body bytes [plan.first, plan.first + plan.length), in drips if planned, corrupted if
// planned, and cut after plan.cut_after of them if that is less than the length.
// Returns false when the connection cannot go on.
template <class Stream>
asio::awaitable<bool> send_body(Stream& stream, response_plan& plan) {
    const bool cut = plan.cut != body_cut::none && plan.cut_after < plan.length;
    const std::uint64_t limit = cut ? plan.cut_after : plan.length;
    std::vector<char> piece(plan.drip_piece > 0 ? std::min<std::uint64_t>(plan.drip_piece, piece_size) : piece_size);
    std::uint64_t sent = 0;
    while (sent < limit) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), limit - sent));
        const std::uint64_t offset = plan.first + sent;
        if (read_content(plan.body, offset, std::span(piece.data(), n))) co_return false;
        if (plan.corrupt_at && *plan.corrupt_at >= offset && *plan.corrupt_at - offset < n)
            piece[*plan.corrupt_at - offset] = static_cast<char>(~piece[*plan.corrupt_at - offset]);
        auto [ec, written] = co_await asio::async_write(stream, asio::buffer(piece.data(), n), nothrow);
        if (ec) co_return false;
        sent += n;
        if (plan.drip_piece > 0 && sent < limit) co_await sleep_for(plan.drip_pause);
    }
    if (!cut) co_return true;
    co_await cut_connection(stream, plan.cut);
    co_return false;
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
        co_await sleep_for(server.options.response_delay + plan.delay);
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
    // A response goes out as headers, then body: with Nagle's algorithm the body waits for the
    // client's delayed ACK of the headers (40 ms on Linux), a stall no real server adds.
    boost::system::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    co_await sleep_for(server.options.accept_delay);
    if (server.stalls_before_handshake()) {
        co_await hold_until_peer_closes(socket);
        co_return;
    }
    if (!server.tls) {
        co_await serve_requests(socket, server, id);
        co_await close_cleanly(socket);
        co_return;
    }
    asio::ssl::stream<tcp::socket> stream{std::move(socket), *server.tls};
    auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, nothrow);
    if (ec) co_return;  // e.g. the client refused our certificate
    co_await serve_requests(stream, server, id);
    if (stream.next_layer().is_open()) co_await close_cleanly(stream);
}

}  // namespace ue::testing
