#include "certificates.hpp"
#include "report_exception.hpp"
#include "server_impl.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <strings.h>
#include <system_error>

namespace ue::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

std::filesystem::path make_temp_dir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ue-test-server-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error(errno, std::generic_category(), "test server: mkdtemp");
    return pattern;
}

pem_identity server_identity(cert_kind kind) {
    switch (kind) {
        case cert_kind::trusted: return make_leaf("localhost", true);
        case cert_kind::wrong_host: return make_leaf("wrong-host.invalid", false);
        case cert_kind::untrusted: return make_self_signed();
    }
    throw std::invalid_argument("test server: unknown cert_kind");
}

asio::ssl::context make_tls_context(cert_kind kind) {
    asio::ssl::context context{asio::ssl::context::tls_server};
    context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    const pem_identity identity = server_identity(kind);
    context.use_certificate_chain(asio::buffer(identity.certificate));
    context.use_private_key(asio::buffer(identity.private_key), asio::ssl::context::pem);
    return context;
}

}  // namespace

server::impl::impl(server_options opts) : options{std::move(opts)}, acceptor{io} {
    if (options.tls) tls.emplace(make_tls_context(options.cert));
    ca_pem = test_ca().certificate;
    temp_dir = make_temp_dir();
    ca_path = temp_dir / "test-ca.pem";
    std::ofstream{ca_path} << ca_pem;

    const tcp::endpoint endpoint{asio::ip::make_address_v4("127.0.0.1"), options.port};
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(io, accept_loop(), report_exception_as("ue-test-server"));
    thread = std::thread{[this] { io.run(); }};
}

server::impl::~impl() {
    io.stop();
    thread.join();
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir, ignored);
}

asio::awaitable<void> server::impl::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) {  // e.g. out of descriptors: wait a little rather than spin
            asio::steady_timer timer{io, std::chrono::milliseconds(10)};
            co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            continue;
        }
        std::uint64_t id = 0;
        {
            const std::lock_guard lock{mutex};
            id = ++stats.connections_accepted;
        }
        asio::co_spawn(io, run_connection(*this, std::move(socket), id), report_exception_as("ue-test-server"));
    }
}

recorded_request recorded(const http::request<http::string_body>& request, std::uint64_t connection) {
    recorded_request entry;
    entry.method = std::string(request.method_string());
    entry.target = std::string(request.target());
    for (const auto& field : request) entry.headers.emplace_back(field.name_string(), field.value());
    entry.body = request.body();
    entry.connection = connection;
    entry.read_at = std::chrono::steady_clock::now();
    return entry;
}

void server::impl::record(const http::request<http::string_body>& request, std::uint64_t connection) {
    recorded_request entry = recorded(request, connection);
    const std::lock_guard lock{mutex};
    log.push_back(std::move(entry));
    ++stats.requests_total;
    stats.requests_in_flight_max = std::max(stats.requests_in_flight_max, ++stats.requests_in_flight);
}

void server::impl::request_done() {
    const std::lock_guard lock{mutex};
    --stats.requests_in_flight;
}

void server::impl::connection_opened() {
    const std::lock_guard lock{mutex};
    stats.connections_open_max = std::max(stats.connections_open_max, ++stats.connections_open);
}

void server::impl::connection_closed() {
    const std::lock_guard lock{mutex};
    --stats.connections_open;
}

std::string recorded_request::header(std::string_view name) const {
    for (const auto& [field, value] : headers)
        if (field.size() == name.size() && ::strncasecmp(field.data(), name.data(), name.size()) == 0) return value;
    return {};
}

std::string recorded_request::path() const { return target.substr(0, target.find('?')); }

server::server(server_options options) : impl_{std::make_unique<impl>(std::move(options))} {}
server::~server() = default;

std::uint16_t server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string server::host() const { return impl_->options.tls ? "localhost" : "127.0.0.1"; }

std::string server::base_url() const {
    return fmt::format("{}://{}:{}", impl_->options.tls ? "https" : "http", host(), port());
}

std::string server::url(std::string_view path) const { return base_url() + std::string(path); }

const std::filesystem::path& server::ca_file() const { return impl_->ca_path; }
const std::string& server::ca_pem() const { return impl_->ca_pem; }

