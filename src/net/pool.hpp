#pragma once

// Private to src/net: the keep-alive connections of one client, per pool key (origin and proxy),
// and the connections being opened ahead of the requests (client::warm).

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connection.hpp"

namespace ue::net::detail {

class pool {
public:
    // At most `capacity` idle connections are kept per key; `env` is what new connections need.
    pool(asio::io_context& io, unsigned capacity, connection_env env);

    // A parked connection to `key` that is still open, or null.
    std::shared_ptr<connection> take(const std::string& key);
    // take(), or, while warm-ups to `key` are under way that no other request waits for, the first
    // of them to finish: a request made while warm() connects would otherwise open a connection of
    // its own and waste the warm-up's handshake. Waits on `wait` (the caller's timer: cancelling it
    // ends the wait). Null: open a new one.
    asio::awaitable<std::shared_ptr<connection>> take_or_await_warm(const std::string& key, asio::steady_timer& wait);
    // Keeps a connection whose response was read to its end, for the next request to its key.
    void park(std::shared_ptr<connection> c);
    // Opens up to `n` connections to `origin` (through `proxy`) and parks them, fewer when the key
    // already holds or is opening some, never more than the capacity. Failures are silent: the
    // requests that follow meet them with full context.
    void warm(const url& origin, const std::optional<url>& proxy, unsigned n);
    // Drops the idle connections and wakes every request waiting for a warm-up; nothing is parked
    // after it. The client closes the connections still opening.
    void cancel();

private:
    asio::awaitable<void> warm_one(url where, std::optional<url> proxy, std::string key);

    asio::io_context& io_;
    unsigned capacity_;
    connection_env env_;
    std::map<std::string, std::vector<std::shared_ptr<connection>>> idle_;
    // Per key: warm-ups under way, and the requests waiting for one of them (their timers).
    std::map<std::string, unsigned> warming_;
    std::map<std::string, std::deque<asio::steady_timer*>> waiting_;
    bool cancelled_ = false;
};

}  // namespace ue::net::detail
