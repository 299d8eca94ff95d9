#include "update_expected/report/units.hpp"

#include <array>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

namespace ue::report {

std::string format_bytes(std::uint64_t bytes) {
    if (bytes < 1024) return fmt::format("{} B", bytes);
    static constexpr std::array<std::string_view, 4> units{"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes) / 1024.0;
    std::size_t unit = 0;
    // Round to tenths first: a value that rounds up to 1024.0 belongs to the next unit.
    while (unit + 1 < units.size() && std::round(value * 10.0) >= 1024.0 * 10.0) {
        value /= 1024.0;
        ++unit;
    }
    return fmt::format("{:.1f} {}", value, units[unit]);
}

}  // namespace ue::report
