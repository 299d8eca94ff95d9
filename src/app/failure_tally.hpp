#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace ue::app {

// Failures that share a cause are said in full once and then only counted, so that one untrusted
// certificate, one refusing proxy or one full disk makes two lines on stderr (the first failure,
// then how many more met it), not one per artifact or file.
class failure_tally {
public:
    // `what` names the things that failed, as the count line says them: "artifacts failed".
    explicit failure_tally(std::string what) : what_(std::move(what)) {}

    // True the first time `cause` is met: say that failure in full. Later ones are only counted.
    bool first(const std::string& cause) { return causes_[cause]++ == 0; }

    // `N more <what> the same way: <cause>` for each cause met more than once, by cause.
    std::vector<std::string> repeats() const;

private:
    std::string what_;
    std::map<std::string, std::size_t> causes_;
};

}  // namespace ue::app
