#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace ue::jobs::detail {

// Plain decimal digits only (no sign, no spaces); nullopt when empty, not decimal, or above max.
inline std::optional<std::uint64_t> parse_decimal(std::string_view s,
                                                  std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
    if (s.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

}  // namespace ue::jobs::detail