void server::add_generated(std::string path, std::uint64_t size, std::uint64_t seed) {
    const std::lock_guard lock{impl_->mutex};
    impl_->generated[std::move(path)] = {size, seed};
}

void server::add_response(std::string method, std::string target, unsigned status, std::string body,
                          header_list headers) {
    const std::lock_guard lock{impl_->mutex};
    impl_->scripted[{std::move(method), std::move(target)}] = {status, std::move(body), std::move(headers)};
}

void server::add_handler(std::string method, std::string path, handler h) {
    const std::lock_guard lock{impl_->mutex};
    impl_->handlers[{std::move(method), std::move(path)}] = std::move(h);
}

std::string server::sign(const std::string& path, unsigned uses) {
    const std::lock_guard lock{impl_->mutex};
    const std::string sig = std::to_string(++impl_->signatures_made);
    impl_->signatures[path][sig] = uses;
    return url(path) + "?sig=" + sig;
}

void server::stall(stall_point where, std::string path, std::uint64_t after_bytes) {
    const std::lock_guard lock{impl_->mutex};
    impl_->stalls.push_back({where, std::move(path), after_bytes});
}

void server::clear_stalls() {
    const std::lock_guard lock{impl_->mutex};
    impl_->stalls.clear();
}

void server::add_faults(std::string path, std::vector<fault> faults) {
    const std::lock_guard lock{impl_->mutex};
    auto& queue = impl_->faults[std::move(path)];
    for (auto& f : faults) queue.push_back(std::move(f));
}

void server::clear_faults() {
    const std::lock_guard lock{impl_->mutex};
    impl_->faults.clear();
}

std::size_t server::faults_left(std::string_view path) const {
    const std::lock_guard lock{impl_->mutex};
    const auto found = impl_->faults.find(path);
    return found == impl_->faults.end() ? 0 : found->second.size();
}

fault fault::error(unsigned status, std::string body, header_list headers) {
    return {kind::status, status, std::move(body), std::move(headers), 0, {}};
}

fault fault::retry_after(unsigned status, std::string seconds) {
    return error(status, {}, {{"Retry-After", std::move(seconds)}});
}

fault fault::reset_after(std::uint64_t bytes) { return {kind::reset, 0, {}, {}, bytes, {}}; }
fault fault::truncate_after(std::uint64_t bytes) { return {kind::truncate, 0, {}, {}, bytes, {}}; }
fault fault::stall_before_headers() { return {kind::stall_headers, 0, {}, {}, 0, {}}; }
fault fault::stall_after(std::uint64_t bytes) { return {kind::stall_body, 0, {}, {}, bytes, {}}; }

fault fault::drip(std::uint64_t piece_bytes, std::chrono::milliseconds pause) {
    if (piece_bytes == 0) throw std::invalid_argument("fault::drip: pieces of 0 bytes");
    return {kind::drip, 0, {}, {}, piece_bytes, pause};
}

fault fault::corrupt_byte(std::uint64_t offset) { return {kind::corrupt, 0, {}, {}, offset, {}}; }

fault fault::redirect(unsigned status, std::string location) {
    return {kind::redirect, status, {}, {{"Location", std::move(location)}}, 0, {}};
}

fault fault::garbage_json() { return {kind::garbage_json, 200, {}, {}, 0, {}}; }
fault fault::ignore_range() { return {kind::ignore_range, 0, {}, {}, 0, {}}; }

std::vector<recorded_request> server::requests() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->log;
}

void server::clear_requests() {
    const std::lock_guard lock{impl_->mutex};
    impl_->log.clear();
}

server_stats server::stats() const {
    const std::lock_guard lock{impl_->mutex};
    return impl_->stats;
}

blackhole_listener::blackhole_listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    // Backlog 0 holds one finished connection; the filler takes that place, so later SYNs are dropped.
    if (listener_ < 0 || filler_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 0) != 0 || ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::connect(filler_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        if (filler_ >= 0) ::close(filler_);
        if (listener_ >= 0) ::close(listener_);
        throw std::system_error(error, std::generic_category(), "blackhole_listener");
    }
    port_ = ntohs(address.sin_port);
}

blackhole_listener::~blackhole_listener() {
    ::close(filler_);
    ::close(listener_);
}

}  // namespace ue::testing
