#include "update_expected/expected/file_format.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace ue::expected {
namespace {

TEST(FormatExpectedFile, MatchesTheLayoutOfDomainSection6) {
    const std::string want =
        "name,accuracy,graph_breaks\n"
        "\n\n\n"
        "AlbertForMaskedLM,pass,7\n"
        "\n\n\n"
        "YituTechConvBert,pass,7\n";
    EXPECT_EQ(
        format_expected_file(default_schema(), {{"YituTechConvBert", "pass", "7"}, {"AlbertForMaskedLM", "pass", "7"}}),
        want);
}

TEST(FormatExpectedFile, NoRowsGiveAHeaderOnlyFile) {
    EXPECT_EQ(format_expected_file(default_schema(), {}), "name,accuracy,graph_breaks\n");
}

TEST(FormatExpectedFile, SortsByNameInByteOrder) {
    // Upper case before lower case, '/' and digits where ASCII puts them, UTF-8 after ASCII
    // (a signed-char comparison would put "\xc3\xa9" first).
    const auto out = format_expected_file(
        schema{{"name"}, 0},
        {{"b"}, {"\xc3\xa9t\xc3\xa9"}, {"Qwen/Qwen3-0.6B"}, {"B"}, {"a"}, {"Qwen3"}, {"10"}, {"9"}});
    EXPECT_EQ(out,
              "name\n\n\n\n10\n\n\n\n9\n\n\n\nB\n\n\n\nQwen/Qwen3-0.6B\n\n\n\nQwen3\n\n\n\n"
              "a\n\n\n\nb\n\n\n\n\xc3\xa9t\xc3\xa9\n");
}

TEST(FormatExpectedFile, EqualNamesKeepTheGivenOrder) {
    const auto out = format_expected_file(
        default_schema(),
        {{"m", "pass", "1"}, {"a", "pass", "0"}, {"m", "fail_accuracy", "2"}, {"m", "eager_fail", "3"}});
    EXPECT_EQ(out,
              "name,accuracy,graph_breaks\n\n\n\n"
              "a,pass,0\n\n\n\n"
              "m,pass,1\n\n\n\n"
              "m,fail_accuracy,2\n\n\n\n"
              "m,eager_fail,3\n");
}

TEST(FormatExpectedFile, EqualNamesKeepTheGivenOrderInLargeTables) {
    // Enough rows that an unstable sort (introsort) would reorder equal names.
    std::vector<row> rows;
    for (int i = 0; i < 200; ++i) rows.push_back({fmt::format("n{}", (i * 7) % 5), std::to_string(i), ""});
    std::string want = "name,accuracy,graph_breaks\n";
    for (int name = 0; name < 5; ++name)
        for (int i = 0; i < 200; ++i)
            if ((i * 7) % 5 == name) want += fmt::format("\n\n\nn{},{},\n", name, i);
    EXPECT_EQ(format_expected_file(default_schema(), rows), want);
}

TEST(FormatExpectedFile, QuotesOnlyFieldsThatNeedIt) {
    const auto out = format_expected_file(
        default_schema(),
        {{"plain", "with space", ""}, {"comma,name", "say \"hi\"", "0"}, {"line\nbreak", "cr\rhere", "'single'"}});
    EXPECT_EQ(out,
              "name,accuracy,graph_breaks\n\n\n\n"
              "\"comma,name\",\"say \"\"hi\"\"\",0\n\n\n\n"
              "\"line\nbreak\",\"cr\rhere\",'single'\n\n\n\n"
              "plain,with space,\n");
}

TEST(FormatExpectedFile, WritesTheSchemaOrderAndSortsByTheNameColumnWhereverItIs) {
    const auto columns = schema::from_header({"accuracy", "name", "x,y"});
    ASSERT_TRUE(columns);
    const auto out = format_expected_file(*columns, {{"pass", "b", "1"}, {"fail", "a", "2"}});
    EXPECT_EQ(out, "accuracy,name,\"x,y\"\n\n\n\nfail,a,2\n\n\n\npass,b,1\n");
}

TEST(MergePartial, ArrivedRowsReplaceTheirNamesakesAndOthersStay) {
    const std::vector<row> existing{{"a", "pass", "0"}, {"b", "pass", "1"}, {"c", "pass", "2"}};
    const std::vector<row> arrived{{"b", "fail_accuracy", "5"}, {"d", "pass", "0"}};
    const auto merged = merge_partial(existing, arrived, 0);
    EXPECT_EQ(format_expected_file(default_schema(), merged),
              "name,accuracy,graph_breaks\n\n\n\n"
              "a,pass,0\n\n\n\n"
              "b,fail_accuracy,5\n\n\n\n"
              "c,pass,2\n\n\n\n"
              "d,pass,0\n");
}

TEST(MergePartial, ANameRepeatedOnEitherSideIsReplacedAsAWhole) {
    const std::vector<row> existing{{"dup", "pass", "0"},
                                    {"keep", "pass", "0"},
                                    {"dup", "pass", "1"},
                                    {"twice", "old", "1"},
                                    {"twice", "old", "2"}};
    const std::vector<row> arrived{{"twice", "new", "9"}, {"dup", "new", "3"}, {"dup", "new", "4"}};
    EXPECT_EQ(
        merge_partial(existing, arrived, 0),
        (std::vector<row>{{"keep", "pass", "0"}, {"twice", "new", "9"}, {"dup", "new", "3"}, {"dup", "new", "4"}}));
}

TEST(MergePartial, RepeatedExistingNamesThatDidNotArriveAllStay) {
    const std::vector<row> existing{{"dup", "pass", "0"}, {"dup", "pass", "1"}};
    EXPECT_EQ(merge_partial(existing, {{"x", "pass", "0"}}, 0),
              (std::vector<row>{{"dup", "pass", "0"}, {"dup", "pass", "1"}, {"x", "pass", "0"}}));
}

TEST(MergePartial, UsesTheNameColumnOfTheSchema) {
    const std::vector<row> existing{{"pass", "a"}, {"pass", "b"}};
    EXPECT_EQ(merge_partial(existing, {{"fail", "a"}}, 1), (std::vector<row>{{"pass", "b"}, {"fail", "a"}}));
}

TEST(ResolveSchema, ExistingHeaderThenRequestedThenDefault) {
    const auto existing =
        schema::from_header({"name", "accuracy", "graph_breaks", "calls_captured", "fallbacks_to_eager"});
    const auto requested = schema::from_header({"name", "accuracy"});
    ASSERT_TRUE(existing && requested);
    EXPECT_EQ(resolve_schema(existing, requested), *existing);
    EXPECT_EQ(resolve_schema(std::nullopt, requested), *requested);
    EXPECT_EQ(resolve_schema(std::nullopt, std::nullopt), default_schema());
    EXPECT_EQ(default_schema().columns, (std::vector<std::string>{"name", "accuracy", "graph_breaks"}));
}

TEST(ResolveSchema, AHeaderWithoutNameIsNoSchema) {
    EXPECT_FALSE(schema::from_header({"model", "accuracy", "graph_breaks"}));
    EXPECT_FALSE(schema::from_header({}));
    const auto late = schema::from_header({"dev", "name", "name"});
    ASSERT_TRUE(late);
    EXPECT_EQ(late->name_index, 1u);
}

}  // namespace
}  // namespace ue::expected
