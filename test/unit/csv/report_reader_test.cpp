#include "update_expected/csv/report_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "read_all.hpp"

namespace ue::csv {
namespace {

const std::vector<std::string> basic = {"name", "accuracy", "graph_breaks"};
const std::vector<std::string> newest = {"name", "accuracy", "graph_breaks", "calls_captured", "fallbacks_to_eager"};
constexpr std::string_view context = "https://x/a.zip:test/test-reports/training_timm_models.csv";

// Renders each row as `line:v|v|v`, one per line, and an error as `error: <describe()>`.
std::string render(std::string_view input, const std::vector<std::string>& wanted = basic, test::cuts c = {}) {
    report_reader reader{column_selection(wanted), std::string(context)};
    std::string out;
    const std::error_code ec = test::drive(reader, input, c, [&](const report_reader& r) {
        if (!r.has_row()) return;
        out += std::to_string(r.line()) + ":";
        for (std::size_t i = 0; i < r.row().size(); ++i) out += (i == 0 ? "" : "|") + r.row()[i];
        out += "\n";
    });
    if (ec) {
        EXPECT_EQ(ec, reader.error().code);
        std::string message = reader.error().describe();
        EXPECT_EQ(message.substr(0, context.size()), context);
        out += "error" + message.substr(context.size()) + "\n";
    }
    return out;
}

struct sample {
    std::string_view input;
    std::string_view basic;   // rendered with the basic columns
    std::string_view newest;  // rendered with the newest columns
};

const sample samples[] = {
    // The typical header, a crashed model's short row, a quoted name.
    {"dev,name,batch_size,accuracy,calls_captured,unique_graphs,graph_breaks,unique_graph_breaks,"
     "autograd_captures,autograd_compiles,cudagraph_skips,compilation_latency\n"
     "cuda,AlbertForMaskedLM,8,pass,10.0,1,7.0,2,0,0,0,12.5\n"
     "cuda,Qwen/Qwen3-0.6B,4,fail_to_run\n"
     "cuda,\"odd,name\",1,pass, 3 ,1,nan,0,0,0,0,junk\n",
     "2:AlbertForMaskedLM|pass|7\n3:Qwen/Qwen3-0.6B|fail_to_run|0\n4:odd,name|pass|0\n",
     "2:AlbertForMaskedLM|pass|7|10|\n3:Qwen/Qwen3-0.6B|fail_to_run|0||\n"
     "4:odd,name|pass|0|3|\n"},
    // Another column order, CRLF, BOM, no final newline; no graph_breaks column at all.
    {"\xEF\xBB\xBF"
     "fallbacks_to_eager,accuracy,name\r\n03,eager_fail,m1\r\nnan,pass,m2",
     "2:m1|eager_fail|0\n3:m2|pass|0\n", "2:m1|eager_fail|0||3\n3:m2|pass|0||\n"},
    // Blank lines skipped anywhere, lines still counted; a row longer than the header.
    {"\n\nname,accuracy,graph_breaks\n\n\n\nA,pass,1\n\n\n\nB,fail,2,extra\n\n", "7:A|pass|1\n11:B|fail|2\n",
     "7:A|pass|1||\n11:B|fail|2||\n"},
    // Header only, with and without newline: no rows.
    {"dev,name,accuracy,graph_breaks\n", "", ""},
    {"dev,name,accuracy,graph_breaks", "", ""},
    // A line break in a column that is not written is allowed.
    {"name,accuracy,note,graph_breaks\nm,pass,\"two\nlines\",1\nn,pass,,2\n", "2:m|pass|1\n4:n|pass|2\n",
     "2:m|pass|1||\n4:n|pass|2||\n"},
    // A bad value in a count column that is not written is never checked.
    {"name,accuracy,graph_breaks,calls_captured\nm,pass,1,many\n", "2:m|pass|1\n",
     "error: line 2, column calls_captured: \"many\" is not a count\n"},
    // Errors, each naming the line (and the column).
    {"", "error: empty report (no header)\n", "error: empty report (no header)\n"},
    {"\xEF\xBB\xBF\r\n\n", "error: empty report (no header)\n", "error: empty report (no header)\n"},
    {"dev,model,accuracy\ncuda,m,pass\n", "error: line 1: no \"name\" column in the header\n",
     "error: line 1: no \"name\" column in the header\n"},
    {"name,accuracy,graph_breaks\nA,pass,1\n\nB,pass,abc\nC,pass,1\n",
     "2:A|pass|1\nerror: line 4, column graph_breaks: \"abc\" is not a count\n",
     "2:A|pass|1||\nerror: line 4, column graph_breaks: \"abc\" is not a count\n"},
    {"name,accuracy,graph_breaks\nA,pass,1e3\n", "error: line 2, column graph_breaks: \"1e3\" is not a count\n",
     "error: line 2, column graph_breaks: \"1e3\" is not a count\n"},
    {"name,accuracy,graph_breaks\nA,\"pa\r\nss\",1\n", "error: line 2, column accuracy: value contains a line break\n",
     "error: line 2, column accuracy: value contains a line break\n"},
    {"name,accuracy\nA,pass\n\"B,pass\n", "2:A|pass|0\nerror: line 3: unterminated quoted field\n",
     "2:A|pass|0||\nerror: line 3: unterminated quoted field\n"},
    {"name,accuracy\n\"A\"x,pass\n", "error: line 2: unexpected character after a closing quote\n",
     "error: line 2: unexpected character after a closing quote\n"},
};

TEST(ReportReader, Samples) {
    for (const sample& s : samples) {
        EXPECT_EQ(render(s.input, basic), s.basic) << s.input;
        EXPECT_EQ(render(s.input, newest), s.newest) << s.input;
    }
}

// The grind: the same rows or the same error (same line) wherever the input is cut.
TEST(ReportReader, SameResultAtEverySplit) {
    for (const sample& s : samples) {
        for (std::size_t at = 1; at < s.input.size(); ++at) {
            EXPECT_EQ(render(s.input, newest, {.at = at}), s.newest) << s.input << " cut at " << at;
        }
        EXPECT_EQ(render(s.input, basic, {.step = 1}), s.basic) << s.input << " byte by byte";
        EXPECT_EQ(render(s.input, newest, {.step = 1}), s.newest) << s.input << " byte by byte";
    }
}

TEST(ReportReader, LimitsApply) {
    report_reader reader(column_selection(basic), "ctx", {.max_field_size = 8});
    std::error_code ec;
    reader.feed("name,accuracy\nA,fail_to_run\n", ec);
    EXPECT_EQ(ec, error::field_too_long);
    EXPECT_EQ(reader.error().describe(), "ctx: line 2: field too long");
}

// What a cache of whole rows needs: the header and every field of a row, to select again later.
TEST(ReportReader, KeepsHeaderAndWholeRow) {
    report_reader reader(column_selection(basic), "ctx");
    std::error_code ec;
    const std::string_view input = "dev,name,accuracy,graph_breaks,calls_captured\ncuda,m,pass,2,5\n";
    EXPECT_EQ(reader.feed(input, ec), input.size());
    ASSERT_TRUE(reader.has_row());
    EXPECT_EQ(reader.header().size(), 5u);
    EXPECT_EQ(reader.header()[4], "calls_captured");
    EXPECT_EQ(reader.raw_row().fields.size(), 5u);

    const std::vector<std::string_view> header(reader.header().begin(), reader.header().end());
    column_selection other({"calls_captured", "name"});
    ASSERT_FALSE(other.bind(header));
    std::vector<std::string> out;
    error_info info;
    ASSERT_TRUE(other.select(reader.raw_row().fields, out, info));
    EXPECT_EQ(out, (std::vector<std::string>{"5", "m"}));
    reader.finish(ec);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(reader.has_row());
}

TEST(ReportReader, ErrorIsSticky) {
    report_reader reader(column_selection(basic), "ctx");
    std::error_code ec;
    reader.feed("x,y\n", ec);
    EXPECT_EQ(ec, error::missing_name_column);
    std::error_code again;
    EXPECT_EQ(reader.feed("name\nm\n", again), 0u);
    EXPECT_EQ(again, error::missing_name_column);
    reader.finish(again);
    EXPECT_EQ(again, error::missing_name_column);
}

// Records split elsewhere (the rerun cache's) meet the same header binding and value rules as bytes.
TEST(ReportReader, TakesRecordsSplitElsewhereAsIfRead) {
    report_reader reader(column_selection(basic), "ctx");
    std::error_code ec;
    const std::vector<std::string_view> header{"dev", "graph_breaks", "name", "accuracy"};
    reader.take(header, 0, ec);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(reader.has_row());
    const std::vector<std::string_view> row{"cuda", " 3.0 ", "m", "pass"};
    reader.take(row, 0, ec);
    ASSERT_FALSE(ec);
    ASSERT_TRUE(reader.has_row());
    EXPECT_EQ(std::vector<std::string>(reader.row().begin(), reader.row().end()),
              (std::vector<std::string>{"m", "pass", "3"}));
    const std::vector<std::string_view> bad{"cuda", "many", "n", "pass"};
    reader.take(bad, 7, ec);
    EXPECT_EQ(ec, error::bad_count_value);
    EXPECT_EQ(reader.error().describe(), "ctx: line 7, column graph_breaks: \"many\" is not a count");

    report_reader nameless(column_selection(basic), "ctx");
    const std::vector<std::string_view> no_name{"dev", "accuracy"};
    nameless.take(no_name, 0, ec);
    EXPECT_EQ(ec, error::missing_name_column);
}

}  // namespace
}  // namespace ue::csv
