#pragma once
// The local test server: HTTPS or HTTP/1.1 with keep-alive on 127.0.0.1, serving files and generated
// bodies with ranges, scripted answers, per-request stalls and a request log. It runs on its own
// thread and io_context; every member function below may be called from any thread.

#include "generated_body.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ue::testing {

using header_list = std::vector<std::pair<std::string, std::string>>;

enum class cert_kind {
    trusted,     // leaf for DNS localhost and IP 127.0.0.1, signed by the test CA of ca_file()
    wrong_host,  // leaf signed by the test CA but only for DNS wrong-host.invalid
    untrusted,   // self-signed leaf for localhost and 127.0.0.1: no CA vouches for it
};

// What a GET for a path with no route and no file gets.
enum class missing_reply {
    not_found,      // 404 with an empty body
    access_denied,  // 403 with S3's AccessDenied XML, as a public bucket answers for a missing key
};

struct server_options {
    bool tls = true;  // https; false: plain http
    cert_kind cert = cert_kind::trusted;
    // Files below `root` are served for GET/HEAD under their relative path ("/a/b.zip" -> root/a/b.zip).
    // Empty: no files. Paths with ".." segments are refused with 404.
    std::filesystem::path root;
    // Waited on each new connection before anything (TLS handshake or first read): imitates the
    // TCP and TLS round trips to a remote host.
    std::chrono::milliseconds accept_delay{0};
    // Waited before each response's headers: one round trip per request.
    std::chrono::milliseconds response_delay{0};
    // Waited on top of response_delay before each scripted answer (add_response, add_handler): the
    // time a server spends building an answer, as GitHub's API does for a listing.
    std::chrono::milliseconds answer_delay{0};
    missing_reply missing = missing_reply::not_found;
    // Answer 403 to any request that carries an Authorization field, as blob storage does to a
    // token meant for another service (docs/pytorch-ci.md section 3).
    bool refuse_authorization = false;
    std::uint16_t port = 0;  // 0: an ephemeral port
};

// One request as the server read it, logged before it is answered (stalled requests included).
struct recorded_request {
    std::string method;
    std::string target;   // as sent: path and query
    header_list headers;  // every field, in order, names as sent
    std::string body;
    std::uint64_t connection = 0;                   // 1 for the first accepted connection, 2 for the next, ...
    std::chrono::steady_clock::time_point read_at;  // when the server had read it

    // The first value of header `name` (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
    // The target without its query string.
    std::string path() const;
};

struct server_stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_open = 0;      // accepted and not yet closed, now
    std::uint64_t connections_open_max = 0;  // the most ever open at once
    std::uint64_t requests_in_flight = 0;    // read and not yet fully answered, now
    std::uint64_t requests_in_flight_max = 0;
    std::uint64_t requests_total = 0;  // every request read, answered or not
};

// A scripted answer (see server::add_handler).
struct answer {
    unsigned status = 200;
    std::string body;
    header_list headers;
};

// Where a stall keeps a connection waiting: the socket stays open and nothing is sent until the
// peer closes it or the server stops.
enum class stall_point {
    before_handshake,  // TCP accepted, no TLS handshake (http: no request read); every connection
    before_headers,    // the request is read and logged, no response starts
    mid_body,          // headers and the first `after_bytes` body bytes are sent
};

// One scripted misbehaviour, for one request on a path (see server::add_faults). Body offsets count
// the bytes of this response's body, except corrupt_byte's, which is an offset in the whole file or
// generated body (so a resumed range meets it only if it covers it). A fault that cuts a body after
// N bytes has no effect when the body is not longer than N.
struct fault {
    enum class kind {
        status,         // answer `status` with `body` and `headers` instead of the content
        reset,          // send the headers and `bytes` body bytes, then RST (SO_LINGER 0 and close)
        truncate,       // send the headers and `bytes` body bytes, then close cleanly (TLS close_notify)
        stall_headers,  // read the request, answer nothing
        stall_body,     // send the headers and `bytes` body bytes, then nothing
        drip,           // send the body `bytes` at a time with `pause` between pieces
        corrupt,        // flip every bit of the byte at offset `bytes` of the content
        redirect,       // `status` (301, 302, 307, 308) with Location: `location`
        garbage_json,   // 200, application/json, a body that is not JSON
        ignore_range,   // the whole content with 200 whatever Range and If-Range ask
    };
    kind what = kind::status;
    unsigned status = 0;
    std::string body;
    header_list headers;
    std::uint64_t bytes = 0;
    std::chrono::milliseconds pause{0};

