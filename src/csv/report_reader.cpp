#include "update_expected/csv/report_reader.hpp"

#include <utility>

namespace ue::csv {
namespace {

record_settings skipping_blank_lines(record_settings settings) {
    settings.skip_blank_lines = true;
    return settings;
}

}  // namespace

report_reader::report_reader(column_selection columns, std::string context, record_settings settings)
    : columns_(std::move(columns)), records_(skipping_blank_lines(settings)) {
    info_.context = std::move(context);
}

std::size_t report_reader::feed(std::string_view data, std::error_code& ec) {
    if (info_.code) {
        ec = info_.code;
        return 0;
    }
    has_row_ = false;
    std::size_t used = 0;
    // The header yields no row, so a call goes on past it to the first data row.
    while (used < data.size()) {
        used += records_.feed(data.substr(used), ec);
        if (ec) {
            fail(ec, records_.line());
            return used;
        }
        if (records_.has_record() && take_current()) break;
        if (info_.code) {
            ec = info_.code;
            break;
        }
    }
    return used;
}

void report_reader::finish(std::error_code& ec) {
    if (info_.code) {
        ec = info_.code;
        return;
    }
    has_row_ = false;
    records_.finish(ec);
    if (ec) return fail(ec, records_.line());
    if (records_.has_record()) take_current();
    if (!info_.code && !header_read_) fail(error::missing_header, 0);
    ec = info_.code;
}

void report_reader::take(std::span<const std::string_view> fields, std::size_t line, std::error_code& ec) {
    has_row_ = false;
    if (!info_.code) take_record(fields, line);
    ec = info_.code;
}

bool report_reader::take_current() {
    const record rec = records_.current();
    return take_record(rec.fields, rec.line);
}

// Returns true when the record became a row; on a bad header or value, sets info_.
bool report_reader::take_record(std::span<const std::string_view> fields, std::size_t line) {
    if (header_read_) {
        has_row_ = columns_.select(fields, row_, info_);
        if (!has_row_) info_.line = line;
        return has_row_;
    }
    header_read_ = true;
    header_.assign(fields.begin(), fields.end());
    if (const std::error_code ec = columns_.bind(fields)) fail(ec, line);
    return false;
}

void report_reader::fail(std::error_code ec, std::size_t line) {
    info_.code = ec;
    info_.line = line;
}

}  // namespace ue::csv
