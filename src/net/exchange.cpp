#include "exchange.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
// gcc 12 at -O2 with sanitizers sees a boost::optional inside Beast's parser as maybe
// uninitialized (a false positive in its content-length bookkeeping); silence it for Beast only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

namespace ue::net::detail {
namespace {

namespace http = beast::http;
using asio::redirect_error;
using asio::use_awaitable;

// A non-2xx body is read to keep the connection reusable, but only this much of it: a server
// sending a huge error page gets its connection closed instead.
constexpr std::uint64_t error_body_drain_limit = 64 * 1024;

std::error_code timeout_of(stage s) {
    switch (s) {
        case stage::resolve: return error::resolve_timeout;
        case stage::connect: return error::connect_timeout;
        case stage::handshake: return error::handshake_timeout;
        case stage::write: return error::write_timeout;
        case stage::headers: return error::headers_timeout;
        default: return error::body_idle_timeout;
    }
}

// Beast reports every tcp_stream deadline as the same `timeout`; the stage names which one it was.
std::error_code io_error(const boost::system::error_code& ec, stage where) {
    if (ec == beast::error::timeout) return timeout_of(where);
    if (ec == http::error::body_limit) return error::body_too_large;
    return ec;
}

void note_read_buffer(connection& c, client_stats& stats) {
    stats.peak_read_buffer = std::max(stats.peak_read_buffer, c.buffer().capacity());
}

// Counts a piece of a 2xx body and hands it to the consumer; returns the consumer's verdict.
std::error_code deliver(transfer& t, attempt_report& rep, client_stats& stats, std::span<const std::byte> piece) {
    rep.body_bytes += piece.size();
    t.resume.on_body(piece.size());
    t.out.bytes += piece.size();
    stats.body_bytes += piece.size();
    return t.sink.on_chunk(piece);
}

// A 2xx body of known length needs no parser: its bytes go from the stream straight into the
// transfer's chunk (one copy fewer than through the parser's buffer, and no parser work per TLS
// record). Bytes that came in with the headers go first, from the connection's buffer.
template <class Stream>
asio::awaitable<std::error_code> read_sized_body(Stream& s, connection& c, transfer& t, attempt_report& rep,
                                                 exchange_env env, std::uint64_t length) {
    auto& early = c.buffer();
    while (length > 0 && early.size() > 0) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>({length, early.size(), env.chunk_size}));
        const auto consumer = deliver(t, rep, env.stats, {static_cast<const std::byte*>(early.data().data()), n});
        early.consume(n);
        length -= n;
        if (consumer) co_return consumer;
    }
    boost::system::error_code ec;
    while (length > 0) {
        c.tcp().expires_after(env.timeouts.body_idle);
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, env.chunk_size));
        const std::size_t n =
            co_await s.async_read_some(asio::buffer(t.chunk.get(), want), redirect_error(use_awaitable, ec));
        length -= n;
        if (n > 0)
            if (const auto consumer = deliver(t, rep, env.stats, {t.chunk.get(), n})) co_return consumer;
        // A plain connection closed early is the parser's partial_message, as for any other body.
        if (ec == asio::error::eof) co_return std::error_code(http::make_error_code(http::error::partial_message));
        if (ec) co_return io_error(ec, stage::body);
    }
    co_return std::error_code{};
}

// A plain http request goes to the proxy itself, so its answer may be the proxy's own: a 407, or any
// answer with Proxy-Authenticate. Then the line that says so, naming the proxy; else nullopt.
std::optional<std::string> proxy_refusal(const transfer& t, const response_head& head, std::string_view reason) {
    if (!t.proxy || t.target.tls() || (head.status != 407 && !head.field("proxy-authenticate"))) return std::nullopt;
    return fmt::format("proxy {} answered {} {} to {} {}: check the user and password in http_proxy or ALL_PROXY",
                       t.proxy->authority(), head.status, reason, std::string_view(t.wire.method_string()),
                       t.target.redacted());
}

}  // namespace

