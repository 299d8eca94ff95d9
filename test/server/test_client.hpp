#pragma once
// A small Beast client for the server's own tests: one keep-alive connection, TLS verified against
// the test CA, every operation bounded by a deadline so a stalled server cannot hang a test.

#include "test_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>

#include <limits>
#include <optional>

namespace ue::testing {

class test_client {
public:
    using response = boost::beast::http::response<boost::beast::http::string_body>;
    struct result {
        boost::system::error_code error;  // beast::error::timeout when a deadline passed
        std::string stage;                // "connect", "handshake", "write", "read"
        response message;
    };

    test_client(std::string host, std::uint16_t port, bool tls, const std::string& ca_pem)
        : host_{std::move(host)}, port_{port}, tls_{tls} {
        context_.set_verify_mode(boost::asio::ssl::verify_peer);
        if (!ca_pem.empty()) context_.add_certificate_authority(boost::asio::buffer(ca_pem));
    }
    explicit test_client(const server& s)
        : test_client{s.host(), s.port(), s.base_url().starts_with("https"), s.ca_pem()} {}

    // Sends `request` (Host and keep-alive filled in) on the open connection, opening one if needed.
    result send(boost::beast::http::request<boost::beast::http::string_body> request,
                std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
        request.version(11);
        request.set(boost::beast::http::field::host, host_);
        request.prepare_payload();
        result out;
        boost::asio::co_spawn(io_, exchange(std::move(request), deadline, out), boost::asio::detached);
        io_.restart();
        io_.run();
        if (out.error || !out.message.keep_alive()) close();
        return out;
    }

    result get(std::string target, header_list headers = {}) {
        boost::beast::http::request<boost::beast::http::string_body> request{boost::beast::http::verb::get, target, 11};
        for (const auto& [name, value] : headers) request.set(name, value);
        return send(std::move(request));
    }

    // Goes through the proxy on 127.0.0.1:`port` from the next connection on: a CONNECT tunnel for
    // https, absolute-form requests for http. `authorization` is sent as Proxy-Authorization.
    void use_proxy(std::uint16_t port, std::string authorization = {}) {
        proxy_port_ = port;
        proxy_authorization_ = std::move(authorization);
        close();
    }

    void close() {
        tls_stream_.reset();
        plain_stream_.reset();
        buffer_.clear();
    }

private:
    boost::asio::awaitable<void> exchange(boost::beast::http::request<boost::beast::http::string_body> request,
                                          std::chrono::milliseconds deadline, result& out) {
        namespace asio = boost::asio;
        namespace http = boost::beast::http;
        constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
        boost::beast::tcp_stream& tcp = lowest();
        if (!tcp.socket().is_open()) {
            out.stage = "connect";
            tcp.expires_after(deadline);
            const asio::ip::tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"),
                                                   proxy_port_ != 0 ? proxy_port_ : port_};
            std::tie(out.error) = co_await tcp.async_connect(endpoint, nothrow);
            if (out.error) co_return;
            if (tls_ && proxy_port_ != 0) {
                out.stage = "proxy";
                const std::string authority = host_ + ":" + std::to_string(port_);
                http::request<http::empty_body> connect{http::verb::connect, authority, 11};
                connect.set(http::field::host, authority);
                if (!proxy_authorization_.empty()) connect.set(http::field::proxy_authorization, proxy_authorization_);
                std::size_t sent = 0;
                std::tie(out.error, sent) = co_await http::async_write(tcp, connect, nothrow);
                if (out.error) co_return;
                http::response_parser<http::empty_body> reply;
                reply.skip(true);  // a 2xx to CONNECT has no body, whatever its fields say
                std::tie(out.error, sent) = co_await http::async_read(tcp, buffer_, reply, nothrow);
                if (out.error) co_return;
                out.message.result(reply.get().result());
                if (reply.get().result() != http::status::ok) {
                    out.error = asio::error::connection_refused;
                    co_return;
                }
            }
            if (tls_) {
                out.stage = "handshake";
                SSL_set_tlsext_host_name(tls_stream_->native_handle(), host_.c_str());
                tls_stream_->set_verify_callback(asio::ssl::host_name_verification(host_));
                tcp.expires_after(deadline);
                std::tie(out.error) = co_await tls_stream_->async_handshake(asio::ssl::stream_base::client, nothrow);
                if (out.error) co_return;
            }
        }
        out.stage = "write";
        tcp.expires_after(deadline);
        if (!tls_ && proxy_port_ != 0) {
            request.target("http://" + host_ + ":" + std::to_string(port_) + std::string(request.target()));
            if (!proxy_authorization_.empty()) request.set(http::field::proxy_authorization, proxy_authorization_);
        }
        std::size_t n = 0;
        if (tls_)
            std::tie(out.error, n) = co_await http::async_write(*tls_stream_, request, nothrow);
        else
            std::tie(out.error, n) = co_await http::async_write(*plain_stream_, request, nothrow);
        if (out.error) co_return;
        out.stage = "read";
        tcp.expires_after(deadline);
        http::response_parser<http::string_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        if (request.method() == http::verb::head) parser.skip(true);
        if (tls_)
            std::tie(out.error, n) = co_await http::async_read(*tls_stream_, buffer_, parser, nothrow);
        else
            std::tie(out.error, n) = co_await http::async_read(*plain_stream_, buffer_, parser, nothrow);
        out.message = parser.release();
    }

    boost::beast::tcp_stream& lowest() {
        if (tls_) {
            if (!tls_stream_) tls_stream_.emplace(io_, context_);
            return tls_stream_->next_layer();
        }
        if (!plain_stream_) plain_stream_.emplace(io_);
        return *plain_stream_;
    }

    std::string host_;
    std::uint16_t port_;
    std::uint16_t proxy_port_ = 0;
    std::string proxy_authorization_;
    bool tls_;
    boost::asio::io_context io_;
    boost::asio::ssl::context context_{boost::asio::ssl::context::tls_client};
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_stream_;
    std::optional<boost::beast::tcp_stream> plain_stream_;
    boost::beast::flat_buffer buffer_;
};

}  // namespace ue::testing
