#include "update_expected/expected/expected_file.hpp"

#include "update_expected/csv/error.hpp"
#include "update_expected/expected/atomic_file.hpp"
#include "update_expected/expected/file_format.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

namespace ue::expected {
namespace {

using ue::test::read_text;
using ue::test::temp_dir;
using ue::test::write_text;

// The layout PyTorch's files have: three blank lines between lines.
constexpr std::string_view pytorch_file =
    "name,accuracy,graph_breaks,calls_captured,fallbacks_to_eager\n"
    "\n\n\n"
    "AlbertForMaskedLM,pass,7,120,0\n"
    "\n\n\n"
    "Qwen/Qwen3-0.6B,fail_accuracy,0,,\n";

existing_file parse_ok(std::string_view content) {
    auto r = parse_expected_file(content, "dir/f.csv");
    EXPECT_TRUE(r) << r.error().message;
    return r ? std::move(r).value() : existing_file{};
}

TEST(ParseExpectedFile, TheHeaderIsTheSchemaAndBlankLinesAreSkipped) {
    const auto file = parse_ok(pytorch_file);
    ASSERT_TRUE(file.schema);
    EXPECT_EQ(file.schema->columns,
              (std::vector<std::string>{"name", "accuracy", "graph_breaks", "calls_captured", "fallbacks_to_eager"}));
    EXPECT_EQ(file.schema->name_index, 0u);
    EXPECT_EQ(file.rows, (std::vector<row>{{"AlbertForMaskedLM", "pass", "7", "120", "0"},
                                           {"Qwen/Qwen3-0.6B", "fail_accuracy", "0", "", ""}}));
}

TEST(ParseExpectedFile, ReadsWhatTheWriterWrites) {
    const std::vector<row> rows{{"a,b", "say \"x\"", "0"}, {"c", "", "1"}, {"m", "line\nbreak", "2"}};
    const auto file = parse_ok(format_expected_file(default_schema(), rows));
    ASSERT_TRUE(file.schema);
    EXPECT_EQ(*file.schema, default_schema());
    EXPECT_EQ(file.rows, rows);
}

TEST(ParseExpectedFile, AcceptsCrlfBomAndNoFinalNewline) {
    const auto file = parse_ok("\xEF\xBB\xBFname,accuracy\r\n\r\nA,pass\r\n\r\nB,fail");
    ASSERT_TRUE(file.schema);
    EXPECT_EQ(file.schema->columns, (std::vector<std::string>{"name", "accuracy"}));
    EXPECT_EQ(file.rows, (std::vector<row>{{"A", "pass"}, {"B", "fail"}}));
}

TEST(ParseExpectedFile, AShortRowIsPaddedWithEmptyValues) {
    const auto file = parse_ok("name,accuracy,graph_breaks\nA\nB,pass\n");
    EXPECT_EQ(file.rows, (std::vector<row>{{"A", "", ""}, {"B", "pass", ""}}));
}

TEST(ParseExpectedFile, ALongRowIsAnErrorNamingFileAndLine) {
    const auto r = parse_expected_file("name,accuracy\n\n\n\nA,pass\n\n\n\nB,pass,extra\n", "dir/f.csv");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, error::row_too_long);
    EXPECT_EQ(r.error().message, "dir/f.csv: line 9: 3 fields under a header of 2");
}

TEST(ParseExpectedFile, ACsvErrorKeepsTheCsvCodeAndNamesFileAndLine) {
    const auto r = parse_expected_file("name,accuracy\n\n\n\nA,\"pass\n", "dir/f.csv");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, csv::error::unterminated_quote);
    EXPECT_NE(r.error().message.find("dir/f.csv: line 5"), std::string::npos) << r.error().message;
}

TEST(ParseExpectedFile, AHeaderWithoutNameIsNoSchema) {
    const auto file = parse_ok("model,accuracy\n\n\n\nA,pass\n");
    EXPECT_FALSE(file.schema);
    EXPECT_TRUE(file.rows.empty());
    // The caller then resolves as if there were no file: the user's columns, else the default.
    EXPECT_EQ(resolve_schema(file.schema, std::nullopt), default_schema());
}

TEST(ParseExpectedFile, AnEmptyFileIsNoSchema) {
    EXPECT_FALSE(parse_ok("").schema);
    EXPECT_FALSE(parse_ok("\n\n").schema);
}

TEST(ParseExpectedFile, AHeaderOnlyFileHasNoRows) {
    const auto file = parse_ok("name,accuracy,graph_breaks\n");
    ASSERT_TRUE(file.schema);
    EXPECT_TRUE(file.rows.empty());
}

TEST(ReadExpectedFile, AMissingFileIsNoFile) {
    temp_dir dir;
    const auto r = read_expected_file(dir.path() / "none.csv");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r.value());
}

TEST(ReadExpectedFile, ReadsAFileFromDisk) {
    temp_dir dir;
    write_text(dir.path() / "f.csv", std::string(pytorch_file));
    const auto r = read_expected_file(dir.path() / "f.csv");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_TRUE(r.value());
    EXPECT_EQ(r.value()->rows.size(), 2u);
}

