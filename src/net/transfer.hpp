#pragma once

// Private to src/net: the state of one transfer, shared by the parts of the client that move it
// along (client.cpp: the queue and the attempt loop; exchange.cpp: one request and its answer;
// routing.cpp: proxies and redirects).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "update_expected/net/client.hpp"

namespace ue::net::detail {

struct transfer {
    transfer(boost::asio::io_context& io, transfer_policy p) : policy(std::move(p)), wait(io) {}

    boost::beast::http::request<boost::beast::http::string_body> wire;
    std::string origin;                        // pool key: origin and proxy
    url target;                                // where the current attempt goes (the last redirect's target)
    url requested;                             // request::target
    std::optional<std::string> authorization;  // the request's Authorization field, for its own origin
    std::optional<url> proxy;
    std::error_code proxy_error;  // the proxy variables are unusable for `target`
    std::string proxy_detail;
    resume_state resume;
    std::optional<std::string> location;  // of the last 3xx answer
    unsigned redirects = 0;
    unsigned tries_at_target = 0;  // attempts sent to `target` since it became the target
    bool renewed = false;          // went back to `requested` once for a new signed URL (signature_lapsed)
    body_sink sink;
    client::completion done;
    std::optional<std::uint64_t> body_limit;  // nullopt: unlimited (artifacts)
    std::vector<unsigned> missing_statuses;   // request::missing_statuses
    transfer_policy policy;
    outcome out;
    boost::asio::steady_timer wait;  // backoff between attempts, and the wait for a warm-up
    std::unique_ptr<std::byte[]> chunk;
    bool in_flight = false;
    bool backing_off = false;  // waiting between attempts
    bool finished = false;

    // The consumer forgets what it received: the body comes again from byte 0.
    void restart_consumer() {
        if (sink.on_restart) sink.on_restart();
    }
};

}  // namespace ue::net::detail
