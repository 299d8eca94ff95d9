#pragma once

#include <string>
#include <string_view>

namespace ue::net {

// Standard base64 (RFC 4648 section 4, with '=' padding), for HTTP Basic credentials
// (Authorization, Proxy-Authorization).
std::string base64(std::string_view bytes);

// "Basic " + base64(user ":" password), the value of an Authorization or Proxy-Authorization field.
std::string basic_credentials(std::string_view user, std::string_view password);

}  // namespace ue::net