TEST(ExpectedFilePath, RocmFilesGoToTheirOwnDirectory) {
    EXPECT_EQ(expected_file_path("out", jobs::baseline::standard, "inductor_timm", "training"),
              std::filesystem::path("out/inductor_timm_training.csv"));
    EXPECT_EQ(expected_file_path("out", jobs::baseline::rocm, "inductor_timm", "inference"),
              std::filesystem::path("out/rocm/inductor_timm_inference.csv"));
}

// A two-shard suite whose shard 2 delivered training but not inference.
suite_tables half_delivered() {
    suite_tables t(2);
    t.add_phase("training", default_schema());
    t.add_phase("inference", default_schema());
    t.stage_row(1, "training", {"b", "pass", "1"});
    t.stage_row(1, "inference", {"b", "fail_accuracy", "9"});
    t.commit(1);
    t.stage_row(2, "training", {"a", "pass", "0"});
    t.commit(2);
    return t;
}

TEST(ContentToWrite, ACompletePhaseIsWrittenFromItsRowsAlone) {
    const auto t = half_delivered();
    const existing_file old{default_schema(), {{"zzz", "pass", "0"}}};
    EXPECT_EQ(content_to_write(t, "training", &old, false),
              "name,accuracy,graph_breaks\n\n\n\na,pass,0\n\n\n\nb,pass,1\n");
}

TEST(ContentToWrite, EqualNamesAcrossShardsComeInShardOrder) {
    suite_tables t(3);
    t.add_phase("training", default_schema());
    t.stage_row(3, "training", {"m", "third", "0"});
    t.commit(3);
    t.stage_row(2, "training", {"m", "second", "0"});
    t.stage_row(2, "training", {"a", "pass", "0"});
    t.commit(2);
    t.stage_row(1, "training", {"z", "pass", "0"});
    t.stage_row(1, "training", {"m", "first", "0"});
    t.commit(1);
    EXPECT_EQ(content_to_write(t, "training", nullptr, false),
              "name,accuracy,graph_breaks\n\n\n\na,pass,0\n\n\n\nm,first,0\n\n\n\n"
              "m,second,0\n\n\n\nm,third,0\n\n\n\nz,pass,0\n");
}

TEST(ContentToWrite, APartialPhaseIsLeftAloneUnlessAllowed) {
    const auto t = half_delivered();
    const existing_file old{default_schema(), {{"a", "pass", "0"}, {"b", "pass", "1"}}};
    EXPECT_FALSE(content_to_write(t, "inference", &old, false));
    EXPECT_EQ(content_to_write(t, "inference", &old, true),
              "name,accuracy,graph_breaks\n\n\n\na,pass,0\n\n\n\nb,fail_accuracy,9\n");
    EXPECT_EQ(content_to_write(t, "inference", nullptr, true), "name,accuracy,graph_breaks\n\n\n\nb,fail_accuracy,9\n");
}

TEST(ContentToWrite, AnAbsentPhaseIsNeverWritten) {
    suite_tables t(1);
    t.add_phase("training", default_schema());
    t.add_phase("inference", default_schema());
    t.stage_entry(1, "training");
    t.commit(1);
    EXPECT_EQ(content_to_write(t, "training", nullptr, false), "name,accuracy,graph_breaks\n");
    EXPECT_FALSE(content_to_write(t, "inference", nullptr, true));
}

TEST(ContentToWrite, AnExistingFileOfAnotherSchemaIsAProgrammingError) {
    const auto t = half_delivered();
    const existing_file old{schema{{"name"}, 0}, {{"a"}}};
    EXPECT_THROW(content_to_write(t, "inference", &old, true), std::logic_error);
}

TEST(ExpectedFiles, AnUpdateRoundTripsThroughTheDisk) {
    temp_dir dir;
    const auto path = expected_file_path(dir.path(), jobs::baseline::rocm, "inductor_huggingface", "training");
    suite_tables t(1);
    t.add_phase("training", default_schema());
    t.stage_row(1, "training", {"YituTechConvBert", "pass", "7"});
    t.stage_row(1, "training", {"AlbertForMaskedLM", "pass", "7"});
    t.commit(1);
    const auto content = content_to_write(t, "training", nullptr, false);
    ASSERT_TRUE(content);
    const auto w = replace_file(path, *content, {.create_parent = true});
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_EQ(read_text(path),
              "name,accuracy,graph_breaks\n\n\n\nAlbertForMaskedLM,pass,7\n\n\n\n"
              "YituTechConvBert,pass,7\n");
    const auto back = read_expected_file(path);
    ASSERT_TRUE(back && back.value());
    EXPECT_EQ(back.value()->rows.size(), 2u);
    EXPECT_EQ(replace_file(path, *content, {.create_parent = true}).value(), replace_status::unchanged);
}

}  // namespace
}  // namespace ue::expected
