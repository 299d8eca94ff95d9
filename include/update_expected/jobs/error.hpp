#pragma once

#include <string>
#include <system_error>
#include <type_traits>

namespace ue::jobs {

// Why a job-row document could not be decoded. Rows that are merely odd are not errors: they are
// skipped and counted (see skip_reason).
enum class error {
    malformed_json = 1,  // the bytes are not one JSON document (syntax error, truncated, extra data)
    too_deep,            // nesting deeper than decode_limits::max_depth
    too_large,           // more bytes than decode_limits::max_bytes
    wrong_shape,         // the document is not {"data":[...]}, {"results":[...]} nor a bare [...]
};

const std::error_category& jobs_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), jobs_category()}; }

}  // namespace ue::jobs

template <>
struct std::is_error_code_enum<ue::jobs::error> : std::true_type {};
