#pragma once

#include "update_expected/expected/schema.hpp"
#include "update_expected/expected/table.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace ue::report {

// One column of a row that differs between the old file and the new one.
struct column_change {
    std::string column{};
    std::string old_value{};
    std::string new_value{};

    friend bool operator==(const column_change&, const column_change&) = default;
};

enum class change_kind { added, removed, changed };

struct row_change {
    change_kind kind = change_kind::changed;
    std::string name{};
    // added: every column but `name`, in schema order, with its new value (old_value empty);
    // removed: empty; changed: only the columns that differ, in schema order.
    std::vector<column_change> columns{};

    friend bool operator==(const row_change&, const row_change&) = default;
};

// What writing one expected file does to its rows.
struct file_changes {
    std::string path{};     // relative to the output directory, e.g. `rocm/inductor_timm_training.csv`
    bool new_file = false;  // there was no file before: every row is added
    // Sorted by name (byte order); rows sharing a name keep their occurrence order.
    std::vector<row_change> rows{};

    std::size_t count(change_kind kind) const noexcept;
    // No row added, removed or changed and not a new file (it may still be rewritten, e.g. to fix
    // its layout; the report calls it unchanged as far as rows go).
    bool unchanged() const noexcept { return !new_file && rows.empty(); }
};

// Compares the rows of the file before (`old_rows`, or nullptr when there was no file; an existing
// file without a schema has no rows, so pass its empty rows) with the rows as written (`new_rows`).
// Both hold one value per column of `columns`; a shorter row reads as empty values.
//
// Matching: rows are matched by name and occurrence. Names are nearly always unique; when a name
// repeats, its k-th row in the old file (file order) is matched with its k-th row in the new one
// (written order: shard order, see file_format.hpp), and the surplus rows of either side count as
// removed or added. That pairs every row at most once and reports an unchanged file with repeated
// names as unchanged.
file_changes diff_rows(std::string path, const expected::schema& columns, const std::vector<expected::row>* old_rows,
                       const std::vector<expected::row>& new_rows);

struct render_options {
    bool colour = false;   // ANSI colour: + green, - red, ~ yellow (see colour.hpp for when)
    bool dry_run = false;  // `would change` instead of `changed`
    // Change lines per file before `... and N more`, so that a cron log stays readable.
    std::size_t max_lines_per_file = 50;
};

// The what-changed report (stdout), one line each:
//   changed inductor_timm_training.csv: 1 added, 1 removed, 1 changed
//     + adv_inception_v3: accuracy=pass graph_breaks=0
//     - beit_base_patch16_224
//     ~ cait_m36_384: accuracy pass -> fail_accuracy, graph_breaks 3 -> 4
//   created rocm/inductor_timm_inference.csv: 61 added, 0 removed, 0 changed
//   40 files unchanged
// Files with changes come in the given order; files whose rows are unchanged are only counted in the
// last line (absent when there are none). An empty value shows as `""`; control characters in
// values (they come from CI artifacts) show as `\xNN` so that they cannot drive the terminal.
// Dry run: `would change`, `would create`, `N files would stay unchanged`.
std::string render_changes(std::span<const file_changes> files, const render_options& options);

}  // namespace ue::report
