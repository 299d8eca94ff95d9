#include "update_expected/net/client.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <random>
#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

#include "connection.hpp"
#include "exchange.hpp"
#include "pool.hpp"
#include "routing.hpp"
#include "transfer.hpp"

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
using detail::transfer;

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

// The queue and the limit (at most `concurrency` transfers in flight, FIFO), and each transfer's
// attempt loop. The pool keeps the connections, exchange.cpp reads one answer, routing.cpp decides
// where a request goes, policy.cpp decides what happens after an attempt.
struct client::impl {
    impl(asio::io_context& ctx, client_options o)
        : io(ctx), opt(std::move(o)), tls(opt.tls), connections(io, capacity(opt), env()) {
        opt.concurrency = capacity(opt);
        if (opt.chunk_size == 0) opt.chunk_size = 64 * 1024;
        if (opt.user_agent.empty()) opt.user_agent = default_user_agent();
    }

    static unsigned capacity(const client_options& o) { return std::clamp(o.concurrency, 1u, 256u); }
    detail::connection_env env() { return {tls, stats, live, opt.timeouts}; }

    std::shared_ptr<transfer> prepare(request req, body_sink sink, completion done);
    void submit(std::shared_ptr<transfer> t);
    void start(std::shared_ptr<transfer> t);
    void finish(transfer& t);
    void pump();
    void cancel();
    asio::awaitable<void> run(std::shared_ptr<transfer> t);
    // Once a transfer ended in a way that every transfer to its pool key would (ends_the_host), the
    // others end at once with that outcome: queued ones without an attempt, running ones before
    // their next attempt (a backoff wait is cut short).
    void host_failed(const transfer& t);
    // Copies the failure of the transfer's host into its outcome, when there is one.
    bool adopt_host_failure(transfer& t);
    // Ends a transfer that never started with its host's failure.
    void end_unstarted(std::shared_ptr<transfer> t);
    asio::awaitable<attempt_report> attempt(transfer& t);

    // Declaration order is destruction order in reverse: pooled connections go before the registry
    // they unregister from and the TLS context their SSL objects came from.
    asio::io_context& io;
    client_options opt;
    tls_context tls;
    client_stats stats;
    std::set<connection*> live;
    detail::pool connections;
    std::deque<std::shared_ptr<transfer>> queue;
    std::set<transfer*> running;
    std::map<std::string, outcome> failed_hosts;  // by pool key: the outcome that showed it
    // One backoff jitter source for all transfers: seeding one per transfer from random_device
    // (a system call each) showed in profiles of many small transfers.
    std::minstd_rand jitter{std::random_device{}()};
    bool cancelled = false;
};