    static fault error(unsigned status, std::string body = {}, header_list headers = {});
    static fault retry_after(unsigned status, std::string seconds);  // e.g. 429 or 503
    static fault reset_after(std::uint64_t bytes);
    static fault truncate_after(std::uint64_t bytes);
    static fault stall_before_headers();
    static fault stall_after(std::uint64_t bytes);
    static fault drip(std::uint64_t piece_bytes, std::chrono::milliseconds pause);
    static fault corrupt_byte(std::uint64_t offset);
    // `location` is sent as given: a path ("/next") or an absolute URL (another server's url()).
    static fault redirect(unsigned status, std::string location);
    static fault garbage_json();
    static fault ignore_range();
};

class server {
public:
    // Starts listening and serving at once. Throws std::system_error when the port cannot be bound.
    explicit server(server_options options = {});
    // Stops serving, closes every connection and joins the server thread.
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    std::uint16_t port() const;
    // "localhost" for https (the name the trusted certificate carries), "127.0.0.1" for http.
    std::string host() const;
    // "https://localhost:PORT" or "http://127.0.0.1:PORT", without a trailing slash.
    std::string base_url() const;
    // base_url() + path; `path` starts with '/'.
    std::string url(std::string_view path) const;
    // PEM file of the test CA, in a temporary directory removed with the server. Https only trusts
    // it for cert_kind::trusted and wrong_host; http servers write it too.
    const std::filesystem::path& ca_file() const;
    const std::string& ca_pem() const;

    // Serves the body generate_bytes(seed, 0, size) at `path` (no query) for GET and HEAD, with the
    // same ranges and ETag handling as files, streamed: any size, no memory per byte.
    void add_generated(std::string path, std::uint64_t size, std::uint64_t seed);

    // Answers `method` on `target` with `status`, `body` and extra `headers` (Content-Length is added);
    // with an ETag among `headers`, a request whose If-None-Match is that ETag gets 304.
    // A target with '?' matches that exact path and query; one without matches the path whatever the
    // query. Scripted answers come before generated bodies and files; a later call for the same
    // method and target replaces the earlier one.
    void add_response(std::string method, std::string target, unsigned status, std::string body,
                      header_list headers = {});

    // Answers `method` on `path` (whatever the query) with what `handler` returns for the request;
    // it is called on the server thread without the server's lock, so it may use other servers
    // (e.g. sign() on a blob server). Comes before add_response's answers for the same path.
    using handler = std::function<answer(const recorded_request&)>;
    void add_handler(std::string method, std::string path, handler h);

    // A short-lived signed URL for `path`, as blob storage hands out: url(path) + "?sig=N", good
    // for `uses` requests. Once a path has been signed, a request for it without a good signature,
    // or with a spent one, gets 403 AuthenticationFailed; a later sign() adds a new signature.
    std::string sign(const std::string& path, unsigned uses);

    // Makes requests stall at `where`. `path` "" means every path, a path with '?' that exact target
    // only; before_handshake ignores `path` (no request is known yet). `after_bytes` is for mid_body. Stalls apply
    // until clear_stalls().
    void stall(stall_point where, std::string path = {}, std::uint64_t after_bytes = 0);
    void clear_stalls();

    // Queues `faults` for `path` (no query; matches whatever the query): each request for that path
    // takes the next one, in order, before any other answer; when they are used up the path is
    // served normally again. Adding to a path with faults left appends to its queue.
    void add_faults(std::string path, std::vector<fault> faults);
    void clear_faults();
    // How many faults `path` still has queued.
    std::size_t faults_left(std::string_view path) const;

    // Every request read so far, in the order they were read.
    std::vector<recorded_request> requests() const;
    void clear_requests();
    server_stats stats() const;

    class impl;

private:
    std::unique_ptr<impl> impl_;
};

// A loopback port where TCP connect never completes: a listener with a backlog of one, filled by a
// connection of its own, that never accepts. Linux then drops further SYNs, so a client's connect
// hangs until its own deadline (tested on Linux loopback; tcp_abort_on_overflow must be 0, the default).
class blackhole_listener {
public:
    blackhole_listener();
    ~blackhole_listener();
    blackhole_listener(const blackhole_listener&) = delete;
    blackhole_listener& operator=(const blackhole_listener&) = delete;

    std::uint16_t port() const { return port_; }

private:
    int listener_ = -1;
    int filler_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace ue::testing
