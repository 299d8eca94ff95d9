#pragma once
// Test certificates made at start-up with the OpenSSL 3 API: nothing on disk can expire.

#include <string>

namespace ue::testing {

// PEM text of one key pair and its certificate.
struct pem_identity {
    std::string certificate;
    std::string private_key;
};

// The process-wide test CA (made once, on first use; thread-safe). Every server in a process
// shares it, so a client trusting it reaches all of them, e.g. across a redirect to another server.
const pem_identity& test_ca();

// A leaf for serverAuth signed by the test CA, valid from an hour ago for 30 days.
// `dns_name` goes in the subject alternative names, plus IP 127.0.0.1 when `with_loopback_ip`.
pem_identity make_leaf(const std::string& dns_name, bool with_loopback_ip);

// A self-signed certificate for `localhost` and 127.0.0.1 that no CA vouches for.
pem_identity make_self_signed();

}  // namespace ue::testing
