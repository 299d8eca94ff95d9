#pragma once

#include <cstddef>
#include <string>
#include <system_error>

namespace ue::csv {

// Why a CSV input was rejected. Details (line, column, value) travel in error_info.
enum class error {
    unterminated_quote = 1,  // input ended inside a quoted field
    bad_quote,               // a closing quote is followed by something other than `,`, CR or LF
    field_too_long,          // a field exceeds record_settings::max_field_size bytes
    record_too_long,         // a record exceeds record_settings::max_record_size bytes
    too_many_fields,         // a record has more than record_settings::max_fields fields
    missing_header,          // a report holds no record at all, so not even a header
    missing_name_column,     // a report's header has no `name` column
    line_break_in_value,     // a wanted value contains CR or LF (the output is line-based)
    bad_count_value,         // a wanted count column holds something that is not an integer
};

const std::error_category& csv_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), csv_category()}; }

// Everything known about a failure, for a message a user can act on.
struct error_info {
    std::error_code code;
    std::string context;   // where the CSV came from (artifact URL and entry); may be empty
    std::size_t line = 0;  // 1-based line where the offending record starts; 0 when none
    std::string column;    // offending column, empty when the error is not about one value
    std::string value;     // offending value (raw), meaningful when column is set

    // e.g. `<context>: line 17, column graph_breaks: "abc" is not a count`.
    std::string describe() const;
};

}  // namespace ue::csv

template <>
struct std::is_error_code_enum<ue::csv::error> : std::true_type {};
