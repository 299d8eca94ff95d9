#include "update_expected/expected/file_format.hpp"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>

namespace ue::expected {
namespace {

void append_field(std::string& out, std::string_view field) {
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

void append_line(std::string& out, const std::vector<std::string>& fields) {
    // PyTorch's CSV linter wants the three blank lines *between* lines, so they precede every
    // line but the first; the file still ends with exactly one newline.
    if (!out.empty()) out += "\n\n\n";
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i != 0) out += ',';
        append_field(out, fields[i]);
    }
    out += '\n';
}

}  // namespace

std::string format_expected_file(const schema& columns, std::vector<row> rows) {
    const auto name = columns.name_index;
    // std::string's ordering is char_traits<char>::compare, which compares as unsigned char: byte order.
    std::stable_sort(rows.begin(), rows.end(), [name](const row& a, const row& b) { return a[name] < b[name]; });
    std::string out;
    append_line(out, columns.columns);
    for (const auto& r : rows) append_line(out, r);
    return out;
}

std::vector<row> merge_partial(std::vector<row> existing, std::vector<row> arrived, std::size_t name_index) {
    std::set<std::string_view> arrived_names;
    for (const auto& r : arrived) arrived_names.insert(r[name_index]);
    std::vector<row> merged;
    for (auto& r : existing)
        if (!arrived_names.contains(r[name_index])) merged.push_back(std::move(r));
    std::move(arrived.begin(), arrived.end(), std::back_inserter(merged));
    return merged;
}

}  // namespace ue::expected
