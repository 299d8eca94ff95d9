#include "update_expected/report/colour.hpp"

#include <cstdlib>

namespace ue::report {

env_lookup process_env() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

bool use_colour(bool is_tty, const env_lookup& env) {
    if (!is_tty) return false;
    const auto no_color = env("NO_COLOR");
    return !no_color || no_color->empty();
}

}  // namespace ue::report
