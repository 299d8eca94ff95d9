#pragma once

#include <string_view>

namespace ue::jobs {

// Which expected-file set a job feeds: the output directory itself, or its `rocm/` subdirectory
// (job name containing "rocm" in any case). The two never mix (docs/pytorch-ci.md section 2).
enum class baseline { standard, rocm };

// `rocm/` for the ROCm baseline, empty for the standard one: the prefix of its files' paths below
// the output directory, and of every label that names one of its suites.
constexpr std::string_view path_prefix(baseline b) noexcept { return b == baseline::rocm ? "rocm/" : ""; }

}  // namespace ue::jobs
