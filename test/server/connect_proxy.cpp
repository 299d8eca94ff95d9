#include "connect_proxy.hpp"
#include "report_exception.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include <charconv>
#include <limits>
#include <cstdio>
#include <mutex>
#include <strings.h>
#include <thread>

namespace ue::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t piece_size = 64 * 1024;

std::string base64(std::string_view in) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < in.size(); i += 3) {
        std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
        if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
        if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += i + 1 < in.size() ? alphabet[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? alphabet[n & 63] : '=';
    }
    return out;
}

struct host_port {
    std::string host;
    std::uint16_t port = 0;
};

// "host:port" -> its parts; nullopt unless the host is loopback and the port a number.
std::optional<host_port> loopback_authority(std::string_view authority) {
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host_port out{std::string(authority.substr(0, colon)), 0};
    const std::string_view port = authority.substr(colon + 1);
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (ec != std::errc{} || ptr != port.data() + port.size() || out.port == 0) return std::nullopt;
    if (out.host != "127.0.0.1" && out.host != "localhost") return std::nullopt;
    return out;
}

// "http://host:port/path?q" -> authority and origin-form target.
std::optional<std::pair<host_port, std::string>> split_absolute(std::string_view url) {
    constexpr std::string_view scheme = "http://";
    if (!url.starts_with(scheme)) return std::nullopt;
    url.remove_prefix(scheme.size());
    const auto slash = url.find('/');
    auto authority = loopback_authority(url.substr(0, slash));
    if (!authority) return std::nullopt;
    return std::pair{*authority, slash == std::string_view::npos ? std::string("/") : std::string(url.substr(slash))};
}

