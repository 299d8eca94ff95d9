#include "failure_tally.hpp"

#include <fmt/format.h>

namespace ue::app {

std::vector<std::string> failure_tally::repeats() const {
    std::vector<std::string> lines;
    for (const auto& [cause, times] : causes_) {
        if (times > 1) lines.push_back(fmt::format("{} more {} the same way: {}", times - 1, what_, cause));
    }
    return lines;
}

}  // namespace ue::app
