#include "update_expected/app/artifact_reader.hpp"

#include "zip_writer.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace ue::app {
namespace {

using expected::row;

std::span<const std::byte> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

expected::suite_tables two_phase_tables(unsigned shards = 1) {
    expected::suite_tables tables(shards);
    tables.add_phase("training", expected::default_schema());
    tables.add_phase("inference", expected::default_schema());
    return tables;
}

std::string report(std::string rows) { return "dev,name,batch_size,accuracy,graph_breaks\n" + rows; }

// Feeds `zip` in pieces of `step` bytes; returns the first error.
std::error_code feed_all(artifact_reader& reader, const std::string& zip, std::size_t step) {
    for (std::size_t at = 0; at < zip.size(); at += step) {
        const auto piece = bytes_of(zip).subspan(at, std::min(step, zip.size() - at));
        if (auto ec = reader.feed(piece)) return ec;
    }
    return reader.finish();
}

TEST(ArtifactReader, StagesTheRowsOfTheWantedEntriesAtAnyChunkSize) {
    test::zip_writer zip;
    zip.add("test/test-reports/python-pytest/x.xml", std::string(100000, 'x'));
    zip.add("test/test-reports/training_timm_models.csv", report("cuda,b,1,pass,3\ncuda,a,1,fail_accuracy,1.0\n"));
    zip.add("test/test-reports/inference_timm_models.csv", report(""));
    zip.add("test/test-reports/training_huggingface.csv", report("cuda,other,1,pass,1\n"));
    const std::string bytes = zip.finish();
    for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, bytes.size()}) {
        auto tables = two_phase_tables();
        artifact_reader reader(tables, 1, "timm", "https://h/a.zip");
        ASSERT_FALSE(feed_all(reader, bytes, step)) << reader.message();
        tables.commit(1);
        EXPECT_EQ(tables.rows("training"), (std::vector<row>{{"b", "pass", "3"}, {"a", "fail_accuracy", "1"}}));
        EXPECT_EQ(tables.status("inference"), expected::phase_status::complete);  // header only: delivered
        EXPECT_TRUE(tables.rows("inference").empty());
    }
}

TEST(ArtifactReader, RocmEntriesAreReadToo) {
    test::zip_writer zip;
    zip.add("test-reports/inference_torchbench.csv", report("cuda,m,1,pass,0\n"));
    const std::string bytes = zip.finish();
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "torchbench", "u");
    ASSERT_FALSE(feed_all(reader, bytes, 100)) << reader.message();
    tables.commit(1);
    EXPECT_EQ(tables.rows("inference"), (std::vector<row>{{"m", "pass", "0"}}));
    EXPECT_EQ(tables.status("training"), expected::phase_status::absent);
}

TEST(ArtifactReader, ABadValueIsAnErrorNamingContextEntryLineAndValue) {
    test::zip_writer zip;
    zip.add("test/test-reports/training_huggingface.csv", report("cuda,a,1,pass,1\ncuda,b,1,pass,lots\n"));
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "huggingface", "https://h/a.zip");
    EXPECT_TRUE(feed_all(reader, zip.finish(), 5));
    EXPECT_NE(reader.message().find("https://h/a.zip entry test/test-reports/training_huggingface.csv"),
              std::string::npos)
        << reader.message();
    EXPECT_NE(reader.message().find("line 3"), std::string::npos) << reader.message();
    EXPECT_NE(reader.message().find("lots"), std::string::npos) << reader.message();
}

TEST(ArtifactReader, ACorruptZipIsAnErrorNamingContextAndOffset) {
    test::zip_writer zip;
    zip.add("test/test-reports/training_huggingface.csv", report("cuda,a,1,pass,1\n"), {.crc_xor = 1});
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "huggingface", "https://h/a.zip");
    EXPECT_TRUE(feed_all(reader, zip.finish(), 64));
    EXPECT_NE(reader.message().find("https://h/a.zip: entry"), std::string::npos) << reader.message();
    EXPECT_NE(reader.message().find("CRC"), std::string::npos) << reader.message();
}

TEST(ArtifactReader, ATruncatedZipFailsAtFinish) {
    test::zip_writer zip;
    zip.add("test/test-reports/training_huggingface.csv", report("cuda,a,1,pass,1\n"));
    const std::string bytes = zip.finish();
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "huggingface", "u");
    ASSERT_FALSE(reader.feed(bytes_of(bytes).first(bytes.size() / 2)));
    EXPECT_TRUE(reader.finish());
    EXPECT_FALSE(reader.message().empty());
}

