#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ue::report {

// Reads one environment variable: its value, or nullopt when it is not set.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv), for the command; tests pass their own lookup.
env_lookup process_env();

// Whether the what-changed report is coloured: only when stdout is a terminal (`is_tty`, the
// caller's isatty) and NO_COLOR is unset or empty; any non-empty NO_COLOR disables colour, whatever
// its value (https://no-color.org).
bool use_colour(bool is_tty, const env_lookup& env);

}  // namespace ue::report
