#include "pool.hpp"

#include <algorithm>
#include <exception>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace ue::net::detail {

pool::pool(asio::io_context& io, unsigned capacity, connection_env env) : io_(io), capacity_(capacity), env_(env) {}

std::shared_ptr<connection> pool::take(const std::string& key) {
    const auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    while (!it->second.empty()) {
        auto c = std::move(it->second.back());
        it->second.pop_back();
        if (c->tcp().socket().is_open()) return c;
    }
    return nullptr;
}

// A job source that answers fast made 32 connections for 16 transfers before requests waited for
// the warm-ups under way.
asio::awaitable<std::shared_ptr<connection>> pool::take_or_await_warm(const std::string& key,
                                                                      asio::steady_timer& wait) {
    auto conn = take(key);
    while (!conn && !cancelled_ && warming_[key] > waiting_[key].size()) {
        waiting_[key].push_back(&wait);
        boost::system::error_code ec;
        wait.expires_at(asio::steady_timer::time_point::max());
        co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ec));  // cancelled by warm_one or cancel()
        conn = take(key);
    }
    co_return conn;
}

void pool::park(std::shared_ptr<connection> c) {
    auto& kept = idle_[c->origin()];
    if (!cancelled_ && kept.size() < capacity_) kept.push_back(std::move(c));
}

void pool::warm(const url& origin, const std::optional<url>& proxy, unsigned n) {
    if (cancelled_) return;
    const std::string key = pool_key(origin, proxy);
    const std::size_t ready = idle_[key].size() + warming_[key];
    const std::size_t room = capacity_ > ready ? capacity_ - ready : 0;
    for (std::size_t i = 0; i < std::min<std::size_t>(n, room); ++i) {
        ++warming_[key];
        asio::co_spawn(io_, warm_one(origin, proxy, key), [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
        });
    }
}

void pool::cancel() {
    cancelled_ = true;
    idle_.clear();  // pooled connections have nothing pending: destroying them closes them
    for (auto& [key, timers] : waiting_)
        for (auto* timer : timers) timer->cancel();
    waiting_.clear();
}

asio::awaitable<void> pool::warm_one(url where, std::optional<url> proxy, std::string key) {
    std::shared_ptr<connection> conn;
    if (!cancelled_) {
        conn = connection::create(io_.get_executor(), where, proxy, env_);
        stage reached = stage::queued;
        std::string detail;
        unsigned status = 0;
        if (co_await conn->open(reached, detail, status) || cancelled_) conn.reset();
    }
    --warming_[key];
    if (conn) park(std::move(conn));
    // Succeeded or not, one waiting request looks again: it takes the connection or opens its own.
    auto& waiters = waiting_[key];
    if (!waiters.empty()) {
        waiters.front()->cancel();
        waiters.pop_front();
    }
}

}  // namespace ue::net::detail
