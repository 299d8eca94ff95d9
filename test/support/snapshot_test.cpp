// The generator options the benchmarks rely on: repeated deflate blocks make a valid entry (content,
// CRC-32, Zip64 past 4 GiB), and a snapshot with a block filler keeps its wanted CSVs after it.

#include "snapshot.hpp"
#include "zip_writer.hpp"

#include <update_expected/zip/reader.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace {

struct read_entry {
    ue::zip::entry_info info;
    std::string content;  // only for wanted entries
};

// Reads `zip` in one piece; wants the entries for which `want` is true. Fails the test on an error.
std::vector<read_entry> read_zip(const std::string& zip, bool (*want)(const ue::zip::entry_info&)) {
    ue::zip::limits limits;
    limits.max_entry_size = 1u << 30;
    ue::zip::reader reader(limits);
    std::span<const std::byte> in(reinterpret_cast<const std::byte*>(zip.data()), zip.size());
    std::vector<read_entry> entries;
    for (;;) {
        const auto r = reader.next(in);
        in = in.subspan(r.consumed);
        switch (r.what) {
            case ue::zip::event::need_more:
                if (reader.finish().what != ue::zip::event::done) ADD_FAILURE() << "not done at end of input";
                return entries;
            case ue::zip::event::entry:
                entries.push_back({reader.entry(), {}});
                if (want(reader.entry())) reader.want_entry();
                break;
            case ue::zip::event::data:
                entries.back().content.append(reinterpret_cast<const char*>(reader.data().data()),
                                              reader.data().size());
                break;
            case ue::zip::event::entry_end: break;
            case ue::zip::event::done: return entries;
            case ue::zip::event::error: ADD_FAILURE() << reader.error().describe(); return entries;
        }
    }
}

bool want_all(const ue::zip::entry_info&) { return true; }
bool want_none(const ue::zip::entry_info&) { return false; }

TEST(ZipWriterRepeated, InflatesToHeadThenBlocksThenTailWithItsCrc) {
    ue::test::zip_writer zip;
    const std::string block = "<testcase name=\"a\" time=\"0.25\"/>\n<testcase name=\"b\" time=\"0.5\"/>\n";
    zip.add_repeated("big.xml", "<testsuites>\n", block, 1000, "</testsuites>\n");
    zip.add("after.csv", "name\nx\n");
    const auto entries = read_zip(zip.finish(), want_all);
    ASSERT_EQ(entries.size(), 2u);
    std::string expected = "<testsuites>\n";
    for (int i = 0; i < 1000; ++i) expected += block;
    expected += "</testsuites>\n";
    EXPECT_EQ(entries[0].info.method, 8);
    EXPECT_FALSE(entries[0].info.zip64);
    EXPECT_EQ(entries[0].content, expected);  // entry_end came, so the reader verified CRC and sizes
    EXPECT_EQ(entries[1].content, "name\nx\n");
}

TEST(ZipWriterRepeated, UsesZip64PastFourGiB) {
    ue::test::zip_writer zip;
    const std::string block(1u << 20, 'x');  // deflates to about a kilobyte
    zip.add_repeated("huge.xml", "<a>", block, 4097, "</a>");
    zip.add("after.csv", "name\nx\n");
    const auto entries = read_zip(zip.finish(), want_none);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_TRUE(entries[0].info.zip64);
    EXPECT_EQ(entries[0].info.uncompressed_size, 4097ull * (1u << 20) + 7);
    EXPECT_EQ(entries[1].info.name, "after.csv");
}

TEST(SnapshotFillerBlock, FillsToTheAskedSizeAndKeepsTheWantedCsvsLast) {
    ue::test::snapshot_spec spec;
    spec.suites = {{"inductor", "timm", 2}};
    spec.filler_bytes = 256 * 1024;
    spec.filler_block = 16 * 1024;
    spec.noise = false;
    const auto snap = ue::test::make_snapshot(spec);
    const auto* artifact = snap.find_artifact("inductor_timm", 2);
    ASSERT_NE(artifact, nullptr);
    const auto entries = read_zip(artifact->bytes, want_all);
    ASSERT_EQ(entries.size(), 3u);
    const auto& xml = entries[0].content;
    EXPECT_TRUE(xml.starts_with("<?xml")) << xml.substr(0, 40);
    EXPECT_TRUE(xml.ends_with("</testsuites>\n"));
    EXPECT_GE(xml.size(), spec.filler_bytes);
    EXPECT_LE(xml.size(), spec.filler_bytes + spec.filler_block);
    EXPECT_EQ(entries[1].info.name, "test/test-reports/training_timm_models.csv");
    EXPECT_EQ(entries[2].info.name, "test/test-reports/inference_timm_models.csv");
    // Compressed like a real report: far smaller than its content.
    EXPECT_LT(entries[0].info.compressed_size * 5, xml.size());
}

}  // namespace
