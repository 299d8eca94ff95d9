#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "update_expected/csv/error.hpp"

namespace ue::csv {

// Limits bound the only buffer the reader owns: the fields of the current record.
struct record_settings {
    std::size_t max_field_size = 64 * 1024;     // bytes in one field (after unquoting)
    std::size_t max_record_size = 1024 * 1024;  // bytes in all fields of one record
    std::size_t max_fields = 4096;              // fields in one record
    // A blank line (nothing but its line break) is not a record: it is skipped, but still counted
    // in line numbers. With false, it is reported as a record with zero fields instead. A record of
    // one empty field is written `""`.
    bool skip_blank_lines = true;
};

// One record, borrowed from the reader: valid until the next feed() or finish().
struct record {
    std::span<const std::string_view> fields;  // unquoted; no trailing line break
    std::size_t line = 0;                      // 1-based line of the record's first byte
    bool has_line_break = false;               // some (quoted) field holds CR or LF; the caller decides
};

// RFC 4180 push tokenizer: fields separated by `,`; a field starting with `"` is quoted, `""`
// inside it is one quote and it may hold `,`, CR and LF; a `"` inside an unquoted field is data.
// Records end with LF, CRLF or a lone CR (each one line break), or at end of input (no final
// newline needed). A UTF-8 BOM at the very start is dropped. Input may be split at any byte.
//
// Usage: call feed() until it has consumed everything; whenever has_record() is true after a
// call, read current() before the next call. Then call finish() (end of input), which may complete
// one last record. After an error every call repeats that error; line() says where.
class record_reader {
public:
    explicit record_reader(record_settings settings = {});

    // Consumes bytes of `data` up to and including the end of the next record (then has_record()
    // is true) or all of it. Returns the number of bytes consumed; on error sets `ec`.
    std::size_t feed(std::string_view data, std::error_code& ec);

    // Declares end of input. Completes a last record without final newline (has_record() then
    // true); sets `ec` to unterminated_quote when input ended inside a quoted field.
    // Precondition for the caller: no feed() after finish().
    void finish(std::error_code& ec);

    bool has_record() const noexcept { return ready_; }

    // Precondition: has_record().
    record current() const noexcept;

    // 1-based line where the last completed, current or failed record starts.
    std::size_t line() const noexcept { return record_line_; }

private:
    enum class state : unsigned char { record_start, field_start, unquoted, quoted, quote_in_quoted };

    std::size_t plain_run(std::string_view data);
    bool step(char c, std::error_code& ec);  // true when c completed a record
    bool parse(char c, std::error_code& ec);
    void append(char c, std::error_code& ec);
    void end_field(std::error_code& ec);
    bool complete();
    void flush_bom_prefix(std::error_code& ec);
    void clear_record();

    record_settings settings_;
    std::string data_;               // bytes of all fields of the current record
    std::vector<std::size_t> ends_;  // end offset in data_ of each finished field
    std::vector<std::string_view> views_;
    state state_ = state::record_start;
    std::size_t line_ = 1;
    std::size_t record_line_ = 1;
    std::size_t bom_matched_ = 0;
    bool bom_decided_ = false;
    bool prev_cr_ = false;
    bool has_break_ = false;
    bool ready_ = false;
    std::error_code error_;
};

}  // namespace ue::csv
