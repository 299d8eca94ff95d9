#pragma once

#include "update_expected/expected/error.hpp"
#include "update_expected/expected/schema.hpp"
#include "update_expected/expected/table.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ue::expected {

// An expected file as it is on disk: its schema (for the columns of the new one), its rows (for the
// --allow-partial merge and for reporting what changed).
struct existing_file {
    // nullopt when the file is empty or its header has no `name` column: it is then no schema; the
    // caller warns and resolves the columns as if there were no file (see schema.hpp).
    std::optional<expected::schema> schema;
    // In file order, one value per column, verbatim (unquoted). A short row is padded with empty
    // values. Empty when schema is nullopt, as rows without names cannot be matched.
    std::vector<row> rows;
};

// Parses the bytes of an expected file with the CSV tokenizer: RFC 4180 quoting, LF, CRLF or CR,
// with or without BOM and final newline; blank lines (the three between rows) are skipped. Errors
// (a CSV error: the csv part's code; a row longer than the header: error::row_too_long) name `path`
// and the line.
result<existing_file> parse_expected_file(std::string_view content, const std::filesystem::path& path);

// Reads and parses `path`; nullopt when there is no such file.
result<std::optional<existing_file>> read_expected_file(const std::filesystem::path& path);

// `{output_dir}/{suite}_{phase}.csv`, or `{output_dir}/rocm/{suite}_{phase}.csv` for ROCm; write it
// with replace_file(path, content, {.create_parent = base == jobs::baseline::rocm}).
std::filesystem::path expected_file_path(const std::filesystem::path& output_dir, jobs::baseline base,
                                         std::string_view suite, std::string_view phase);

// The new content of one (suite, phase) once all of its shards are in (tables.all_in()), or nullopt
// when the file must be left alone (docs/pytorch-ci.md section 6):
// - complete: the delivered rows, formatted;
// - partial with allow_partial: the delivered rows merged into `existing` (merge_partial), which
//   whose schema must be the table's (it is where the table's schema came from; std::logic_error
//   otherwise); without an existing file or one without schema, just the delivered rows;
// - partial without allow_partial, or absent: nullopt.
std::optional<std::string> content_to_write(const suite_tables& tables, std::string_view phase,
                                            const existing_file* existing, bool allow_partial);

}  // namespace ue::expected
