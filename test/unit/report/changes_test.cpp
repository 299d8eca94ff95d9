#include "update_expected/report/changes.hpp"
#include "update_expected/report/colour.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

using ue::expected::row;
using ue::report::change_kind;
using ue::report::column_change;
using ue::report::diff_rows;
using ue::report::file_changes;
using ue::report::render_changes;
using ue::report::row_change;

const ue::expected::schema columns{{"name", "accuracy", "graph_breaks"}, 0};

TEST(Diff, IdenticalRowsAreUnchangedWhateverTheirOrder) {
    const std::vector<row> old_rows{{"b", "pass", "1"}, {"a", "pass", "0"}};
    const std::vector<row> new_rows{{"a", "pass", "0"}, {"b", "pass", "1"}};
    const auto d = diff_rows("x.csv", columns, &old_rows, new_rows);
    EXPECT_TRUE(d.unchanged());
    EXPECT_TRUE(d.rows.empty());
}

TEST(Diff, NewFileAddsEveryRowWithItsValues) {
    const std::vector<row> new_rows{{"a", "pass", "0"}};
    const auto d = diff_rows("x.csv", columns, nullptr, new_rows);
    EXPECT_TRUE(d.new_file);
    EXPECT_FALSE(d.unchanged());
    ASSERT_EQ(d.rows.size(), 1U);
    EXPECT_EQ(d.rows[0], (row_change{change_kind::added, "a", {{"accuracy", "", "pass"}, {"graph_breaks", "", "0"}}}));
}

TEST(Diff, EmptyNewFileIsStillReportedAsNew) {
    const auto d = diff_rows("x.csv", columns, nullptr, {});
    EXPECT_TRUE(d.new_file);
    EXPECT_FALSE(d.unchanged());
}

TEST(Diff, AddedRemovedAndChangedSortedByNameWithOnlyDifferingColumns) {
    const std::vector<row> old_rows{{"c", "pass", "3"}, {"b", "pass", "1"}, {"d", "pass", "5"}};
    const std::vector<row> new_rows{{"a", "pass", "0"}, {"c", "fail_accuracy", "4"}, {"d", "pass", "6"}};
    const auto d = diff_rows("x.csv", columns, &old_rows, new_rows);
    EXPECT_FALSE(d.new_file);
    ASSERT_EQ(d.rows.size(), 4U);
    EXPECT_EQ(d.rows[0].kind, change_kind::added);
    EXPECT_EQ(d.rows[0].name, "a");
    EXPECT_EQ(d.rows[1], (row_change{change_kind::removed, "b", {}}));
    EXPECT_EQ(
        d.rows[2],
        (row_change{change_kind::changed, "c", {{"accuracy", "pass", "fail_accuracy"}, {"graph_breaks", "3", "4"}}}));
    EXPECT_EQ(d.rows[3], (row_change{change_kind::changed, "d", {{"graph_breaks", "5", "6"}}}));
    EXPECT_EQ(d.count(change_kind::added), 1U);
    EXPECT_EQ(d.count(change_kind::removed), 1U);
    EXPECT_EQ(d.count(change_kind::changed), 2U);
}

TEST(Diff, NameNeedNotBeTheFirstColumnAndShortRowsReadAsEmpty) {
    const ue::expected::schema s{{"accuracy", "name", "graph_breaks"}, 1};
    const std::vector<row> old_rows{{"pass", "m"}};
    const std::vector<row> new_rows{{"pass", "m", "0"}};
    const auto d = diff_rows("x.csv", s, &old_rows, new_rows);
    ASSERT_EQ(d.rows.size(), 1U);
    EXPECT_EQ(d.rows[0], (row_change{change_kind::changed, "m", {{"graph_breaks", "", "0"}}}));
}

TEST(Diff, RepeatedNamesMatchByOccurrence) {
    // The k-th `m` of the old file pairs with the k-th `m` of the new one.
    const std::vector<row> old_rows{{"m", "pass", "1"}, {"m", "pass", "2"}, {"m", "pass", "3"}};
    const std::vector<row> new_rows{{"m", "pass", "1"}, {"m", "pass", "9"}};
    const auto d = diff_rows("x.csv", columns, &old_rows, new_rows);
    ASSERT_EQ(d.rows.size(), 2U);
    EXPECT_EQ(d.rows[0], (row_change{change_kind::changed, "m", {{"graph_breaks", "2", "9"}}}));
    EXPECT_EQ(d.rows[1], (row_change{change_kind::removed, "m", {}}));

    const auto same = diff_rows("x.csv", columns, &old_rows, old_rows);
    EXPECT_TRUE(same.unchanged());

    const auto grown = diff_rows("x.csv", columns, &new_rows, old_rows);
    ASSERT_EQ(grown.rows.size(), 2U);
    EXPECT_EQ(grown.rows[1].kind, change_kind::added);
    EXPECT_EQ(grown.rows[1].columns[1].new_value, "3");
}