template <class Stream>
asio::awaitable<std::error_code> exchange(Stream& s, connection& c, transfer& t, attempt_report& rep, bool& reusable,
                                          exchange_env env) {
    boost::system::error_code ec;
    stage& where = t.out.where;

    where = stage::write;
    c.tcp().expires_after(env.timeouts.write);
    co_await http::async_write(s, t.wire, redirect_error(use_awaitable, ec));
    if (ec) co_return io_error(ec, where);

    where = stage::headers;
    http::response_parser<http::buffer_body> parser;
    parser.header_limit(header_limit);
    if (t.body_limit)
        parser.body_limit(*t.body_limit);
    else
        parser.body_limit(boost::none);  // artifacts have no size ceiling; memory stays bounded anyway
    if (t.wire.method() == http::verb::head) parser.skip(true);
    c.tcp().expires_after(env.timeouts.headers);
    co_await http::async_read_header(s, c.buffer(), parser, redirect_error(use_awaitable, ec));
    note_read_buffer(c, env.stats);
    rep.response_started = parser.got_some() || c.buffer().size() > 0;
    if (ec) co_return io_error(ec, where);

    response_head head;
    head.status = parser.get().result_int();
    for (const auto& f : parser.get()) head.fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
    if (const auto cl = head.field("content-length")) {
        std::uint64_t n = 0;  // the parser already rejected malformed values
        if (std::from_chars(cl->data(), cl->data() + cl->size(), n).ec == std::errc{}) head.content_length = n;
    }
    if (const auto ra = head.field("retry-after"))
        rep.retry_after = parse_retry_after(*ra, std::chrono::system_clock::now());
    rep.quota_exhausted = head.field("x-ratelimit-remaining") == "0";
    if (const auto refusal = proxy_refusal(t, head, parser.get().reason())) {
        t.out.proxy_status = head.status;
        t.out.detail = *refusal;
        co_return error::proxy_refused;
    }
    t.out.status = head.status;
    if (head.status == 401 && t.proxy && t.wire.count(http::field::proxy_authorization) > 0) {
        t.out.detail = fmt::format("sent through proxy {} with its credentials: the proxy may be the one refusing",
                                   t.proxy->authority());
    }
    const bool good = head.status / 100 == 2;
    if (good) {
        const auto field = [&head](std::string_view name) { return head.field(name).value_or(""); };
        switch (t.resume.on_head(head.status, field("etag"), field("accept-ranges"), field("content-range"))) {
            case resume_state::verdict::deliver: break;
            case resume_state::verdict::restart: t.restart_consumer(); break;
            case resume_state::verdict::mismatch:
                t.out.detail =
                    fmt::format("asked for bytes from {}, got {}", t.resume.delivered(), field("content-range"));
                co_return error::bad_resume;
        }
    } else if (is_redirect(head.status)) {
        if (const auto location = head.field("location")) t.location = std::string(*location);
    }
    if (t.sink.on_head) t.sink.on_head(head);

    where = stage::body;
    if (!t.chunk) {
        t.chunk = std::make_unique<std::byte[]>(env.chunk_size);
        ++env.stats.body_buffers_allocated;
        ++env.stats.body_buffers_live;
        env.stats.peak_body_buffers_live = std::max(env.stats.peak_body_buffers_live, env.stats.body_buffers_live);
    }
    if (good && !parser.is_done() && !parser.chunked() && parser.content_length()) {
        if (const auto ec = co_await read_sized_body(s, c, t, rep, env, *parser.content_length())) co_return ec;
    } else {
        // Beast reads max(512, free capacity) bytes per call: without room a body comes 512 bytes per
        // operation, each a full trip through the TLS and HTTP read machinery.
        c.buffer().reserve(read_buffer_limit);
        std::uint64_t error_bytes = 0;
        while (!parser.is_done()) {
            auto& body = parser.get().body();
            body.data = t.chunk.get();
            body.size = env.chunk_size;
            c.tcp().expires_after(env.timeouts.body_idle);
            co_await http::async_read_some(s, c.buffer(), parser, redirect_error(use_awaitable, ec));
            note_read_buffer(c, env.stats);
            if (ec == http::error::need_buffer) ec = {};
            const std::size_t n = env.chunk_size - parser.get().body().size;
            if (good && n > 0) {
                if (const auto consumer = deliver(t, rep, env.stats, {t.chunk.get(), n})) co_return consumer;
            } else if (n > 0) {
                const auto room = outcome_excerpt_limit - std::min(outcome_excerpt_limit, t.out.body_excerpt.size());
                t.out.body_excerpt.append(reinterpret_cast<const char*>(t.chunk.get()), std::min(room, n));
                error_bytes += n;
                if (error_bytes > error_body_drain_limit) co_return error::http_status;
            }
            if (ec) co_return good ? io_error(ec, where) : std::error_code(error::http_status);
        }
    }
    c.tcp().expires_never();
    where = stage::done;
    reusable = parser.keep_alive();
    if (!good) co_return error::http_status;
    co_return std::error_code{};
}

template asio::awaitable<std::error_code> exchange(beast::tcp_stream&, connection&, transfer&, attempt_report&, bool&,
                                                   exchange_env);
template asio::awaitable<std::error_code> exchange(tls_stream&, connection&, transfer&, attempt_report&, bool&,
                                                   exchange_env);

}  // namespace ue::net::detail
