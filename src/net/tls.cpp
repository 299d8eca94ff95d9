#include "update_expected/net/tls.hpp"

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace ue::net {
namespace {

namespace ssl = boost::asio::ssl;

// Per-SSL pointer to the session slot of its origin; Asio keeps SSL app data for itself.
int slot_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

std::error_code last_ssl_error() { return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()}; }

// Whether `dir` holds certificates under OpenSSL's hashed names ("1a2b3c4d.0"), so a lookup by
// subject finds them there.
bool hashed_certificates_in(const std::filesystem::path& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        const auto dot = name.find('.');
        if (dot == 8 && name.find_first_not_of("0123456789abcdef") == dot && dot + 1 < name.size() &&
            name.find_first_not_of("0123456789", dot + 1) == std::string::npos)
            return true;
    }
    return false;
}

bool same_file(const std::string& a, const char* b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec) && !ec;
}

// The trust of OpenSSL's default paths (SSL_CERT_FILE or the system bundle, SSL_CERT_DIR or the
// system directory) without their cost: SSL_CTX_set_default_verify_paths parses the whole bundle,
// some 140 certificates, at every start (50 ms of CPU before the first request can go out). A
// hashed directory is read on demand instead, one issuer per handshake. Debian's hashed system
// directory holds every certificate of its system bundle, so the bundle is skipped when it is
// what the file names (SSL_CERT_FILE often points at it) and the system directory is searched;
// any other file, or a directory without hashed names, is read in full as OpenSSL would.
// Unreadable defaults are ignored, as OpenSSL does.
void trust_system_store(SSL_CTX* ctx) {
    const char* dir_env = std::getenv(X509_get_default_cert_dir_env());
    const char* file_env = std::getenv(X509_get_default_cert_file_env());
    const std::string dir = dir_env != nullptr ? dir_env : X509_get_default_cert_dir();
    const std::string file = file_env != nullptr ? file_env : X509_get_default_cert_file();
    SSL_CTX_load_verify_dir(ctx, dir.c_str());
    const bool bundle_in_dir = same_file(dir, X509_get_default_cert_dir()) &&
                               same_file(file, X509_get_default_cert_file()) && hashed_certificates_in(dir);
    if (!bundle_in_dir) SSL_CTX_load_verify_file(ctx, file.c_str());
    ERR_clear_error();
}

}  // namespace

tls_context::tls_context(const tls_options& options) : context_(ssl::context::tls_client) {
    SSL_CTX* ctx = context_.native_handle();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    context_.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    trust_system_store(ctx);
    if (!options.ca_file.empty()) {
        boost::system::error_code ec;
        context_.load_verify_file(options.ca_file, ec);
        if (ec) throw std::system_error(ec, fmt::format("cannot load CA file {}", options.ca_file));
    }
    context_.set_verify_mode(ssl::verify_peer);

    // OpenSSL never resumes client sessions by itself: it hands us each new session (with TLS 1.3,
    // after the handshake, in a ticket) and we give it back with SSL_set_session on the next
    // connection to the same origin.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, &tls_context::on_new_session);
}

tls_context::~tls_context() {
    for (auto& [origin, slot] : sessions_) SSL_SESSION_free(slot.session);
}

int tls_context::on_new_session(SSL* ssl, SSL_SESSION* session) {
    auto* slot = static_cast<session_slot*>(SSL_get_ex_data(ssl, slot_index()));
    if (slot == nullptr) return 0;  // not ours to keep; OpenSSL frees it
    SSL_SESSION_free(slot->session);
    slot->session = session;
    return 1;  // we own the reference now
}

void tls_context::prepare(SSL* ssl, const std::string& origin, const std::string& host, std::error_code& ec) {
    ec.clear();
    const bool ip_literal =
        host.find(':') != std::string::npos || host.find_first_not_of("0123456789.") == std::string::npos;
    if (ip_literal) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
            ec = last_ssl_error();
            return;
        }
    } else {
        if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1 || SSL_set1_host(ssl, host.c_str()) != 1) {
            ec = last_ssl_error();
            return;
        }
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    session_slot& slot = sessions_[origin];
    SSL_set_ex_data(ssl, slot_index(), &slot);
    if (slot.session != nullptr) SSL_set_session(ssl, slot.session);
}

std::string tls_context::verify_failure(const SSL* ssl) {
    const long result = SSL_get_verify_result(ssl);
    if (result == X509_V_OK) return {};
    return X509_verify_cert_error_string(result);
}

std::size_t tls_context::cached_sessions() const noexcept {
    std::size_t n = 0;
    for (const auto& [origin, slot] : sessions_) n += slot.session != nullptr;
    return n;
}

}  // namespace ue::net
