#include "update_expected/expected/schema.hpp"

#include <algorithm>
#include <utility>

namespace ue::expected {

std::optional<schema> schema::from_header(std::vector<std::string> header) {
    const auto name = std::find(header.begin(), header.end(), "name");
    if (name == header.end()) return std::nullopt;
    const auto index = static_cast<std::size_t>(name - header.begin());
    return schema{std::move(header), index};
}

schema default_schema() { return schema{{"name", "accuracy", "graph_breaks"}, 0}; }

schema resolve_schema(std::optional<schema> existing, std::optional<schema> requested) {
    if (existing) return std::move(*existing);
    if (requested) return std::move(*requested);
    return default_schema();
}

}  // namespace ue::expected