void client::impl::submit(std::shared_ptr<transfer> t) {
    if (cancelled) {
        t->out.code = error::cancelled;
        asio::post(io, [this, t] { finish(*t); });
    } else if (failed_hosts.contains(t->origin)) {
        end_unstarted(std::move(t));
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
    t.out.end = ending_of(t.out.code, t.out.status, t.missing_statuses);
    if (ends_the_host(t.out)) host_failed(t);
    pump();
    const auto done = std::move(t.done);
    done(t.out);
}

void client::impl::host_failed(const transfer& t) {
    if (!failed_hosts.emplace(t.origin, t.out).second) return;
    for (transfer* other : running)
        if (other->origin == t.origin && other->backing_off) other->wait.cancel();
    std::deque<std::shared_ptr<transfer>> kept;
    for (auto& queued : queue) {
        if (queued->origin == t.origin) {
            end_unstarted(std::move(queued));
        } else {
            kept.push_back(std::move(queued));
        }
    }
    queue = std::move(kept);
}

// The copy keeps what makes the failure the same one (outcome::cause()) and the transfer's own URL.
bool client::impl::adopt_host_failure(transfer& t) {
    const auto it = failed_hosts.find(t.origin);
    if (it == failed_hosts.end()) return false;
    const outcome& seen = it->second;
    t.out.code = seen.code;
    t.out.where = seen.where;
    t.out.detail = seen.detail;
    t.out.proxy_status = seen.proxy_status;
    t.out.status = 0;
    return true;
}

void client::impl::end_unstarted(std::shared_ptr<transfer> t) {
    adopt_host_failure(*t);
    t->out.attempt = 0;
    asio::post(io, [this, t] { finish(*t); });
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
    connections.cancel();
    for (connection* c : std::vector<connection*>(live.begin(), live.end())) c->close();
    for (transfer* t : running) t->wait.cancel();
    for (auto& t : queue) {
        t->out.code = error::cancelled;
        asio::post(io, [this, t] { finish(*t); });
    }
    queue.clear();
}

asio::awaitable<void> client::impl::run(std::shared_ptr<transfer> t) {
    const bool get_or_head = t->wire.method() == http::verb::get || t->wire.method() == http::verb::head;
    for (;;) {
        if (adopt_host_failure(*t)) break;
        ++t->tries_at_target;
        const attempt_report rep = co_await attempt(*t);
        if (!cancelled && !t->renewed && signature_lapsed(rep, t->redirects > 0, t->tries_at_target > 1)) {
            t->renewed = true;
            detail::start_over(*t, opt.env);
            continue;
        }
        if (!cancelled && follows_redirect(rep, get_or_head)) {
            if (detail::follow_redirect(*t, opt.env, opt.max_redirects)) continue;
            break;
        }
        const decision d = t->policy.next(rep);
        if (d.what == decision::kind::finish || cancelled) break;
        if (t->resume.restart_before_retry()) t->restart_consumer();
        if (d.delay.count() > 0 && !failed_hosts.contains(t->origin)) {
            boost::system::error_code ec;
            t->backing_off = true;
            t->wait.expires_after(d.delay);
            co_await t->wait.async_wait(redirect_error(use_awaitable, ec));
            t->backing_off = false;
        }
        if (cancelled) {
            t->out.code = error::cancelled;
            break;
        }
        if (adopt_host_failure(*t)) break;
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
    t.out.proxy_status = 0;
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
    auto conn = co_await connections.take_or_await_warm(t.origin, t.wait);
    if (conn) {
        rep.reused_connection = true;
        ++stats.connections_reused;
    } else if (!cancelled) {
        conn = connection::create(io.get_executor(), t.target, t.proxy, env());
        ec = co_await conn->open(t.out.where, t.out.detail, t.out.proxy_status);
    }
    if (!ec && !cancelled) {
        const detail::exchange_env ex{opt.timeouts, opt.chunk_size, stats};
        if (auto* s = conn->tls())
            ec = co_await detail::exchange(*s, *conn, t, rep, reusable, ex);
        else
            ec = co_await detail::exchange(conn->tcp(), *conn, t, rep, reusable, ex);
    }
    // After cancel() every failure is the cancellation's doing, whatever the socket said.
    if (cancelled && (ec || t.out.where != stage::done)) {
        ec = error::cancelled;
        reusable = false;
    }
    rep.code = t.out.code = ec;
    rep.where = t.out.where;
    rep.status = t.out.status;
    rep.missing = ending_of(rep.code, rep.status, t.missing_statuses) == ending::missing;

    if (conn) {
        // A response read to its end leaves the connection in a clean state: pool it, or end it
        // politely when the server will not keep it. Anything else may have bytes in flight: drop it.
        if (reusable)
            connections.park(std::move(conn));
        else if (rep.where == stage::done)
            co_await conn->shutdown();
        else
            conn->close();
    }
    co_return rep;
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
    if (const auto found = t->wire.find(http::field::authorization); found != t->wire.end())
        t->authorization = std::string(found->value());
    t->wire.body() = std::move(req.body);
    t->wire.prepare_payload();
    t->missing_statuses = std::move(req.missing_statuses);
    t->requested = req.target;
    t->target = std::move(req.target);
    detail::route(*t, opt.env);
    t->sink = std::move(sink);
    t->done = std::move(done);
    return t;
}

client::client(asio::io_context& io, client_options options) : impl_(std::make_unique<impl>(io, std::move(options))) {}

client::~client() = default;

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
    impl_->connections.warm(origin, proxy, n);
}

void client::cancel() { impl_->cancel(); }

const client_stats& client::stats() const noexcept { return impl_->stats; }

}  // namespace ue::net
