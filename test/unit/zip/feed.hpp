#pragma once
// Drives a ue::zip::reader over a whole input split into chunks, recording every event as text so
// that runs with different splits can be compared byte for byte.

#include <update_expected/zip/reader.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ue::test {

struct run_result {
    std::string transcript;             ///< one line per event (need_more excluded)
    std::vector<std::string> contents;  ///< delivered bytes of each wanted entry, in order
    ue::zip::error_info error;          ///< set when the run ended in an error
    bool done = false;
};

using want_fn = std::function<bool(const ue::zip::entry_info&)>;

inline bool want_all(const ue::zip::entry_info&) { return true; }

/// Feeds `zip` in pieces whose sizes come from `sizes` (cycled; 0 means "the rest"), then finish().
run_result feed(std::string_view zip, const std::vector<std::size_t>& sizes, const want_fn& want = want_all,
                ue::zip::limits lim = {});

/// Feeds `zip` as two pieces split at `at`.
run_result feed_split(std::string_view zip, std::size_t at, const want_fn& want = want_all, ue::zip::limits lim = {});

}  // namespace ue::test
