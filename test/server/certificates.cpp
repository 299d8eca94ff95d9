#include "certificates.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <memory>
#include <stdexcept>

namespace ue::testing {
namespace {

template <auto Free>
struct deleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using key_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using cert_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free>>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

key_ptr new_key() {
    // P-256 keys are made in microseconds, RSA ones would slow every test start under ASan.
    key_ptr key{EVP_EC_gen("P-256")};
    check(key != nullptr, "EVP_EC_gen");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>> ext{X509V3_EXT_conf_nid(nullptr, &ctx, nid, value)};
    check(ext != nullptr, "X509V3_EXT_conf_nid");
    check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

// Serial numbers only need to differ between certificates of one CA.
long next_serial() {
    static std::atomic<long> serial{1};
    return serial++;
}

// A certificate for `subject_cn` and `key`, issued by `issuer` (nullptr: self-signed).
cert_ptr new_certificate(const char* subject_cn, EVP_PKEY* key, X509* issuer) {
    cert_ptr cert{X509_new()};
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), next_serial()) == 1, "serial");
    check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr, "notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 30L * 24 * 3600) != nullptr, "notAfter");
    X509_NAME* name = X509_get_subject_name(cert.get());
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("update-expected tests"), -1, -1, 0) == 1,
          "subject O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(subject_cn), -1,
                                     -1, 0) == 1,
          "subject CN");
    X509* signer = issuer != nullptr ? issuer : cert.get();
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "issuer");
    check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (issuer != nullptr) add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    return cert;
}

void sign(X509* cert, EVP_PKEY* key) { check(X509_sign(cert, key, EVP_sha256()) > 0, "X509_sign"); }

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return {data, static_cast<std::size_t>(size)};
}

pem_identity to_pem(X509* cert, EVP_PKEY* key) {
    bio_ptr cert_bio{BIO_new(BIO_s_mem())};
    bio_ptr key_bio{BIO_new(BIO_s_mem())};
    check(cert_bio && key_bio, "BIO_new");
    check(PEM_write_bio_X509(cert_bio.get(), cert) == 1, "PEM_write_bio_X509");
    check(PEM_write_bio_PrivateKey(key_bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
    return {bio_text(cert_bio.get()), bio_text(key_bio.get())};
}

struct ca_material {
    key_ptr key;
    cert_ptr cert;
    pem_identity pem;
};

ca_material make_ca() {
    ca_material ca{new_key(), nullptr, {}};
    ca.cert = new_certificate("update-expected test CA", ca.key.get(), nullptr);
    add_extension(ca.cert.get(), ca.cert.get(), NID_basic_constraints, "critical,CA:TRUE");
    add_extension(ca.cert.get(), ca.cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    sign(ca.cert.get(), ca.key.get());
    ca.pem = to_pem(ca.cert.get(), ca.key.get());
    return ca;
}

const ca_material& ca() {
    static const ca_material instance = make_ca();
    return instance;
}

pem_identity make_server_cert(const std::string& dns_name, bool with_loopback_ip, bool self_signed) {
    key_ptr key = new_key();
    X509* issuer = self_signed ? nullptr : ca().cert.get();
    EVP_PKEY* issuer_key = self_signed ? key.get() : ca().key.get();
    cert_ptr cert = new_certificate(dns_name.c_str(), key.get(), issuer);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    std::string san = "DNS:" + dns_name;
    if (with_loopback_ip) san += ",IP:127.0.0.1";
    add_extension(cert.get(), signer, NID_subject_alt_name, san.c_str());
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
    sign(cert.get(), issuer_key);
    return to_pem(cert.get(), key.get());
}

}  // namespace

const pem_identity& test_ca() { return ca().pem; }

pem_identity make_leaf(const std::string& dns_name, bool with_loopback_ip) {
    return make_server_cert(dns_name, with_loopback_ip, false);
}

pem_identity make_self_signed() { return make_server_cert("localhost", true, true); }

}  // namespace ue::testing
