// Splitting the input differently must never change what the reader reports (Beast's grind):
// every split point, one byte at a time, odd sizes, 1 MiB pieces, and a tiny output buffer.
#include "feed.hpp"

#include <update_expected/zip/reader.hpp>
#include <zip_writer.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using ue::test::feed;
using ue::test::zip_writer;

struct grind_case {
    std::string name;
    std::string zip;
};

std::string text(std::size_t lines) {
    std::string out = "dev,name,batch_size,accuracy,graph_breaks\n";
    for (std::size_t i = 0; i < lines; ++i)
        out += "cuda,Model" + std::to_string(i * 7919 % 1000) + ",8,pass," + std::to_string(i % 13) + "\n";
    return out;
}

std::vector<grind_case> small_cases() {
    std::vector<grind_case> out;
    const std::string csv = text(20);
    auto one = [&](std::string name, ue::test::zip_entry_options opt) {
        zip_writer w;
        w.add("test/test-reports/junit.xml", text(5), opt);
        w.add("test/test-reports/inference_huggingface.csv", csv, opt);
        out.push_back({std::move(name), w.finish(opt.zip64)});
    };
    one("deflate", {});
    one("stored", {.method = 0});
    one("deflate_descriptor", {.descriptor = true});
    one("deflate_descriptor_nosig", {.descriptor = true, .descriptor_signature = false});
    one("deflate_descriptor64", {.descriptor = true, .zip64 = true});
    one("stored_descriptor", {.method = 0, .descriptor = true});
    one("stored_descriptor64", {.method = 0, .descriptor = true, .zip64 = true});
    one("zip64_sizes", {.zip64 = true});
    one("bad_crc", {.crc_xor = 4});
    one("bad_size", {.descriptor = true, .size_delta = 3});
    one("stored_descriptor_nosig", {.method = 0, .descriptor = true, .descriptor_signature = false});
    zip_writer bad;
    bad.add_raw("bad.csv", 8, "\x03\x00garbage-deflate", 0, 100);
    out.push_back({"bad_deflate", bad.finish()});
    for (const char* f : {"python_zipfile.zip", "zip_r.zip", "zip_r_stream.zip", "zip_stdin.zip", "zip_stdin_pipe.zip",
                          "python_stream_stored.zip", "python_stream_zip64.zip"}) {
        std::ifstream in(std::string(UE_ZIP_TEST_DATA) + "/" + f, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        out.push_back({f, s.str()});
    }
    return out;
}

bool odd_entries(const ue::zip::entry_info& e) { return e.name.ends_with(".csv") || e.name.ends_with("/"); }

TEST(ZipGrind, EverySplitGivesTheSameEvents) {
    for (const auto& c : small_cases()) {
        for (const auto& want : {ue::test::want_fn(ue::test::want_all), ue::test::want_fn(odd_entries)}) {
            const auto whole = feed(c.zip, {}, want);
            ASSERT_FALSE(whole.transcript.empty());
            for (std::size_t at = 0; at <= c.zip.size(); ++at) {
                const auto split = ue::test::feed_split(c.zip, at, want);
                ASSERT_EQ(split.transcript, whole.transcript) << c.name << " split at " << at;
                ASSERT_EQ(split.contents, whole.contents) << c.name << " split at " << at;
            }
            for (const auto& sizes : std::vector<std::vector<std::size_t>>{{1}, {2, 3, 5, 7}, {1u << 20}}) {
                const auto r = feed(c.zip, sizes, want);
                EXPECT_EQ(r.transcript, whole.transcript) << c.name << " in pieces of " << sizes[0];
                EXPECT_EQ(r.contents, whole.contents) << c.name;
            }
            ue::zip::limits tiny;
            tiny.output_buffer_size = 7;
            EXPECT_EQ(feed(c.zip, {3}, want, tiny).contents, whole.contents) << c.name;
        }
    }
}

TEST(ZipGrind, ExpectedOutcomes) {
    for (const auto& c : small_cases()) {
        const auto r = feed(c.zip, {});
        const bool bad = c.name.starts_with("bad") || c.name == "stored_descriptor_nosig";
        EXPECT_EQ(r.done, !bad) << c.name << "\n" << r.transcript;
    }
}

TEST(ZipGrind, LargeEntriesInAnyPieces) {
    // Several MiB so that 1 MiB pieces, the 64 KiB output buffer and zlib's window all wrap.
    const std::string big = text(150000);
    zip_writer w;
    w.add("skipped.xml", big);
    w.add("test/test-reports/training_huggingface.csv", big);
    w.add("scanned.bin", big.substr(0, 1 << 20), {.method = 0, .descriptor = true});
    w.add("inflated.csv", big, {.descriptor = true, .descriptor_signature = false});
    const std::string z = w.finish();
    const auto whole = feed(z, {}, odd_entries);
    ASSERT_TRUE(whole.done) << whole.transcript;
    ASSERT_EQ(whole.contents.size(), 2u);
    EXPECT_EQ(whole.contents[0], big);
    EXPECT_EQ(whole.contents[1], big);
    for (const auto& sizes : std::vector<std::vector<std::size_t>>{{1u << 20}, {4093, 1, 65536}, {100000}}) {
        const auto r = feed(z, sizes, odd_entries);
        EXPECT_EQ(r.transcript, whole.transcript);
        EXPECT_TRUE(r.contents == whole.contents);
    }
    const auto all = feed(z, {65536}, ue::test::want_all);
    ASSERT_TRUE(all.done) << all.transcript;
    EXPECT_EQ(all.contents[2], big.substr(0, 1 << 20));
}

}  // namespace
