#include "update_expected/csv/columns.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace ue::csv {
namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

std::string_view trim(std::string_view v) {
    const auto blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!v.empty() && blank(v.front())) v.remove_prefix(1);
    while (!v.empty() && blank(v.back())) v.remove_suffix(1);
    return v;
}

bool is_nan(std::string_view v) {
    return v.size() == 3 && (v[0] | 0x20) == 'n' && (v[1] | 0x20) == 'a' && (v[2] | 0x20) == 'n';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// pandas writes a count column holding any NaN as floats (`3.0`); only integral values are counts.
bool canonical_integer(std::string_view v, std::string& out) {
    std::size_t i = 0;
    const bool negative = !v.empty() && v[0] == '-';
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) ++i;
    const std::size_t first_digit = i;
    while (i < v.size() && is_digit(v[i])) ++i;
    if (i == first_digit) return false;
    std::string_view digits = v.substr(first_digit, i - first_digit);
    if (i < v.size() && v[i] == '.') {
        ++i;
        while (i < v.size() && v[i] == '0') ++i;
    }
    if (i != v.size()) return false;
    digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size()));
    if (digits.empty()) {
        out = "0";
    } else {
        out = negative ? "-" : "";
        out += digits;
    }
    return true;
}

}  // namespace

bool is_count_column(std::string_view column) noexcept {
    static constexpr std::array<std::string_view, 8> counts = {
        "graph_breaks",       "calls_captured",    "unique_graphs",     "unique_graph_breaks",
        "fallbacks_to_eager", "autograd_captures", "autograd_compiles", "cudagraph_skips"};
    return std::find(counts.begin(), counts.end(), column) != counts.end();
}

bool normalize_value(std::string_view column, std::string_view raw, std::string& out) {
    if (!is_count_column(column)) {
        out = raw;
        return true;
    }
    const std::string_view v = trim(raw);
    if (v.empty() || is_nan(v)) {
        // PyTorch's checker reads a missing graph_breaks as 0; the other counts stay unknown.
        out = column == "graph_breaks" ? "0" : "";
        return true;
    }
    return canonical_integer(v, out);
}

column_selection::column_selection(std::vector<std::string> wanted)
    : wanted_(std::move(wanted)), index_(wanted_.size(), npos) {}

std::error_code column_selection::bind(std::span<const std::string_view> header) {
    const auto find = [&](std::string_view name) {
        const auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? npos : static_cast<std::size_t>(it - header.begin());
    };
    if (find("name") == npos) return error::missing_name_column;
    for (std::size_t i = 0; i < wanted_.size(); ++i) index_[i] = find(wanted_[i]);
    return {};
}

bool column_selection::select(std::span<const std::string_view> fields, std::vector<std::string>& out,
                              error_info& info) const {
    out.resize(wanted_.size());
    for (std::size_t i = 0; i < wanted_.size(); ++i) {
        const std::string_view raw = index_[i] < fields.size() ? fields[index_[i]] : std::string_view();
        const auto fail = [&](error e) {
            info.code = e;
            info.column = wanted_[i];
            info.value = raw;
            return false;
        };
        if (raw.find_first_of("\r\n") != std::string_view::npos) return fail(error::line_break_in_value);
        if (!normalize_value(wanted_[i], raw, out[i])) return fail(error::bad_count_value);
    }
    return true;
}

}  // namespace ue::csv
