#include "update_expected/net/tls.hpp"

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

std::error_code last_ssl_error() {
  return {static_cast<int>(ERR_get_error()), boost::asio::error::get_ssl_category()};
}

}  // namespace

tls_context::tls_context(const tls_options& options) : context_(ssl::context::tls_client) {
  SSL_CTX* ctx = context_.native_handle();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  context_.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  // The default paths include SSL_CERT_FILE and SSL_CERT_DIR when set (OpenSSL reads them here).
  context_.set_default_verify_paths();
  if (!options.ca_file.empty()) {
    boost::system::error_code ec;
    context_.load_verify_file(options.ca_file, ec);
    if (ec)
      throw std::system_error(ec, fmt::format("cannot load CA file {}", options.ca_file));
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

void tls_context::prepare(SSL* ssl, const std::string& origin, const std::string& host,
                          std::error_code& ec) {
  ec.clear();
  const bool ip_literal = host.find(':') != std::string::npos ||
                          host.find_first_not_of("0123456789.") == std::string::npos;
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
