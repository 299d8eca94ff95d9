#pragma once
// A forward proxy on 127.0.0.1 for the client's proxy tests: CONNECT tunnels (for https) and
// absolute-form requests such as "GET http://127.0.0.1:PORT/x HTTP/1.1" (for plain http), with
// optional Basic authentication and refusals on demand. It only forwards to loopback hosts
// (127.0.0.1 and localhost); any other target gets 502, so no test can reach the internet.

#include "test_server.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ue::testing {

struct proxy_options {
    // When set, every request must carry "Proxy-Authorization: Basic base64(user:password)";
    // without it, or with other credentials, the proxy answers 407 with Proxy-Authenticate.
    std::optional<std::string> user;
    std::string password;
    std::uint16_t port = 0;  // 0: an ephemeral port
};

// One request the proxy read, before it decided anything.
struct proxy_request {
    std::string method;  // "CONNECT", "GET", ...
    std::string target;  // "host:port" for CONNECT, the absolute URL otherwise
    header_list headers;
    std::uint64_t connection = 0;  // 1 for the first accepted connection, ...

    std::string header(std::string_view name) const;
};

struct proxy_stats {
    std::uint64_t connections_accepted = 0;
    std::uint64_t tunnels_opened = 0;      // CONNECTs answered 200
    std::uint64_t requests_forwarded = 0;  // absolute-form requests relayed
    std::uint64_t refused = 0;             // 403, 407 and 502 answers
};

class connect_proxy {
public:
    // Starts at once, on its own thread. Throws std::system_error when the port cannot be bound.
    explicit connect_proxy(proxy_options options = {});
    // Stops, closes every connection and tunnel, and joins the thread.
    ~connect_proxy();
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;

    std::uint16_t port() const;
    // "http://127.0.0.1:PORT", or with "user:password@" when `with_credentials` and a user is set.
    std::string url(bool with_credentials = true) const;

    // Answers the next `count` requests (CONNECT or not) with `status` (e.g. 403) instead of serving
    // them; the credential check comes first.
    void refuse_next(unsigned status, unsigned count = 1);

    // How the next requests are broken instead of answered (after the credential check).
    enum class misbehaviour {
        close,    // the connection is closed without an answer
        garbage,  // a line that is not HTTP, then the connection is closed
    };
    void misbehave_next(misbehaviour how, unsigned count = 1);

    std::vector<proxy_request> requests() const;
    proxy_stats stats() const;

    class impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace ue::testing