file_changes sample(bool new_file) {
    const std::vector<row> old_rows{{"b", "pass", "1"}, {"c", "pass", "3"}};
    const std::vector<row> new_rows{{"a", "pass", ""}, {"c", "fail_accuracy", "4"}};
    return diff_rows("rocm/inductor_timm_training.csv", columns, new_file ? nullptr : &old_rows, new_rows);
}

file_changes unchanged_file(std::string path) {
    const std::vector<row> rows{{"z", "pass", "0"}};
    return diff_rows(std::move(path), columns, &rows, rows);
}

TEST(Render, PlainTextByteExact) {
    const std::vector<file_changes> files{unchanged_file("u1.csv"), sample(false), sample(true),
                                          unchanged_file("u2.csv")};
    EXPECT_EQ(render_changes(files, {}),
              "changed rocm/inductor_timm_training.csv: 1 added, 1 removed, 1 changed\n"
              "  + a: accuracy=pass graph_breaks=\"\"\n"
              "  - b\n"
              "  ~ c: accuracy pass -> fail_accuracy, graph_breaks 3 -> 4\n"
              "created rocm/inductor_timm_training.csv: 2 added, 0 removed, 0 changed\n"
              "  + a: accuracy=pass graph_breaks=\"\"\n"
              "  + c: accuracy=fail_accuracy graph_breaks=4\n"
              "2 files unchanged\n");
}

TEST(Render, ColourWrapsEachChangeLineOnly) {
    const std::vector<file_changes> files{sample(false)};
    EXPECT_EQ(render_changes(files, {.colour = true}),
              "changed rocm/inductor_timm_training.csv: 1 added, 1 removed, 1 changed\n"
              "  \x1b[32m+ a: accuracy=pass graph_breaks=\"\"\x1b[0m\n"
              "  \x1b[31m- b\x1b[0m\n"
              "  \x1b[33m~ c: accuracy pass -> fail_accuracy, graph_breaks 3 -> 4\x1b[0m\n");
}

TEST(Render, DryRunSaysWould) {
    const std::vector<file_changes> files{sample(true), unchanged_file("u.csv")};
    EXPECT_EQ(render_changes(files, {.dry_run = true, .max_lines_per_file = 0}),
              "would create rocm/inductor_timm_training.csv: 2 added, 0 removed, 0 changed\n"
              "  ... and 2 more\n"
              "1 file would stay unchanged\n");
    const std::vector<file_changes> changed{sample(false)};
    EXPECT_EQ(render_changes(changed, {.dry_run = true}).rfind("would change rocm/", 0), 0U);
}

TEST(Render, CapsLinesPerFile) {
    std::vector<row> rows;
    for (int i = 0; i < 120; ++i) rows.push_back({"m" + std::to_string(1000 + i), "pass", "0"});
    const std::vector<file_changes> files{diff_rows("x.csv", columns, nullptr, rows)};
    const auto text = render_changes(files, {});
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 50 + 1);
    EXPECT_NE(text.find("  + m1049: accuracy=pass graph_breaks=0\n  ... and 70 more\n"), std::string::npos);
    EXPECT_EQ(text.find("m1050"), std::string::npos);
}

TEST(Render, NothingForNoFilesAndNoTerminalControlFromValues) {
    EXPECT_EQ(render_changes({}, {}), "");
    const std::vector<row> rows{{"evil\x1b[2J", "pass\r", "0"}};
    const std::vector<file_changes> files{diff_rows("x.csv", columns, nullptr, rows)};
    EXPECT_EQ(render_changes(files, {}),
              "created x.csv: 1 added, 0 removed, 0 changed\n"
              "  + evil\\x1b[2J: accuracy=pass\\x0d graph_breaks=0\n");
}

ue::report::env_lookup env(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        const auto it = vars.find(std::string(name));
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

TEST(Colour, OnlyOnATerminalWithoutNonEmptyNoColor) {
    using ue::report::use_colour;
    EXPECT_TRUE(use_colour(true, env({})));
    EXPECT_TRUE(use_colour(true, env({{"NO_COLOR", ""}})));
    EXPECT_FALSE(use_colour(true, env({{"NO_COLOR", "1"}})));
    EXPECT_FALSE(use_colour(true, env({{"NO_COLOR", "0"}})));
    EXPECT_FALSE(use_colour(false, env({})));
    EXPECT_FALSE(use_colour(false, env({{"NO_COLOR", ""}})));
}

}  // namespace
