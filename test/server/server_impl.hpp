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

#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace ue::testing {

namespace http = boost::beast::http;

// Everything the connection loop needs to answer one request.
struct response_plan {
    http::response<http::empty_body> head;  // status and fields, Content-Length set
    content body;                           // monostate: no body
    std::uint64_t first = 0;                // body bytes [first, first + length) of `body`
    std::uint64_t length = 0;
    bool stall_before_headers = false;
    std::optional<std::uint64_t> stall_after;  // body bytes sent before a mid-body stall
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
    std::string path;  // "" for every path
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
    std::map<std::pair<std::string, std::string>, scripted_response> scripted;  // (method, target)
    std::map<std::string, generated_route> generated;                         // by path
    std::vector<stall_rule> stalls;
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
    response_plan plan_static(const http::request<http::string_body>& request);
};

// Serves one accepted connection until the peer leaves, the request asks to close, or a stall.
boost::asio::awaitable<void> run_connection(server::impl& server, boost::asio::ip::tcp::socket socket,
                                            std::uint64_t id);

}  // namespace ue::testing
