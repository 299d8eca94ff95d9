#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>

#include "update_expected/net/error.hpp"
#include "update_expected/net/policy.hpp"
#include "update_expected/net/proxy.hpp"
#include "update_expected/net/response_head.hpp"
#include "update_expected/net/tls.hpp"
#include "update_expected/net/url.hpp"

namespace ue::net {

// One deadline per network stage (`--timeout`). A stage that overruns ends the attempt with its
// own error (connect_timeout, ...). body_idle bounds the longest gap between body bytes, not the
// whole body: a 2 GiB download may take as long as it needs while bytes keep coming.
struct deadlines {
    std::chrono::milliseconds resolve{30'000};
    std::chrono::milliseconds connect{30'000};
    std::chrono::milliseconds handshake{30'000};
    std::chrono::milliseconds write{30'000};
    std::chrono::milliseconds headers{30'000};
    std::chrono::milliseconds body_idle{30'000};

    static deadlines all(std::chrono::milliseconds d) { return {d, d, d, d, d, d}; }
};

struct client_options {
    unsigned concurrency = 16;  // transfers in flight (`-j`), clamped to 1..256
    deadlines timeouts;
    tls_options tls;
    retry_settings retry;                // per transfer; the default retries nothing
    std::size_t chunk_size = 64 * 1024;  // each transfer's body buffer: the most one chunk holds
    std::string user_agent;              // empty: "update-expected/<version>"
    // The proxy variables (see proxy_for). The app passes proxy_environment(); empty: no proxy.
    environment env;
    unsigned max_redirects = 5;  // redirects followed per GET or HEAD transfer
};

// GET and HEAD follow redirects (301, 302, 303, 307, 308; relative or absolute Location) up to
// client_options::max_redirects; other methods report a 3xx as an http_status outcome. A redirect to
// another origin (scheme, host or port) drops the Authorization field for the rest of the chain.
struct request {
    url target;
    boost::beast::http::verb method = boost::beast::http::verb::get;
    // Extra header fields (Authorization, Accept, Content-Type...). Host, User-Agent (unless given
    // here), Content-Length, and on retries Range and If-Range are set by the client.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // sent as is, e.g. a JSON document for POST
    // The statuses by which this request's host says "no such object" (S3: 403 and 404): such an
    // answer ends the transfer as ending::missing, after at most retry_settings::missing_retries
    // retries. Empty: no status means missing.
    std::vector<unsigned> missing_statuses;
};

// Where one transfer's body goes. All calls happen on the io_context's thread, one at a time.
// The chunks of all attempts together form ONE stream of the body: a retry after a cut resumes it
// with a range request when the server allows (see resume_state), so the consumer sees no seam;
// when it cannot, on_restart is called first and the body comes again from byte 0.
struct body_sink {
    // Optional. Called when an attempt's response headers arrive (any status), before its chunks; a
    // resumed attempt's head is the server's 206 (Content-Length of the rest only).
    std::function<void(const response_head&)> on_head;
    // Required. Called with each piece of a 2xx body as it arrives, in order, at most
    // client_options::chunk_size bytes; the span is valid only during the call. The next read starts
    // when it returns (back-pressure). A non-empty return aborts the transfer with that error.
    std::function<std::error_code(std::span<const std::byte>)> on_chunk;
    // Optional. The body will come again from byte 0: forget what arrived so far. Called before the
    // new attempt's on_head.
    std::function<void()> on_restart;
};

// A small body collected into memory (JSON API answers).
struct text_response {
    outcome result;
    response_head head;  // of the last attempt
    std::string body;    // the whole 2xx body; empty otherwise (see result.body_excerpt)
};

// Counters for tests and the summary line. Memory is bounded by what they count: the body buffers
// (one of chunk_size per transfer in flight) and each connection's read buffer (read_buffer_limit).
struct client_stats {
    std::size_t transfers_started = 0;
    std::size_t transfers_finished = 0;
    std::size_t in_flight = 0;
    std::size_t peak_in_flight = 0;
    std::size_t connections_opened = 0;  // TCP connections established
    std::size_t connections_reused = 0;  // attempts that ran on a pooled connection
    std::size_t tls_handshakes = 0;
    std::size_t tls_resumed = 0;  // handshakes that resumed a cached session
    std::size_t body_buffers_allocated = 0;
    std::size_t body_buffers_live = 0;
    std::size_t peak_body_buffers_live = 0;
    std::size_t peak_read_buffer = 0;  // largest capacity a connection's read buffer reached
    std::size_t shutdown_errors = 0;   // TLS shutdowns that failed other than by truncation
    std::uint64_t body_bytes = 0;      // body bytes handed to consumers
};

// Bound on a connection's read buffer: the response headers and at most one socket read.
inline constexpr std::size_t read_buffer_limit = 96 * 1024;
// Bound on response headers.
inline constexpr std::size_t header_limit = 64 * 1024;

// HTTP/1.1 client over one io_context: at most `concurrency` transfers in flight (the rest wait in
// a FIFO queue), keep-alive connections pooled per origin, TLS sessions resumed, bodies streamed.
//
// Threading: every member is called on the io_context's thread (a signal_set handler is fine); the
// io_context runs on one thread. No locks. Completions are called on that thread, never from
// inside fetch().
// Lifetime: destroy the client only when no transfer is pending (io_context::run() returned, e.g.
// after cancel()). Exceptions thrown by a completion callback propagate out of io_context::run().
class client {
public:
    using completion = std::function<void(const outcome&)>;

    // Throws std::system_error when the TLS options are unusable (e.g. an unreadable CA file).
    client(boost::asio::io_context& io, client_options options);
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Queues a transfer; `done` is called exactly once with how it ended. A non-2xx answer is an
    // outcome (error::http_status with status and excerpt), not an exception.
    void fetch(request req, body_sink sink, completion done);

    // Like fetch, collecting a 2xx body of at most `limit` bytes (else error::body_too_large).
    void fetch_text(request req, std::size_t limit, std::function<void(text_response)> done);

    // Opens up to `n` connections to `origin`'s scheme, host and port ahead of the first request
    // and parks them in the pool (fewer when the pool already holds or is opening some; never more
    // than `concurrency`). A request made while they open waits for one instead of opening its own.
    // Failures are silent: the requests that follow will meet them with full context. cancel() ends
    // warm-ups too.
    void warm(const url& origin, unsigned n);

    // Stops everything within one turn of the event loop: open sockets are closed, timers
    // cancelled, queued and running transfers end with error::cancelled, later fetches too.
    void cancel();

    const client_stats& stats() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// "update-expected/<version>".
std::string default_user_agent();

}  // namespace ue::net
