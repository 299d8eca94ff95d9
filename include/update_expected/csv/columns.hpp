#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "update_expected/csv/error.hpp"

namespace ue::csv {

// The count columns of docs/pytorch-ci.md section 5: graph_breaks, calls_captured, unique_graphs,
// unique_graph_breaks, fallbacks_to_eager, autograd_captures, autograd_compiles, cudagraph_skips.
bool is_count_column(std::string_view column) noexcept;

// Applies docs/pytorch-ci.md section 5 to one raw value of `column` ("" when the column or the field is
// missing) and stores the value to write in `out`. Other columns are copied verbatim. A count
// column is trimmed of spaces and tabs, then:
//   - `[+-]digits` optionally followed by `.` and zeros only (`3.0`, `3.`) -> the integer without
//     sign `+` or leading zeros (`03` -> `3`, `-0` -> `0`, `-2` -> `-2`);
//   - empty or `nan` (any case) -> empty, except graph_breaks -> `0`;
//   - anything else, including exponents (`1e3`), `inf` and `3.5`, is not a count: returns false.
bool normalize_value(std::string_view column, std::string_view raw, std::string& out);

// Which columns a caller wants out of a report, and where they are in its header. Kept apart from
// the reader so that the same rows can be re-read with other wanted columns.
class column_selection {
public:
    // `wanted`: output columns in output order (typically starting with `name`).
    explicit column_selection(std::vector<std::string> wanted);

    const std::vector<std::string>& wanted() const noexcept { return wanted_; }

    // Locates the wanted columns in `header` (the first one of a repeated name wins). A wanted
    // column the header lacks yields empty values (graph_breaks: `0`). Fails with
    // missing_name_column when the header has no `name` column.
    std::error_code bind(std::span<const std::string_view> header);

    // Precondition: bind() succeeded. Writes the wanted values of one data record to `out`
    // (resized to wanted().size()). Missing trailing fields count as empty; extra ones are ignored.
    // On failure (line_break_in_value, bad_count_value) sets code, column and value of `info`.
    bool select(std::span<const std::string_view> fields, std::vector<std::string>& out, error_info& info) const;

private:
    std::vector<std::string> wanted_;
    std::vector<std::size_t> index_;  // per wanted column: its header index, or npos
};

}  // namespace ue::csv
