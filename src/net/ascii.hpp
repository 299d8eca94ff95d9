#pragma once

// Private to src/net: the case rules of HTTP field names and host names, which are ASCII whatever
// the locale (RFC 9110 section 5.1, RFC 4343).

#include <cstddef>
#include <string_view>

namespace ue::net::detail {

constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

}  // namespace ue::net::detail
