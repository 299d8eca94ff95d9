#include "update_expected/csv/record_reader.hpp"

#include <algorithm>

namespace ue::csv {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

bool is_break(char c) { return c == '\r' || c == '\n'; }

}  // namespace

record_reader::record_reader(record_settings settings) : settings_(settings) {}

record record_reader::current() const noexcept { return {views_, record_line_, has_break_}; }

void record_reader::clear_record() {
    data_.clear();
    ends_.clear();
    views_.clear();
    has_break_ = false;
    ready_ = false;
}

std::size_t record_reader::feed(std::string_view data, std::error_code& ec) {
    if (error_) {
        ec = error_;
        return 0;
    }
    if (ready_) clear_record();
    for (std::size_t i = 0; i < data.size(); ++i) {
        i += plain_run(data.substr(i));
        if (i == data.size()) break;
        const bool done = step(data[i], ec);
        if (ec) {
            error_ = ec;
            return i + 1;
        }
        if (done) return i + 1;
    }
    return data.size();
}

void record_reader::finish(std::error_code& ec) {
    if (error_) {
        ec = error_;
        return;
    }
    if (ready_) clear_record();
    flush_bom_prefix(ec);
    switch (state_) {
        case state::record_start: break;
        case state::quoted: ec = error::unterminated_quote; break;
        case state::field_start:
        case state::unquoted:
        case state::quote_in_quoted:
            end_field(ec);
            if (!ec) complete();
            break;
    }
    error_ = ec;
}

// The BOM is recognised byte by byte because a chunk may end inside it; bytes that turn out not
// to be a BOM are ordinary data.
void record_reader::flush_bom_prefix(std::error_code& ec) {
    if (bom_decided_) return;
    bom_decided_ = true;
    for (std::size_t i = 0; i < bom_matched_ && !ec; ++i) parse(bom[i], ec);
}

// Most bytes are plain field content: copy them in bulk up to the next byte that matters. The
// byte that would break a limit is left to step(), so errors arise at the same byte either way.
std::size_t record_reader::plain_run(std::string_view data) {
    if (!bom_decided_ || (state_ != state::unquoted && state_ != state::quoted)) return 0;
    const std::size_t field_size = data_.size() - (ends_.empty() ? 0 : ends_.back());
    const std::size_t room = std::min(settings_.max_field_size - std::min(field_size, settings_.max_field_size),
                                      settings_.max_record_size - std::min(data_.size(), settings_.max_record_size));
    const char delimiter = state_ == state::quoted ? '"' : ',';
    const std::size_t limit = std::min(data.size(), room);
    std::size_t n = 0;
    while (n < limit && data[n] != delimiter && !is_break(data[n])) ++n;
    data_.append(data.data(), n);
    if (n != 0) prev_cr_ = false;
    return n;
}

bool record_reader::step(char c, std::error_code& ec) {
    if (!bom_decided_) {
        if (c == bom[bom_matched_]) {
            if (++bom_matched_ == bom.size()) bom_decided_ = true;
            return false;
        }
        flush_bom_prefix(ec);
        if (ec) return false;
    }
    const bool done = parse(c, ec);
    // Line numbers follow physical lines wherever the break is (inside quotes too); CRLF is one.
    if (c == '\r' || (c == '\n' && !prev_cr_)) ++line_;
    prev_cr_ = c == '\r';
    return done;
}

bool record_reader::parse(char c, std::error_code& ec) {
    switch (state_) {
        case state::record_start:
            if (c == '\n' && prev_cr_) return false;  // second half of the CRLF that ended a record
            record_line_ = line_;
            if (is_break(c)) return settings_.skip_blank_lines ? false : complete();
            state_ = state::field_start;
            [[fallthrough]];
        case state::field_start:
            if (c == '"') {
                state_ = state::quoted;
                return false;
            }
            [[fallthrough]];
        case state::unquoted:
            if (c == ',' || is_break(c)) {
                end_field(ec);
                if (ec) return false;
                if (c == ',') {
                    state_ = state::field_start;
                    return false;
                }
                return complete();
            }
            state_ = state::unquoted;
            append(c, ec);
            return false;
        case state::quoted:
            if (c == '"') {
                state_ = state::quote_in_quoted;
                return false;
            }
            has_break_ = has_break_ || is_break(c);
            append(c, ec);
            return false;
        case state::quote_in_quoted:
            if (c == '"') {
                state_ = state::quoted;
                append(c, ec);
                return false;
            }
            if (c == ',' || is_break(c)) {
                state_ = state::unquoted;  // the field is over: finish it as an unquoted one would
                return parse(c, ec);
            }
            ec = error::bad_quote;
            return false;
    }
    return false;
}

void record_reader::append(char c, std::error_code& ec) {
    const std::size_t field_start = ends_.empty() ? 0 : ends_.back();
    if (data_.size() - field_start >= settings_.max_field_size) {
        ec = error::field_too_long;
    } else if (data_.size() >= settings_.max_record_size) {
        ec = error::record_too_long;
    } else {
        data_.push_back(c);
    }
}

void record_reader::end_field(std::error_code& ec) {
    if (ends_.size() >= settings_.max_fields) {
        ec = error::too_many_fields;
        return;
    }
    ends_.push_back(data_.size());
}

bool record_reader::complete() {
    std::size_t begin = 0;
    for (const std::size_t end : ends_) {
        views_.emplace_back(data_.data() + begin, end - begin);
        begin = end;
    }
    state_ = state::record_start;
    ready_ = true;
    return true;
}

}  // namespace ue::csv
