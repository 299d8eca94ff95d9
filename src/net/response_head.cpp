#include "update_expected/net/response_head.hpp"

namespace ue::net {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

}  // namespace

std::optional<std::string_view> response_head::field(std::string_view name) const {
    for (const auto& [k, v] : fields)
        if (iequal(k, name)) return std::string_view(v);
    return std::nullopt;
}

}  // namespace ue::net
