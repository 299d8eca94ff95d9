#include "update_expected/net/response_head.hpp"

#include "ascii.hpp"

namespace ue::net {

std::optional<std::string_view> response_head::field(std::string_view name) const {
    for (const auto& [k, v] : fields)
        if (detail::ascii_iequal(k, name)) return std::string_view(v);
    return std::nullopt;
}

}  // namespace ue::net
