#pragma once

#include <map>
#include <string>
#include <system_error>

#include <boost/asio/ssl/context.hpp>
#include <openssl/ssl.h>

namespace ue::net {

struct tls_options {
    // An extra PEM bundle of trusted CAs (`--ca-file`). Added to, never replacing, the system store
    // and SSL_CERT_FILE / SSL_CERT_DIR. Empty: none.
    std::string ca_file;
};

// The client's one TLS configuration: peer verification always on (there is deliberately no way to
// turn it off), TLS 1.2 or newer, system trust store plus `ca_file`, and a per-origin cache of
// sessions so a new connection to a host we already talked to resumes instead of a full handshake.
// Not copyable or movable: SSL objects point into its session slots. Single-threaded, like the client.
class tls_context {
public:
    // Throws std::system_error naming the file when `ca_file` cannot be loaded.
    explicit tls_context(const tls_options& options);
    ~tls_context();
    tls_context(const tls_context&) = delete;
    tls_context& operator=(const tls_context&) = delete;

    boost::asio::ssl::context& native() noexcept { return context_; }

    // Readies a fresh SSL object for a connection to `host` of `origin` (url::origin()): SNI (not
    // for IP literals, as RFC 6066 wants), host name or IP verification, and the last session of that
    // origin when there is one. Call before the handshake; `ssl` must not outlive this object.
    void prepare(SSL* ssl, const std::string& origin, const std::string& host, std::error_code& ec);

    // After a failed handshake: why the certificate was refused, or "" when it was not a
    // verification failure.
    static std::string verify_failure(const SSL* ssl);

    std::size_t cached_sessions() const noexcept;

private:
    struct session_slot {
        SSL_SESSION* session = nullptr;
    };
    static int on_new_session(SSL* ssl, SSL_SESSION* session);

    boost::asio::ssl::context context_;
    std::map<std::string, session_slot> sessions_;  // node-based: slot addresses are stable
};

}  // namespace ue::net