TEST(ArtifactReader, RestartForgetsWhatWasStaged) {
    test::zip_writer zip;
    zip.add("test/test-reports/training_huggingface.csv", report("cuda,a,1,pass,1\n"));
    const std::string bytes = zip.finish();
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "huggingface", "u");
    ASSERT_FALSE(reader.feed(bytes_of(bytes).first(bytes.size() - 10)));
    reader.restart();
    ASSERT_FALSE(feed_all(reader, bytes, 33)) << reader.message();
    tables.commit(1);
    EXPECT_EQ(tables.rows("training"), (std::vector<row>{{"a", "pass", "1"}}));
}

TEST(ArtifactReader, KeepsEveryColumnForTheCacheAndReplaysThemWithOtherColumns) {
    test::zip_writer zip;
    zip.add("test/test-reports/training_timm_models.csv",
            "dev,name,batch_size,accuracy,graph_breaks,calls_captured\ncuda,b,1,pass,3,\"7\"\n\n\ncuda,a,1,fail_"
            "accuracy,1.0,2\n");
    zip.add("test/test-reports/inference_timm_models.csv", report(""));
    zip.add("test-reports/training_timm_models.csv", report("cuda,x,1,pass,1\n"));  // a second one: ignored
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "timm", "https://h/a.zip");
    reader.keep_for_cache("https://h/a.zip");
    ASSERT_FALSE(feed_all(reader, zip.finish(), 3)) << reader.message();
    const auto kept = reader.take_cached();
    EXPECT_EQ(kept.url, "https://h/a.zip");
    ASSERT_EQ(kept.entries.size(), 2u);
    EXPECT_EQ(kept.entries[0].name, "test/test-reports/training_timm_models.csv");
    EXPECT_EQ(kept.entries[0].phase, "training");
    EXPECT_EQ(kept.entries[0].header,
              (std::vector<std::string>{"dev", "name", "batch_size", "accuracy", "graph_breaks", "calls_captured"}));
    EXPECT_EQ(kept.entries[0].rows,
              (std::vector<std::vector<std::string>>{{"cuda", "b", "1", "pass", "3", "7"},
                                                     {"cuda", "a", "1", "fail_accuracy", "1.0", "2"}}));
    EXPECT_EQ(kept.entries[1].phase, "inference");
    EXPECT_TRUE(kept.entries[1].rows.empty());

    // A rerun whose existing file asks for one more column: the cached rows have it.
    expected::suite_tables again(1);
    again.add_phase("training", *expected::schema::from_header({"name", "accuracy", "graph_breaks", "calls_captured"}));
    again.add_phase("inference", expected::default_schema());
    artifact_reader replayed(again, 1, "timm", "https://h/a.zip");
    ASSERT_FALSE(replayed.replay(kept)) << replayed.message();
    again.commit(1);
    EXPECT_EQ(again.rows("training"), (std::vector<row>{{"b", "pass", "3", "7"}, {"a", "fail_accuracy", "1", "2"}}));
    EXPECT_EQ(again.status("inference"), expected::phase_status::complete);
}

TEST(ArtifactReader, AReplayedValueThatIsNotACountIsAnErrorNamingEntryAndRow) {
    cache::cached_artifact kept{.url = "https://h/a.zip",
                                .entries = {{.name = "test/test-reports/training_timm_models.csv",
                                             .phase = "training",
                                             .header = {"name", "accuracy", "graph_breaks"},
                                             .rows = {{"a", "pass", "1"}, {"b", "pass", "many"}}}}};
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "timm", "https://h/a.zip");
    EXPECT_TRUE(reader.replay(kept));
    EXPECT_NE(reader.message().find("training_timm_models.csv"), std::string::npos) << reader.message();
    EXPECT_NE(reader.message().find("data row 2"), std::string::npos) << reader.message();
    EXPECT_NE(reader.message().find("many"), std::string::npos) << reader.message();
}

TEST(ArtifactReader, ARestartForgetsWhatWasKept) {
    test::zip_writer zip;
    zip.add("test/test-reports/training_timm_models.csv", report("cuda,b,1,pass,3\n"));
    const auto bytes = zip.finish();
    auto tables = two_phase_tables();
    artifact_reader reader(tables, 1, "timm", "u");
    reader.keep_for_cache("u");
    ASSERT_FALSE(reader.feed(bytes_of(bytes).subspan(0, bytes.size() / 2)));
    reader.restart();
    ASSERT_FALSE(feed_all(reader, bytes, 64)) << reader.message();
    const auto kept = reader.take_cached();
    ASSERT_EQ(kept.entries.size(), 1u);
    EXPECT_EQ(kept.entries[0].rows.size(), 1u);
}

}  // namespace
}  // namespace ue::app
