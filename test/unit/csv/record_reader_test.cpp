#include "update_expected/csv/record_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "read_all.hpp"

namespace ue::csv {
namespace {

// Renders every record as `line:{field}{field}` (plus ` +break`), one per line, and an error as
// `error: <message> @<line>`, so that a whole parse compares as one string.
std::string render(std::string_view input, record_settings settings = {}, test::cuts c = {}) {
    record_reader reader(settings);
    std::string out;
    const std::error_code ec = test::drive(reader, input, c, [&](const record_reader& r) {
        if (!r.has_record()) return;
        const record rec = r.current();
        out += std::to_string(rec.line) + ":";
        for (std::string_view f : rec.fields) out += "{" + std::string(f) + "}";
        if (rec.has_line_break) out += " +break";
        out += "\n";
    });
    if (ec) out += "error: " + ec.message() + " @" + std::to_string(reader.line()) + "\n";
    return out;
}

struct sample {
    std::string_view input;
    std::string_view expected;
};

const sample samples[] = {
    {"", ""},
    {"a,b,c\n1,2,3\n", "1:{a}{b}{c}\n2:{1}{2}{3}\n"},
    {"a,b\r\n1,2\r\n", "1:{a}{b}\n2:{1}{2}\n"},
    {"a,b\n1,2", "1:{a}{b}\n2:{1}{2}\n"},       // no final newline
    {"a\rb\r", "1:{a}\n2:{b}\n"},               // lone CR ends a record
    {"\xEF\xBB\xBFname,x\n", "1:{name}{x}\n"},  // BOM dropped
    {"\xEF\xBB\xBF", ""},                       // only a BOM
    {"\xEF\xBBx\n", "1:{\xEF\xBBx}\n"},         // almost a BOM: data
    {"\xEF\xBB", "1:{\xEF\xBB}\n"},
    {"x\xEF\xBB\xBF\n", "1:{x\xEF\xBB\xBF}\n"},  // BOM only counts at the start
    {",\n", "1:{}{}\n"},
    {"a,", "1:{a}{}\n"},
    {"\"\"\n", "1:{}\n"},  // one empty field, not blank
    {"\"a,b\",\"say \"\"hi\"\"\",c\n", "1:{a,b}{say \"hi\"}{c}\n"},
    {"\"\"\"\"", "1:{\"}\n"},
    {"a\"b,c\n", "1:{a\"b}{c}\n"},  // quote inside unquoted: data
    {"\"x\ny\",z\nnext\n", "1:{x\ny}{z} +break\n3:{next}\n"},
    {"\"x\r\ny\"\r\nnext", "1:{x\r\ny} +break\n3:{next}\n"},
    {"\"x\ry\"\n\"a\n\n\"\nz\n", "1:{x\ry} +break\n3:{a\n\n} +break\n6:{z}\n"},
    {"h\n\n\n\nr1\n\n\n\nr2\n", "1:{h}\n5:{r1}\n9:{r2}\n"},  // blank lines skipped, counted
    {"h\r\n\r\n\r\nr1\r\n", "1:{h}\n4:{r1}\n"},
    {"\n\nh\n", "3:{h}\n"},
    {"a\r\r\nb", "1:{a}\n3:{b}\n"},
    {"\"ab\"c\n", "error: unexpected character after a closing quote @1\n"},
    {"ok\n\"ab\" ,c\n", "1:{ok}\nerror: unexpected character after a closing quote @2\n"},
    {"ok\n\"abc\n", "1:{ok}\nerror: unterminated quoted field @2\n"},
    {"\"", "error: unterminated quoted field @1\n"},
    {"ok\r\n\"a\"\"", "1:{ok}\nerror: unterminated quoted field @2\n"},
};

TEST(RecordReader, Samples) {
    for (const sample& s : samples) EXPECT_EQ(render(s.input), s.expected) << s.input;
}

// The grind: the same records or the same error (same line) wherever the input is cut.
TEST(RecordReader, SameResultAtEverySplit) {
    for (const sample& s : samples) {
        for (std::size_t at = 1; at < s.input.size(); ++at) {
            EXPECT_EQ(render(s.input, {}, {.at = at}), s.expected) << s.input << " cut at " << at;
        }
        EXPECT_EQ(render(s.input, {}, {.step = 1}), s.expected) << s.input << " byte by byte";
    }
}

TEST(RecordReader, BlankLinesCanBeReported) {
    const record_settings keep{.skip_blank_lines = false};
    EXPECT_EQ(render("h\n\n\nr\r\n\r\n", keep), "1:{h}\n2:\n3:\n4:{r}\n5:\n");
    EXPECT_EQ(render("h\n\n\nr\r\n\r\n", keep, {.step = 1}), "1:{h}\n2:\n3:\n4:{r}\n5:\n");
}

TEST(RecordReader, Limits) {
    EXPECT_EQ(render("abc,de\n", {.max_field_size = 3}), "1:{abc}{de}\n");
    EXPECT_EQ(render("ok\n\"abcd\"\n", {.max_field_size = 3}), "1:{ok}\nerror: field too long @2\n");
    EXPECT_EQ(render("abc,def\n", {.max_record_size = 6}), "1:{abc}{def}\n");
    EXPECT_EQ(render("abc,defg\n", {.max_record_size = 6}), "error: record too long @1\n");
    EXPECT_EQ(render("a,b,c\n", {.max_fields = 3}), "1:{a}{b}{c}\n");
    EXPECT_EQ(render("a,b,c,\n", {.max_fields = 3}), "error: too many fields in a record @1\n");
    EXPECT_EQ(render("a,b,c,d", {.max_fields = 3}, {.step = 1}), "error: too many fields in a record @1\n");
    // Limits stop bulk copies and byte-by-byte parsing at the same byte.
    const std::string_view long_field = "ok\nabcdefgh,\"ijklmnop\"\n";
    for (std::size_t at = 1; at < long_field.size(); ++at) {
        EXPECT_EQ(render(long_field, {.max_field_size = 7}, {.at = at}), "1:{ok}\nerror: field too long @2\n") << at;
        EXPECT_EQ(render(long_field, {.max_field_size = 8, .max_record_size = 12}, {.at = at}),
                  "1:{ok}\nerror: record too long @2\n")
            << at;
    }
}

TEST(RecordReader, ErrorIsSticky) {
    record_reader reader;
    std::error_code ec;
    reader.feed("\"a\"b\nmore\n", ec);
    EXPECT_EQ(ec, error::bad_quote);
    std::error_code again;
    EXPECT_EQ(reader.feed("x\n", again), 0u);
    EXPECT_EQ(again, error::bad_quote);
    reader.finish(again);
    EXPECT_EQ(again, error::bad_quote);
}

TEST(RecordReader, StopsAfterEachRecord) {
    record_reader reader;
    std::error_code ec;
    const std::string_view input = "a,b\nc\n";
    EXPECT_EQ(reader.feed(input, ec), 4u);
    ASSERT_TRUE(reader.has_record());
    EXPECT_EQ(reader.current().fields.size(), 2u);
    EXPECT_EQ(reader.feed(input.substr(4), ec), 2u);
    ASSERT_TRUE(reader.has_record());
    EXPECT_EQ(reader.current().fields[0], "c");
    reader.finish(ec);
    EXPECT_FALSE(ec);
    EXPECT_FALSE(reader.has_record());
}

TEST(RecordReader, ErrorMessagesNameTheirCode) {
    const error_info info{make_error_code(error::unterminated_quote), "u.zip:training_x.csv", 4, {}, {}};
    EXPECT_EQ(info.describe(), "u.zip:training_x.csv: line 4: unterminated quoted field");
    EXPECT_EQ(std::string(csv_category().name()), "ue.csv");
}

}  // namespace
}  // namespace ue::csv
