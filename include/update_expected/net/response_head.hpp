#pragma once

// The response headers of one HTTP attempt, as values: what the sans-IO readers of an answer (the
// GitHub `Link` header, the rate-limit fields) need, without the client (client.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ue::net {

// The response headers of one attempt, whatever its status.
struct response_head {
    unsigned status = 0;
    std::optional<std::uint64_t> content_length;
    std::vector<std::pair<std::string, std::string>> fields;  // in arrival order

    // The first field called `name` (case-insensitive), or nullopt.
    std::optional<std::string_view> field(std::string_view name) const;
};

}  // namespace ue::net