// Copies one direction of a tunnel until its source ends, then passes the end on.
asio::awaitable<void> pipe(tcp::socket& from, tcp::socket& to) {
    std::vector<char> piece(piece_size);
    for (;;) {
        auto [read_ec, n] = co_await from.async_read_some(asio::buffer(piece), nothrow);
        if (n > 0) {
            auto [write_ec, written] = co_await asio::async_write(to, asio::buffer(piece.data(), n), nothrow);
            if (write_ec) break;
        }
        if (read_ec) break;
    }
    boost::system::error_code ignored;
    to.shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

class connect_proxy::impl {
public:
    explicit impl(proxy_options opts) : options{std::move(opts)}, acceptor{io} {
        const tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"), options.port};
        acceptor.open(endpoint.protocol());
        acceptor.set_option(tcp::acceptor::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(asio::socket_base::max_listen_connections);
        asio::co_spawn(io, accept_loop(), report_exception_as("ue-test-proxy"));
        thread = std::thread{[this] { io.run(); }};
    }

    ~impl() {
        io.stop();
        thread.join();
    }

    const proxy_options options;
    mutable std::mutex mutex;
    std::vector<proxy_request> log;
    proxy_stats stats;
    unsigned refuse_status = 0;
    unsigned refuse_count = 0;
    std::optional<connect_proxy::misbehaviour> misbehave;
    unsigned misbehave_count = 0;

    // After the state above: destroying the io_context destroys connection frames that use it.
    asio::io_context io;
    tcp::acceptor acceptor;
    std::thread thread;

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(nothrow);
            if (ec == asio::error::operation_aborted) co_return;
            if (ec) continue;
            std::uint64_t id = 0;
            {
                const std::lock_guard lock{mutex};
                id = ++stats.connections_accepted;
            }
            asio::co_spawn(io, serve(std::move(socket), id), report_exception_as("ue-test-proxy"));
        }
    }

    // The status to refuse this request with, or 0 to serve it. Counts refusals.
    unsigned admission(const http::request<http::string_body>& request, std::uint64_t id) {
        proxy_request entry{std::string(request.method_string()), std::string(request.target()), {}, id};
        for (const auto& field : request) entry.headers.emplace_back(field.name_string(), field.value());
        const std::lock_guard lock{mutex};
        log.push_back(std::move(entry));
        unsigned status = 0;
        const auto given = request[http::field::proxy_authorization];
        if (options.user &&
            std::string_view(given.data(), given.size()) != "Basic " + base64(*options.user + ":" + options.password))
            status = 407;
        else if (refuse_count > 0) {
            --refuse_count;
            status = refuse_status;
        }
        if (status != 0) ++stats.refused;
        return status;
    }

    // The misbehaviour due for a request that passed the credential check (`status` 0), if any.
    std::optional<connect_proxy::misbehaviour> misbehaviour_due(unsigned status) {
        const std::lock_guard lock{mutex};
        if (status != 0 || misbehave_count == 0) return std::nullopt;
        --misbehave_count;
        return misbehave;
    }

    void count(std::uint64_t proxy_stats::*counter) {
        const std::lock_guard lock{mutex};
        ++(stats.*counter);
    }

    static asio::awaitable<bool> answer(tcp::socket& client, unsigned status, bool keep_alive) {
        http::response<http::empty_body> response{static_cast<http::status>(status), 11};
        if (status == 407) response.set(http::field::proxy_authenticate, "Basic realm=\"ue-test-proxy\"");
        response.content_length(0);
        response.keep_alive(keep_alive);
        auto [ec, n] = co_await http::async_write(client, response, nothrow);
        co_return !ec && keep_alive;
    }

    asio::awaitable<void> serve(tcp::socket client, std::uint64_t id) {
        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(16 * 1024 * 1024);
            auto [ec, n] = co_await http::async_read(client, buffer, parser, nothrow);
            if (ec) co_return;
            auto request = parser.release();
            const unsigned status = admission(request, id);
            if (const auto how = misbehaviour_due(status)) {
                if (*how == connect_proxy::misbehaviour::garbage) {
                    co_await asio::async_write(client, asio::buffer(std::string_view("SSH-2.0-not-http\r\n\r\n")),
                                               nothrow);
                }
                co_return;
            }
            if (status != 0) {
                if (!co_await answer(client, status, request.keep_alive())) co_return;
                continue;
            }
            if (request.method() == http::verb::connect) {
                co_await tunnel(std::move(client), buffer, request.target());
                co_return;
            }
            if (!co_await forward(client, std::move(request))) co_return;
        }
    }

    asio::awaitable<bool> refuse_upstream(tcp::socket& client) {
        count(&proxy_stats::refused);
        co_return co_await answer(client, 502, false);
    }

    asio::awaitable<void> tunnel(tcp::socket client, boost::beast::flat_buffer& buffer, std::string_view authority) {
        const auto target = loopback_authority(authority);
        tcp::socket upstream{io};
        if (!target) {
            co_await refuse_upstream(client);
            co_return;
        }
        auto [ec] = co_await upstream.async_connect({asio::ip::make_address_v4("127.0.0.1"), target->port}, nothrow);
        if (ec) {
            co_await refuse_upstream(client);
            co_return;
        }
        http::response<http::empty_body> established{http::status::ok, 11};
        established.reason("Connection established");
        auto [write_ec, n] = co_await http::async_write(client, established, nothrow);
        if (write_ec) co_return;
        count(&proxy_stats::tunnels_opened);
        if (buffer.size() > 0) {  // bytes the client sent right behind its CONNECT
            auto [early_ec, early] = co_await asio::async_write(upstream, buffer.data(), nothrow);
            if (early_ec) co_return;
            buffer.consume(early);
        }
        co_await (pipe(client, upstream) && pipe(upstream, client));
    }

    // Relays one absolute-form request to its loopback origin on a new connection, streaming the
    // response body. Returns whether the client connection stays open.
    asio::awaitable<bool> forward(tcp::socket& client, http::request<http::string_body> request) {
        const auto target = split_absolute(request.target());
        if (!target) co_return co_await refuse_upstream(client);
        tcp::socket upstream{io};
        auto [ec] =
            co_await upstream.async_connect({asio::ip::make_address_v4("127.0.0.1"), target->first.port}, nothrow);
        if (ec) co_return co_await refuse_upstream(client);
        const bool keep_alive = request.keep_alive();
        request.target(target->second);
        request.erase(http::field::proxy_authorization);
        request.erase("Proxy-Connection");
        request.keep_alive(false);
        auto [write_ec, n] = co_await http::async_write(upstream, request, nothrow);
        if (write_ec) co_return false;
        count(&proxy_stats::requests_forwarded);
        co_return co_await relay_response(upstream, client, request.method() == http::verb::head, keep_alive);
    }

    static asio::awaitable<bool> relay_response(tcp::socket& upstream, tcp::socket& client, bool head,
                                                bool keep_alive) {
        boost::beast::flat_buffer buffer;
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        parser.skip(head);
        auto [ec, n] = co_await http::async_read_header(upstream, buffer, parser, nothrow);
        if (ec) co_return false;
        // The upstream connection is ours alone and closes; the client's stays open if it asked
        // and the body has a length of its own.
        keep_alive = keep_alive && (parser.content_length() || parser.chunked() || head);
        parser.get().keep_alive(keep_alive);
        http::response_serializer<http::buffer_body> serializer{parser.get()};
        std::vector<char> piece(piece_size);
        for (;;) {
            auto& body = parser.get().body();
            if (!parser.is_done()) {
                body.data = piece.data();
                body.size = piece.size();
                auto [read_ec, got] = co_await http::async_read(upstream, buffer, parser, nothrow);
                if (read_ec && read_ec != http::error::need_buffer) co_return false;
                body.size = piece.size() - body.size;
                body.data = piece.data();
                body.more = !parser.is_done();
            } else {
                body.data = nullptr;
                body.size = 0;
            }
            auto [write_ec, sent] = co_await http::async_write(client, serializer, nothrow);
            if (write_ec && write_ec != http::error::need_buffer) co_return false;
            if (serializer.is_done()) co_return keep_alive;
        }
    }
};

std::string proxy_request::header(std::string_view name) const {
    for (const auto& [field, value] : headers)
        if (field.size() == name.size() && ::strncasecmp(field.data(), name.data(), name.size()) == 0) return value;
    return {};
}

connect_proxy::connect_proxy(proxy_options options) : impl_{std::make_unique<impl>(std::move(options))} {}
connect_proxy::~connect_proxy() = default;

std::uint16_t connect_proxy::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string connect_proxy::url(bool with_credentials) const {
    if (with_credentials && impl_->options.user)
        return fmt::format("http://{}:{}@127.0.0.1:{}", *impl_->options.user, impl_->options.password, port());
    return fmt::format("http://127.0.0.1:{}", port());
}

void connect_proxy::misbehave_next(misbehaviour how, unsigned count) {
    const std::lock_guard lock{impl_->mutex};
    impl_->misbehave = how;
    impl_->misbehave_count = count;
}

void connect_proxy::refuse_next(unsigned status, unsigned count) {
    const std::lock_guard lock{impl_->mutex};
    impl_->refuse_status = status;
    impl_->refuse_count = count;
}

std::vector<proxy_request> connect_proxy::requests() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->log;
}

proxy_stats connect_proxy::stats() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->stats;
}

}  // namespace ue::testing
