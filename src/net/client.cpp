#include "update_expected/net/client.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <random>
#include <set>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
// gcc 12 at -O2 with sanitizers sees a boost::optional inside Beast's parser as maybe
// uninitialized (a false positive in its content-length bookkeeping); silence it for Beast only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#pragma GCC diagnostic pop
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include "connection.hpp"

#ifndef UE_VERSION
#error "UE_VERSION must be defined by the build"
#endif

namespace ue::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::redirect_error;
using asio::use_awaitable;
using detail::connection;

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

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view v) {
    // Only the delta-seconds form; an HTTP-date falls back to our own backoff.
    unsigned long seconds = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (ec != std::errc{} || ptr != v.data() + v.size() || seconds > 86'400) return std::nullopt;
    return std::chrono::milliseconds{seconds * 1000};
}

std::string exception_text(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace

std::string default_user_agent() { return std::string("update-expected/") + UE_VERSION; }

std::optional<std::string_view> response_head::field(std::string_view name) const {
    for (const auto& [k, v] : fields)
        if (beast::iequals(k, name)) return std::string_view(v);
    return std::nullopt;
}

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

struct transfer {
    transfer(asio::io_context& io, transfer_policy p) : policy(std::move(p)), wait(io) {}

    http::request<http::string_body> wire;
    std::string origin;  // pool key: origin and proxy
    url target;          // where the current attempt goes (the last redirect's target)
    std::optional<url> proxy;
    std::error_code proxy_error;  // the proxy variables are unusable for `target`
    std::string proxy_detail;
    resume_state resume;
    std::optional<std::string> location;  // of the last 3xx answer
    unsigned redirects = 0;
    body_sink sink;
    client::completion done;
    std::optional<std::uint64_t> body_limit;  // nullopt: unlimited (artifacts)
    transfer_policy policy;
    outcome out;
    asio::steady_timer wait;  // backoff between attempts
    std::unique_ptr<std::byte[]> chunk;
    bool in_flight = false;
    bool finished = false;
};

struct client::impl {
    impl(asio::io_context& ctx, client_options o) : io(ctx), opt(std::move(o)), tls(opt.tls) {
        opt.concurrency = std::clamp(opt.concurrency, 1u, 256u);
        if (opt.chunk_size == 0) opt.chunk_size = 64 * 1024;
        if (opt.user_agent.empty()) opt.user_agent = default_user_agent();
    }

    detail::connection_env env() { return {tls, stats, live, opt.timeouts}; }

    std::shared_ptr<transfer> prepare(request req, body_sink sink, completion done);
    void submit(std::shared_ptr<transfer> t);
    void start(std::shared_ptr<transfer> t);
    void finish(transfer& t);
    void pump();
    void cancel();
    std::shared_ptr<connection> take_idle(const std::string& origin);
    void park(std::shared_ptr<connection> c);
    void note_read_buffer(connection& c) {
        stats.peak_read_buffer = std::max(stats.peak_read_buffer, c.buffer().capacity());
    }
    asio::awaitable<void> run(std::shared_ptr<transfer> t);
    asio::awaitable<attempt_report> attempt(transfer& t);
    template <class Stream>
    asio::awaitable<std::error_code> exchange(Stream& s, connection& c, transfer& t, attempt_report& rep,
                                              bool& reusable);
    // Counts a piece of a 2xx body and hands it to the consumer; returns the consumer's verdict.
    std::error_code deliver(transfer& t, attempt_report& rep, std::span<const std::byte> piece);
    template <class Stream>
    asio::awaitable<std::error_code> read_sized_body(Stream& s, connection& c, transfer& t, attempt_report& rep,
                                                     std::uint64_t length);
    asio::awaitable<void> warm_one(url where, std::optional<url> proxy, std::string key);
    asio::awaitable<std::shared_ptr<connection>> take_or_await_warm(transfer& t);
    void route(transfer& t);
    bool follow_redirect(transfer& t);

    // Declaration order is destruction order in reverse: pooled connections go before the registry
    // they unregister from and the TLS context their SSL objects came from.
    asio::io_context& io;
    client_options opt;
    tls_context tls;
    client_stats stats;
    std::set<connection*> live;
    std::map<std::string, std::vector<std::shared_ptr<connection>>> idle;
    // Per pool key: warm-ups under way, and the transfers waiting for one of them (take_or_await_warm).
    std::map<std::string, unsigned> warming;
    std::map<std::string, std::deque<transfer*>> awaiting_warm;
    std::deque<std::shared_ptr<transfer>> queue;
    std::set<transfer*> running;
    // One backoff jitter source for all transfers: seeding one per transfer from random_device
    // (a system call each) showed in profiles of many small transfers.
    std::minstd_rand jitter{std::random_device{}()};
    bool cancelled = false;
};

void client::impl::submit(std::shared_ptr<transfer> t) {
    if (cancelled) {
        t->out.code = error::cancelled;
        asio::post(io, [this, t] { finish(*t); });
    } else if (stats.in_flight < opt.concurrency) {
        start(std::move(t));
    } else {
        queue.push_back(std::move(t));
    }
}

void client::impl::start(std::shared_ptr<transfer> t) {
    t->in_flight = true;
    running.insert(t.get());
    ++stats.in_flight;
    ++stats.transfers_started;
    stats.peak_in_flight = std::max(stats.peak_in_flight, stats.in_flight);
    // co_spawn starts the coroutine through a post, so completions never run inside fetch().
    asio::co_spawn(io, run(t), [this, t](std::exception_ptr e) {
        if (!e) return;
        if (t->finished) std::rethrow_exception(e);  // the caller's completion threw: surface it
        t->out.code = error::internal;
        t->out.detail = exception_text(e);
        finish(*t);
    });
}

void client::impl::finish(transfer& t) {
    if (t.finished) return;
    t.finished = true;
    if (t.in_flight) {
        t.in_flight = false;
        running.erase(&t);
        --stats.in_flight;
    }
    if (t.chunk) {
        t.chunk.reset();
        --stats.body_buffers_live;
    }
    ++stats.transfers_finished;
    pump();
    const auto done = std::move(t.done);
    done(t.out);
}

void client::impl::pump() {
    while (!cancelled && stats.in_flight < opt.concurrency && !queue.empty()) {
        auto next = std::move(queue.front());
        queue.pop_front();
        start(std::move(next));
    }
}

void client::impl::cancel() {
    if (cancelled) return;
    cancelled = true;
    idle.clear();  // pooled connections have nothing pending: destroying them closes them
    for (connection* c : std::vector<connection*>(live.begin(), live.end())) c->close();
    for (transfer* t : running) t->wait.cancel();  // also wakes the transfers awaiting a warm-up
    awaiting_warm.clear();
    for (auto& t : queue) {
        t->out.code = error::cancelled;
        asio::post(io, [this, t] { finish(*t); });
    }
    queue.clear();
}

std::shared_ptr<connection> client::impl::take_idle(const std::string& origin) {
    const auto it = idle.find(origin);
    if (it == idle.end()) return nullptr;
    while (!it->second.empty()) {
        auto c = std::move(it->second.back());
        it->second.pop_back();
        if (c->tcp().socket().is_open()) return c;
    }
    return nullptr;
}

void client::impl::park(std::shared_ptr<connection> c) {
    auto& pool = idle[c->origin()];
    if (!cancelled && pool.size() < opt.concurrency) pool.push_back(std::move(c));
}

asio::awaitable<void> client::impl::run(std::shared_ptr<transfer> t) {
    for (;;) {
        const attempt_report rep = co_await attempt(*t);
        if (!cancelled && rep.code == error::http_status && is_redirect(rep.status) &&
            (t->wire.method() == http::verb::get || t->wire.method() == http::verb::head)) {
            if (follow_redirect(*t)) continue;
            break;
        }
        const decision d = t->policy.next(rep);
        if (d.what == decision::kind::finish || cancelled) break;
        if (t->resume.must_restart()) {
            if (t->sink.on_restart) t->sink.on_restart();
            t->resume.restart();
        }
        if (d.delay.count() > 0) {
            boost::system::error_code ec;
            t->wait.expires_after(d.delay);
            co_await t->wait.async_wait(redirect_error(use_awaitable, ec));
        }
        if (cancelled) {
            t->out.code = error::cancelled;
            break;
        }
        t->out.attempt = t->policy.attempt();
    }
    // `url` stays the request's; where the chain ended is worth saying when that is somewhere else.
    if (t->redirects > 0 && t->out.code != error::too_many_redirects && t->out.code != error::bad_redirect) {
        const std::string at = fmt::format("redirected to {}", t->target.redacted());
        t->out.detail = t->out.detail.empty() ? at : t->out.detail + "; " + at;
    }
    finish(*t);
}

asio::awaitable<attempt_report> client::impl::attempt(transfer& t) {
    attempt_report rep;
    t.out.code.clear();
    t.out.status = 0;
    t.out.body_excerpt.clear();
    t.out.detail.clear();
    t.out.where = stage::queued;
    t.location.reset();
    if (t.proxy_error) {
        rep.code = t.out.code = t.proxy_error;
        t.out.detail = t.proxy_detail;
        co_return rep;
    }
    if (auto range = t.resume.next_request()) {
        t.wire.set(http::field::range, range->first);
        t.wire.set(http::field::if_range, range->second);
    } else {
        t.wire.erase(http::field::range);
        t.wire.erase(http::field::if_range);
    }

    std::error_code ec;
    bool reusable = false;
    auto conn = co_await take_or_await_warm(t);
    if (conn) {
        rep.reused_connection = true;
        ++stats.connections_reused;
    } else if (!cancelled) {
        conn = connection::create(io.get_executor(), t.target, t.proxy, env());
        ec = co_await conn->open(t.out.where, t.out.detail, t.out.status);
    }
    if (!ec && !cancelled) {
        if (auto* s = conn->tls())
            ec = co_await exchange(*s, *conn, t, rep, reusable);
        else
            ec = co_await exchange(conn->tcp(), *conn, t, rep, reusable);
    }
    // After cancel() every failure is the cancellation's doing, whatever the socket said.
    if (cancelled && (ec || t.out.where != stage::done)) {
        ec = error::cancelled;
        reusable = false;
    }
    rep.code = t.out.code = ec;
    rep.where = t.out.where;
    rep.status = t.out.status;

    if (conn) {
        // A response read to its end leaves the connection in a clean state: pool it, or end it
        // politely when the server will not keep it. Anything else may have bytes in flight: drop it.
        if (reusable)
            park(std::move(conn));
        else if (rep.where == stage::done)
            co_await conn->shutdown();
        else
            conn->close();
    }
    co_return rep;
}

template <class Stream>
asio::awaitable<std::error_code> client::impl::exchange(Stream& s, connection& c, transfer& t, attempt_report& rep,
                                                        bool& reusable) {
    boost::system::error_code ec;
    stage& where = t.out.where;

    where = stage::write;
    c.tcp().expires_after(opt.timeouts.write);
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
    c.tcp().expires_after(opt.timeouts.headers);
    co_await http::async_read_header(s, c.buffer(), parser, redirect_error(use_awaitable, ec));
    note_read_buffer(c);
    rep.response_started = parser.got_some() || c.buffer().size() > 0;
    if (ec) co_return io_error(ec, where);

    response_head head;
    head.status = parser.get().result_int();
    for (const auto& f : parser.get()) head.fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
    if (const auto cl = head.field("content-length")) {
        std::uint64_t n = 0;  // the parser already rejected malformed values
        if (std::from_chars(cl->data(), cl->data() + cl->size(), n).ec == std::errc{}) head.content_length = n;
    }
    if (const auto ra = head.field("retry-after")) rep.retry_after = parse_retry_after(*ra);
    rep.quota_exhausted = head.field("x-ratelimit-remaining") == "0";
    t.out.status = head.status;
    const bool good = head.status / 100 == 2;
    if (good) {
        const auto field = [&head](std::string_view name) { return head.field(name).value_or(""); };
        switch (t.resume.on_head(head.status, field("etag"), field("accept-ranges"), field("content-range"))) {
            case resume_state::verdict::deliver: break;
            case resume_state::verdict::restart:
                if (t.sink.on_restart) t.sink.on_restart();
                break;
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
        t.chunk = std::make_unique<std::byte[]>(opt.chunk_size);
        ++stats.body_buffers_allocated;
        ++stats.body_buffers_live;
        stats.peak_body_buffers_live = std::max(stats.peak_body_buffers_live, stats.body_buffers_live);
    }
    if (good && !parser.is_done() && !parser.chunked() && parser.content_length()) {
        if (const auto ec = co_await read_sized_body(s, c, t, rep, *parser.content_length())) co_return ec;
    } else {
        // Beast reads max(512, free capacity) bytes per call: without room a body comes 512 bytes per
        // operation, each a full trip through the TLS and HTTP read machinery.
        c.buffer().reserve(read_buffer_limit);
        std::uint64_t error_bytes = 0;
        while (!parser.is_done()) {
            auto& body = parser.get().body();
            body.data = t.chunk.get();
            body.size = opt.chunk_size;
            c.tcp().expires_after(opt.timeouts.body_idle);
            co_await http::async_read_some(s, c.buffer(), parser, redirect_error(use_awaitable, ec));
            note_read_buffer(c);
            if (ec == http::error::need_buffer) ec = {};
            const std::size_t n = opt.chunk_size - parser.get().body().size;
            if (good && n > 0) {
                if (const auto consumer = deliver(t, rep, {t.chunk.get(), n})) co_return consumer;
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

std::error_code client::impl::deliver(transfer& t, attempt_report& rep, std::span<const std::byte> piece) {
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
asio::awaitable<std::error_code> client::impl::read_sized_body(Stream& s, connection& c, transfer& t,
                                                               attempt_report& rep, std::uint64_t length) {
    auto& early = c.buffer();
    while (length > 0 && early.size() > 0) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>({length, early.size(), opt.chunk_size}));
        const auto consumer = deliver(t, rep, {static_cast<const std::byte*>(early.data().data()), n});
        early.consume(n);
        length -= n;
        if (consumer) co_return consumer;
    }
    boost::system::error_code ec;
    while (length > 0) {
        c.tcp().expires_after(opt.timeouts.body_idle);
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(length, opt.chunk_size));
        const std::size_t n =
            co_await s.async_read_some(asio::buffer(t.chunk.get(), want), redirect_error(use_awaitable, ec));
        length -= n;
        if (n > 0)
            if (const auto consumer = deliver(t, rep, {t.chunk.get(), n})) co_return consumer;
        // A plain connection closed early is the parser's partial_message, as for any other body.
        if (ec == asio::error::eof) co_return std::error_code(http::make_error_code(http::error::partial_message));
        if (ec) co_return io_error(ec, stage::body);
    }
    co_return std::error_code{};
}

// A pooled connection for `t`, or, when warm-ups to its origin are under way that no other
// transfer waits for, the first of them to finish: a fetch made while warm() connects would
// otherwise open a connection of its own and waste the warm-up's handshake (a job source that
// answers fast made 32 connections for 16 transfers). Null: open a new one.
asio::awaitable<std::shared_ptr<connection>> client::impl::take_or_await_warm(transfer& t) {
    auto conn = take_idle(t.origin);
    while (!conn && !cancelled && warming[t.origin] > awaiting_warm[t.origin].size()) {
        awaiting_warm[t.origin].push_back(&t);
        boost::system::error_code ec;
        t.wait.expires_at(asio::steady_timer::time_point::max());
        co_await t.wait.async_wait(redirect_error(use_awaitable, ec));  // cancelled by warm_one or cancel()
        conn = take_idle(t.origin);
    }
    co_return conn;
}

asio::awaitable<void> client::impl::warm_one(url where, std::optional<url> proxy, std::string key) {
    std::shared_ptr<connection> conn;
    if (!cancelled) {
        conn = connection::create(io.get_executor(), where, proxy, env());
        stage reached = stage::queued;
        std::string detail;
        unsigned status = 0;
        if (co_await conn->open(reached, detail, status) || cancelled) conn.reset();
    }
    --warming[key];
    if (conn) park(std::move(conn));
    // Succeeded or not, one waiting transfer looks again: it takes the connection or opens its own.
    auto& waiters = awaiting_warm[key];
    if (!waiters.empty()) {
        waiters.front()->wait.cancel();
        waiters.pop_front();
    }
}

client::client(asio::io_context& io, client_options options) : impl_(std::make_unique<impl>(io, std::move(options))) {}

client::~client() = default;

// Chooses the proxy for the transfer's current target and sets the request line and fields that
// depend on it: an absolute-form target and Proxy-Authorization for plain http through a proxy.
void client::impl::route(transfer& t) {
    t.proxy = proxy_for(t.target, opt.env, t.proxy_error, t.proxy_detail).proxy;
    t.origin = detail::pool_key(t.target, t.proxy);
    t.wire.set(http::field::host, t.target.authority());
    const bool absolute = t.proxy && !t.target.tls();
    t.wire.target(absolute ? t.target.origin() + t.target.target : t.target.target);
    const auto credentials = absolute ? proxy_authorization(*t.proxy) : std::nullopt;
    if (credentials)
        t.wire.set(http::field::proxy_authorization, *credentials);
    else
        t.wire.erase(http::field::proxy_authorization);
}

// After a 3xx answer to GET or HEAD: points the transfer at the Location and returns true, or sets
// the outcome's error and returns false.
bool client::impl::follow_redirect(transfer& t) {
    const std::string from = t.target.redacted();
    if (!t.location) {
        t.out.code = error::bad_redirect;
        t.out.detail = fmt::format("HTTP {} from {} without Location", t.out.status, from);
        return false;
    }
    std::error_code ec;
    auto next = t.target.resolve(*t.location, ec);
    if (!next) {
        t.out.code = error::bad_redirect;
        t.out.detail = fmt::format("HTTP {} from {} with an unusable Location ({})", t.out.status, from, ec.message());
        return false;
    }
    if (++t.redirects > opt.max_redirects) {
        t.out.code = error::too_many_redirects;
        t.out.detail =
            fmt::format("more than {} redirects; the last, from {}, to {}", opt.max_redirects, from, next->redacted());
        return false;
    }
    // Credentials belong to the host they were given for (docs/command.md): never across origins.
    if (next->origin() != t.target.origin()) t.wire.erase(http::field::authorization);
    if (t.resume.delivered() > 0) {
        if (t.sink.on_restart) t.sink.on_restart();
        t.resume.restart();
    }
    t.target = *std::move(next);
    route(t);
    return true;
}

std::shared_ptr<transfer> client::impl::prepare(request req, body_sink sink, completion done) {
    auto t = std::make_shared<transfer>(
        io, transfer_policy(opt.retry, [this] { return std::uniform_real_distribution<double>(0.0, 1.0)(jitter); }));
    t->out.url = req.target.redacted();
    t->out.method = std::string(http::to_string(req.method));
    t->wire = http::request<http::string_body>(req.method, req.target.target, 11);
    bool has_agent = false;
    for (auto& [name, value] : req.headers) {
        has_agent = has_agent || beast::iequals(name, "user-agent");
        t->wire.insert(name, value);
    }
    if (!has_agent) t->wire.set(http::field::user_agent, opt.user_agent);
    t->wire.body() = std::move(req.body);
    t->wire.prepare_payload();
    t->target = std::move(req.target);
    route(*t);
    t->sink = std::move(sink);
    t->done = std::move(done);
    return t;
}

void client::fetch(request req, body_sink sink, completion done) {
    impl_->submit(impl_->prepare(std::move(req), std::move(sink), std::move(done)));
}

void client::fetch_text(request req, std::size_t limit, std::function<void(text_response)> done) {
    auto collected = std::make_shared<text_response>();
    body_sink sink;
    sink.on_head = [collected](const response_head& h) { collected->head = h; };
    sink.on_chunk = [collected](std::span<const std::byte> bytes) {
        collected->body.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        return std::error_code{};
    };
    sink.on_restart = [collected] { collected->body.clear(); };
    auto finished = [collected, done = std::move(done)](const outcome& o) {
        collected->result = o;
        if (!o.ok()) collected->body.clear();
        done(std::move(*collected));
    };
    auto t = impl_->prepare(std::move(req), std::move(sink), std::move(finished));
    t->body_limit = limit;
    impl_->submit(std::move(t));
}

void client::warm(const url& origin, unsigned n) {
    if (impl_->cancelled) return;
    std::error_code proxy_ec;
    std::string why;
    auto proxy = proxy_for(origin, impl_->opt.env, proxy_ec, why).proxy;
    if (proxy_ec) return;  // the requests that follow report it
    const std::string key = detail::pool_key(origin, proxy);
    const std::size_t ready = impl_->idle[key].size() + impl_->warming[key];
    const std::size_t room = impl_->opt.concurrency > ready ? impl_->opt.concurrency - ready : 0;
    for (std::size_t i = 0; i < std::min<std::size_t>(n, room); ++i) {
        ++impl_->warming[key];
        asio::co_spawn(impl_->io, impl_->warm_one(origin, proxy, key), [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    }
}

void client::cancel() { impl_->cancel(); }

const client_stats& client::stats() const noexcept { return impl_->stats; }

}  // namespace ue::net
