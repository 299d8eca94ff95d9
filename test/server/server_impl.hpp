#pragma once
// The test server's insides, shared by the connection loop (connection.cpp) and the public class
// (test_server.cpp). State touched by both the server thread and test threads sits behind `mutex`.

#include "content.hpp"
#include "test_server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace ue::testing {

namespace http = boost::beast::http;

// How a body ends when it is cut short after `cut_after` bytes.
enum class body_cut { none, stall, reset, truncate };

// Everything the connection loop needs to answer one request.
struct response_plan {
    http::response<http::empty_body> head;  // status and fields, Content-Length set
    content body;                           // monostate: no body
    std::uint64_t first = 0;                // body bytes [first, first + length) of `body`
    std::uint64_t length = 0;
    bool stall_before_headers = false;
    body_cut cut = body_cut::none;
    std::uint64_t cut_after = 0;   // body bytes sent before the cut
    std::uint64_t drip_piece = 0;  // 0: full-size pieces, no pauses
    std::chrono::milliseconds drip_pause{0};
    std::optional<std::uint64_t> corrupt_at;  // offset in `body`, not in the range
    std::chrono::milliseconds delay{0};       // on top of response_delay
};

struct scripted_response {
    unsigned status = 200;
    std::string body;
    header_list headers;
};

struct generated_route {
    std::uint64_t size = 0;
    std::uint64_t seed = 0;
};

struct stall_rule {
    stall_point where;
    std::string path;  // "" for every path; with '?', one target
    std::uint64_t after_bytes = 0;
};

class server::impl {
public:
    explicit impl(server_options options);
    ~impl();

    // Called on the server thread by the connection loop.
    response_plan plan(const http::request<http::string_body>& request);
    bool stalls_before_handshake();
    void record(const http::request<http::string_body>& request, std::uint64_t connection);
    void connection_opened();
    void connection_closed();
    void request_done();

    const server_options options;
    std::optional<boost::asio::ssl::context> tls;  // empty for http

    mutable std::mutex mutex;
    std::map<std::pair<std::string, std::string>, scripted_response> scripted;       // (method, target)
    std::map<std::string, generated_route> generated;                                // by path
    std::map<std::pair<std::string, std::string>, server::handler> handlers;         // (method, path)
    std::map<std::string, std::map<std::string, unsigned>, std::less<>> signatures;  // path -> sig -> uses left
    unsigned signatures_made = 0;
    std::vector<stall_rule> stalls;
    std::map<std::string, std::deque<fault>, std::less<>> faults;  // by path
    std::vector<recorded_request> log;
    server_stats stats;

    std::filesystem::path temp_dir;
    std::filesystem::path ca_path;
    std::string ca_pem;

    // Declared after everything the connection coroutines touch: the io_context destroys their
    // frames when it is destroyed, and they must find that state alive.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor;
    std::thread thread;

private:
    boost::asio::awaitable<void> accept_loop();
    std::optional<response_plan> plan_scripted(const http::request<http::string_body>& request);
    std::optional<response_plan> plan_handled(const http::request<http::string_body>& request);
    // 403 for a request blob storage would refuse: an Authorization field (refuse_authorization),
    // or a signed path without a good signature.
    std::optional<response_plan> plan_refusal(const http::request<http::string_body>& request);
    response_plan plan_static(const http::request<http::string_body>& request);
    std::optional<fault> next_fault(std::string_view path);
};

// The request as the log keeps it.
recorded_request recorded(const http::request<http::string_body>& request, std::uint64_t connection);

// Serves one accepted connection until the peer leaves, the request asks to close, or a stall.
boost::asio::awaitable<void> run_connection(server::impl& server, boost::asio::ip::tcp::socket socket,
                                            std::uint64_t id);

}  // namespace ue::testing
