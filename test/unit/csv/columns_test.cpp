#include "update_expected/csv/columns.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace ue::csv {
namespace {

struct case_ {
    std::string_view column;
    std::string_view raw;
    std::string_view expected;
};

TEST(NormalizeValue, AppliesSection5) {
    const case_ cases[] = {
        {"name", " Qwen/Qwen3-0.6B ", " Qwen/Qwen3-0.6B "},  // verbatim, spaces too
        {"accuracy", "fail_accuracy", "fail_accuracy"},
        {"accuracy", "", ""},
        {"compilation_latency", "abc", "abc"},  // not a count: never checked
        {"graph_breaks", "3", "3"},
        {"graph_breaks", " 3 ", "3"},
        {"graph_breaks", "\t7\t", "7"},
        {"graph_breaks", "03", "3"},
        {"graph_breaks", "000", "0"},
        {"graph_breaks", "3.0", "3"},
        {"graph_breaks", "3.00", "3"},
        {"graph_breaks", "3.", "3"},
        {"graph_breaks", "0.0", "0"},
        {"graph_breaks", "-0", "0"},
        {"graph_breaks", "-0.0", "0"},
        {"graph_breaks", "+4", "4"},
        {"graph_breaks", "-2", "-2"},
        {"graph_breaks", "-007", "-7"},
        {"graph_breaks", "12345678901234567890", "12345678901234567890"},
        {"graph_breaks", "", "0"},
        {"graph_breaks", "  ", "0"},
        {"graph_breaks", "nan", "0"},
        {"graph_breaks", "NaN", "0"},
        {"graph_breaks", " nan ", "0"},
        {"calls_captured", "", ""},
        {"calls_captured", "nan", ""},
        {"calls_captured", "12.0", "12"},
        {"unique_graphs", "1", "1"},
        {"unique_graph_breaks", "05", "5"},
        {"fallbacks_to_eager", "0", "0"},
        {"autograd_captures", "2.0", "2"},
        {"autograd_compiles", " 9", "9"},
        {"cudagraph_skips", "nan", ""},
    };
    for (const case_& c : cases) {
        std::string out = "stale";
        EXPECT_TRUE(normalize_value(c.column, c.raw, out)) << c.column << "=" << c.raw;
        EXPECT_EQ(out, c.expected) << c.column << "=" << c.raw;
    }
}

TEST(NormalizeValue, RejectsWhatIsNotACount) {
    for (std::string_view raw : {"abc", "1e3", "1E3", "3.5", "3.01", ".0", "-", "+", "+-1", "3 4", "0x10", "inf",
                                 "-inf", "nana", "3..0", "3.0.0", "1,0", "\"3\""}) {
        std::string out;
        EXPECT_FALSE(normalize_value("graph_breaks", raw, out)) << raw;
        EXPECT_FALSE(normalize_value("cudagraph_skips", raw, out)) << raw;
    }
}

TEST(IsCountColumn, ExactlyTheEightCounts) {
    for (std::string_view c : {"graph_breaks", "calls_captured", "unique_graphs", "unique_graph_breaks",
                               "fallbacks_to_eager", "autograd_captures", "autograd_compiles", "cudagraph_skips"}) {
        EXPECT_TRUE(is_count_column(c)) << c;
    }
    for (std::string_view c :
         {"name", "accuracy", "batch_size", "dev", "compilation_latency", "Graph_breaks", "graph_breaks "}) {
        EXPECT_FALSE(is_count_column(c)) << c;
    }
}

TEST(ColumnSelection, SelectsByNameWhateverTheOrder) {
    column_selection cols({"name", "accuracy", "graph_breaks", "calls_captured"});
    const std::vector<std::string_view> header = {"graph_breaks", "dev", "accuracy", "name", "name"};
    ASSERT_FALSE(cols.bind(header));
    std::vector<std::string> out;
    error_info info;
    const std::vector<std::string_view> row = {"2.0", "cuda", "pass", "m", "second"};
    ASSERT_TRUE(cols.select(row, out, info));
    EXPECT_EQ(out, (std::vector<std::string>{"m", "pass", "2", ""}));
    const std::vector<std::string_view> short_row = {"", "cuda"};
    ASSERT_TRUE(cols.select(short_row, out, info));
    EXPECT_EQ(out, (std::vector<std::string>{"", "", "0", ""}));
}

TEST(ColumnSelection, NeedsANameColumn) {
    column_selection cols({"name", "accuracy"});
    const std::vector<std::string_view> header = {"dev", "Name", "accuracy"};
    EXPECT_EQ(cols.bind(header), error::missing_name_column);
}

TEST(ColumnSelection, ReportsTheOffendingValue) {
    column_selection cols({"name", "graph_breaks"});
    const std::vector<std::string_view> header = {"name", "graph_breaks"};
    ASSERT_FALSE(cols.bind(header));
    std::vector<std::string> out;
    error_info info;
    const std::vector<std::string_view> row = {"m", " 1e3"};
    EXPECT_FALSE(cols.select(row, out, info));
    EXPECT_EQ(info.code, error::bad_count_value);
    EXPECT_EQ(info.column, "graph_breaks");
    EXPECT_EQ(info.value, " 1e3");
}

}  // namespace
}  // namespace ue::csv
