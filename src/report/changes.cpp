#include "update_expected/report/changes.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace ue::report {
namespace {

using row_ptrs = std::vector<const expected::row*>;

std::string_view value_at(const expected::row& r, std::size_t i) {
    return i < r.size() ? std::string_view(r[i]) : std::string_view();
}

// std::map<std::string, ...> orders by char_traits<char>::compare, i.e. unsigned bytes: the order
// the files are written in.
std::map<std::string, row_ptrs> by_name(const std::vector<expected::row>& rows, std::size_t name) {
    std::map<std::string, row_ptrs> out;
    for (const auto& r : rows) out[std::string(value_at(r, name))].push_back(&r);
    return out;
}

row_change added(const std::string& name, const expected::schema& s, const expected::row& r) {
    row_change c{change_kind::added, name, {}};
    for (std::size_t i = 0; i < s.columns.size(); ++i)
        if (i != s.name_index) c.columns.push_back({s.columns[i], "", std::string(value_at(r, i))});
    return c;
}

void compare(const std::string& name, const expected::schema& s, const expected::row& before,
             const expected::row& after, std::vector<row_change>& out) {
    row_change c{change_kind::changed, name, {}};
    for (std::size_t i = 0; i < s.columns.size(); ++i) {
        const auto a = value_at(before, i);
        const auto b = value_at(after, i);
        if (a != b) c.columns.push_back({s.columns[i], std::string(a), std::string(b)});
    }
    if (!c.columns.empty()) out.push_back(std::move(c));
}

// Values come from CI artifacts: never let one move the cursor or recolour the terminal.
std::string shown(std::string_view value) {
    if (value.empty()) return "\"\"";
    std::string out;
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            out += fmt::format("\\x{:02x}", byte);
        else
            out += c;
    }
    return out;
}

std::string change_line(const row_change& r) {
    std::string line;
    switch (r.kind) {
        case change_kind::added:
            line = "+ " + shown(r.name) + ":";
            for (const auto& c : r.columns) line += fmt::format(" {}={}", c.column, shown(c.new_value));
            break;
        case change_kind::removed: line = "- " + shown(r.name); break;
        case change_kind::changed:
            line = "~ " + shown(r.name) + ":";
            for (std::size_t i = 0; i < r.columns.size(); ++i) {
                const auto& c = r.columns[i];
                line +=
                    fmt::format("{} {} {} -> {}", i == 0 ? "" : ",", c.column, shown(c.old_value), shown(c.new_value));
            }
            break;
    }
    return line;
}

std::string_view colour_of(change_kind kind) {
    switch (kind) {
        case change_kind::added: return "\x1b[32m";
        case change_kind::removed: return "\x1b[31m";
        case change_kind::changed: return "\x1b[33m";
    }
    return "";
}

}  // namespace

std::size_t file_changes::count(change_kind kind) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [kind](const row_change& r) { return r.kind == kind; }));
}

file_changes diff_rows(std::string path, const expected::schema& columns, const std::vector<expected::row>* old_rows,
                       const std::vector<expected::row>& new_rows) {
    file_changes out{std::move(path), old_rows == nullptr, {}};
    const auto before = old_rows ? by_name(*old_rows, columns.name_index) : std::map<std::string, row_ptrs>{};
    const auto after = by_name(new_rows, columns.name_index);

    // Walk both name-ordered maps at once so that the result comes out sorted by name.
    auto b = before.begin();
    auto a = after.begin();
    static const row_ptrs none;
    while (b != before.end() || a != after.end()) {
        const bool take_b = b != before.end() && (a == after.end() || b->first <= a->first);
        const bool take_a = a != after.end() && (b == before.end() || a->first <= b->first);
        const std::string& name = take_b ? b->first : a->first;
        const row_ptrs& olds = take_b ? b->second : none;
        const row_ptrs& news = take_a ? a->second : none;
        const std::size_t paired = std::min(olds.size(), news.size());
        for (std::size_t k = 0; k < paired; ++k) compare(name, columns, *olds[k], *news[k], out.rows);
        for (std::size_t k = paired; k < olds.size(); ++k) out.rows.push_back({change_kind::removed, name, {}});
        for (std::size_t k = paired; k < news.size(); ++k) out.rows.push_back(added(name, columns, *news[k]));
        if (take_b) ++b;
        if (take_a) ++a;
    }
    return out;
}

std::string render_changes(std::span<const file_changes> files, const render_options& options) {
    std::string out;
    std::size_t unchanged = 0;
    for (const auto& f : files) {
        if (f.unchanged()) {
            ++unchanged;
            continue;
        }
        const std::string_view verb = f.new_file ? (options.dry_run ? "would create" : "created")
                                                 : (options.dry_run ? "would change" : "changed");
        out += fmt::format("{} {}: {} added, {} removed, {} changed\n", verb, shown(f.path),
                           f.count(change_kind::added), f.count(change_kind::removed), f.count(change_kind::changed));
        const std::size_t shown_rows = std::min(f.rows.size(), options.max_lines_per_file);
        for (std::size_t i = 0; i < shown_rows; ++i) {
            const auto& r = f.rows[i];
            if (options.colour)
                out += fmt::format("  {}{}\x1b[0m\n", colour_of(r.kind), change_line(r));
            else
                out += fmt::format("  {}\n", change_line(r));
        }
        if (shown_rows < f.rows.size()) out += fmt::format("  ... and {} more\n", f.rows.size() - shown_rows);
    }
    if (unchanged != 0)
        out += fmt::format("{} file{} {}\n", unchanged, unchanged == 1 ? "" : "s",
                           options.dry_run ? "would stay unchanged" : "unchanged");
    return out;
}

}  // namespace ue::report
