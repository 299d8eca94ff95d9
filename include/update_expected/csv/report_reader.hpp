#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "update_expected/csv/columns.hpp"
#include "update_expected/csv/error.hpp"
#include "update_expected/csv/record_reader.hpp"

namespace ue::csv {

// Push reader of one benchmark report CSV (one zip entry): the first non-blank record is the
// header, every later one a data row, turned into the wanted columns by column_selection.
// Blank lines are skipped (record_settings::skip_blank_lines is ignored). A report with no header
// at all is missing_header; a header alone gives no rows. A line break inside a wanted value is
// an error; in any other column it is allowed (line numbers stay physical).
//
// Usage as record_reader: feed() until all is consumed, reading row() whenever has_row(); then
// finish(). After an error every call repeats it and error() holds the details.
class report_reader {
public:
    // `context` names the input in messages (artifact URL without credentials, then entry name).
    report_reader(column_selection columns, std::string context, record_settings settings = {});

    // Consumes bytes up to and including the end of the next data row, or all of `data`.
    std::size_t feed(std::string_view data, std::error_code& ec);

    // Declares end of input; may complete a last row (has_row() then true).
    void finish(std::error_code& ec);

    // One record split elsewhere (the rerun cache keeps records, not bytes), taken as if it had
    // been read: the header first, then data rows, through the same column selection as feed().
    // `line` names it in errors (0: no line). After it, has_row() says whether it became a row.
    void take(std::span<const std::string_view> fields, std::size_t line, std::error_code& ec);

    bool has_row() const noexcept { return has_row_; }

    // Precondition: has_row(). Values of the wanted columns, in wanted order; valid until the next
    // feed() or finish().
    std::span<const std::string> row() const noexcept { return row_; }

    // Precondition: has_row(). The same row with all its fields as read (for caching whole rows).
    record raw_row() const noexcept { return records_.current(); }

    // 1-based line where the current row (or the failed record) starts.
    std::size_t line() const noexcept { return records_.line(); }

    // The report's whole header, once read (empty before).
    std::span<const std::string> header() const noexcept { return header_; }

    const column_selection& columns() const noexcept { return columns_; }

    // Details of the error, if any.
    const error_info& error() const noexcept { return info_; }

private:
    bool take_current();
    bool take_record(std::span<const std::string_view> fields, std::size_t line);
    void fail(std::error_code ec, std::size_t line);

    column_selection columns_;
    record_reader records_;
    std::vector<std::string> header_;
    std::vector<std::string> row_;
    bool header_read_ = false;
    bool has_row_ = false;
    error_info info_;
};

}  // namespace ue::csv
