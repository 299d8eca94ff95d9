#include "feed.hpp"

#include <update_expected/zip/reader.hpp>
#include <zip_writer.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace {

using ue::test::feed;
using ue::test::zip_entry_options;
using ue::test::zip_writer;
using ue::zip::error;

const std::string csv =
    "dev,name,batch_size,accuracy,graph_breaks\ncuda,AlbertForMaskedLM,8,pass,7\n"
    "cuda,YituTechConvBert,8,pass,7\n";

std::string xml(std::size_t repeat) {
    std::string out = "<testsuites>";
    for (std::size_t i = 0; i < repeat; ++i)
        out += "<testcase classname=\"x\" name=\"PK" + std::to_string(i) + "\" time=\"0.5\"/>\n";
    return out + "</testsuites>\n";
}

bool wants_csv(const ue::zip::entry_info& e) { return e.name.ends_with(".csv"); }

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(UE_ZIP_TEST_DATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in) << name;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ZipReader, EmptyZipIsDone) {
    const auto r = feed(zip_writer().finish(), {});
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.transcript, "done\n");
}

TEST(ZipReader, EmptyZip64IsDone) {
    const auto r = feed(zip_writer().finish(true), {});
    EXPECT_TRUE(r.done);
}

TEST(ZipReader, DeliversStoredAndDeflatedEntries) {
    zip_writer w;
    w.add("test/test-reports/a.csv", csv);
    w.add("test/test-reports/b.xml", xml(50), {.method = 0});
    w.add("empty", "");
    const auto r = feed(w.finish(), {});
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 3u);
    EXPECT_EQ(r.contents[0], csv);
    EXPECT_EQ(r.contents[1], xml(50));
    EXPECT_EQ(r.contents[2], "");
}

TEST(ZipReader, AnnouncesEntryHeaders) {
    zip_writer w;
    w.add("x.csv", csv, {.method = 0});
    w.add("y.csv", csv, {.descriptor = true});
    ue::zip::reader rd;
    const std::string z = w.finish();
    std::span<const std::byte> in(reinterpret_cast<const std::byte*>(z.data()), z.size());
    auto res = rd.next(in);
    ASSERT_EQ(res.what, ue::zip::event::entry);
    EXPECT_EQ(rd.entry().name, "x.csv");
    EXPECT_EQ(rd.entry().method, 0);
    EXPECT_EQ(rd.entry().compressed_size, csv.size());
    EXPECT_EQ(rd.entry().uncompressed_size, csv.size());
    EXPECT_EQ(rd.entry().crc32, ue::test::crc32_of(csv));
    EXPECT_FALSE(rd.entry().has_descriptor());
    EXPECT_EQ(rd.entry().offset, 0u);
    in = in.subspan(res.consumed);
    res = rd.next(in);
    EXPECT_EQ(res.what, ue::zip::event::entry_end);  // not wanted: skipped
    in = in.subspan(res.consumed);
    res = rd.next(in);
    ASSERT_EQ(res.what, ue::zip::event::entry);
    EXPECT_EQ(rd.entry().name, "y.csv");
    EXPECT_EQ(rd.entry().method, 8);
    EXPECT_TRUE(rd.entry().has_descriptor());
    EXPECT_EQ(rd.offset(), static_cast<std::uint64_t>(z.size() - in.size() + res.consumed));
}

TEST(ZipReader, SkipsUnwantedEntries) {
    zip_writer w;
    w.add("test/test-reports/big.xml", xml(2000));
    w.add("test/test-reports/stored.xml", xml(100), {.method = 0});
    w.add("test/test-reports/training_timm_models.csv", csv);
    w.add("test/test-reports/other.xml", xml(10));
    const auto r = feed(w.finish(), {}, wants_csv);
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 1u);
    EXPECT_EQ(r.contents[0], csv);
}

TEST(ZipReader, TrailingBytesAfterCentralDirectoryAreIgnored) {
    zip_writer w;
    w.add("a.csv", csv);
    const std::string z = w.finish() + "trailing garbage";
    ue::zip::reader rd;
    std::span<const std::byte> in(reinterpret_cast<const std::byte*>(z.data()), z.size());
    for (;;) {
        const auto res = rd.next(in);
        in = in.subspan(res.consumed);
        if (res.what == ue::zip::event::done) break;
        ASSERT_NE(res.what, ue::zip::event::error);
        ASSERT_NE(res.what, ue::zip::event::need_more);
    }
    EXPECT_TRUE(in.empty());
    const std::string more = "PK\x03\x04 more";
    EXPECT_EQ(rd.next({reinterpret_cast<const std::byte*>(more.data()), more.size()}).what, ue::zip::event::done);
    EXPECT_EQ(rd.finish().what, ue::zip::event::done);
}

struct descriptor_case {
    std::uint16_t method;
    bool signature;
    bool zip64;
    bool wanted;
};

class DataDescriptor : public testing::TestWithParam<descriptor_case> {};

TEST_P(DataDescriptor, ReadsEntryAndNextOne) {
    const auto p = GetParam();
    zip_writer w;
    const std::string payload = xml(300);
    w.add("first.xml", payload,
          {.method = p.method, .descriptor = true, .descriptor_signature = p.signature, .zip64 = p.zip64});
    w.add("second.csv", csv);
    const auto r = feed(w.finish(), {}, [&](const auto& e) { return p.wanted || e.name == "second.csv"; });
    if (p.method == 0 && !p.signature) {
        // Without a signature a stored entry's end cannot be found.
        EXPECT_EQ(r.error.code, error::descriptor_not_found) << r.transcript;
        return;
    }
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), p.wanted ? 2u : 1u);
    if (p.wanted) {
        EXPECT_EQ(r.contents[0], payload);
    }
    EXPECT_EQ(r.contents.back(), csv);
}

INSTANTIATE_TEST_SUITE_P(AllShapes, DataDescriptor,
                         testing::Values(descriptor_case{8, true, false, true}, descriptor_case{8, false, false, true},
                                         descriptor_case{8, true, true, true}, descriptor_case{8, false, true, true},
                                         descriptor_case{8, true, false, false}, descriptor_case{8, false, true, false},
                                         descriptor_case{0, true, false, true}, descriptor_case{0, true, true, true},
                                         descriptor_case{0, true, false, false}, descriptor_case{0, true, true, false},
                                         descriptor_case{0, false, false, true}));

TEST(ZipReader, StoredScanIgnoresFalseDescriptorSignatures) {
    // Data that holds the descriptor signature, with and without a plausible tail, must be delivered.
    std::string tricky = "PK\x07\x08" + std::string(12, 'x') + "PPK\x07PK\x07\x08";
    tricky += std::string("\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 12) + "P";
    zip_writer w;
    w.add("tricky.bin", tricky, {.method = 0, .descriptor = true});
    w.add("after.csv", csv, {.method = 0, .descriptor = true});
    // Regression (fuzz): a released candidate is longer than a tiny output buffer.
    for (std::size_t out_size : {std::size_t{1}, std::size_t{64} << 10}) {
        ue::zip::limits lim;
        lim.output_buffer_size = out_size;
        for (std::size_t piece : {std::size_t{1}, std::size_t{5}, std::size_t{0}}) {
            const auto r = feed(w.finish(), {piece}, ue::test::want_all, lim);
            ASSERT_TRUE(r.done) << r.transcript;
            ASSERT_EQ(r.contents.size(), 2u);
            EXPECT_EQ(r.contents[0], tricky);
            EXPECT_EQ(r.contents[1], csv);
        }
    }
}

TEST(ZipReader, Zip64ExtraFieldGivesSizes) {
    zip_writer w;
    w.add("a.csv", csv, {.zip64 = true});
    w.add("b.xml", xml(20), {.method = 0, .zip64 = true});
    const auto r = feed(w.finish(true), {});
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 2u);
    EXPECT_EQ(r.contents[0], csv);
    EXPECT_EQ(r.contents[1], xml(20));
    EXPECT_NE(r.transcript.find("zip64=true"), std::string::npos);
}

TEST(ZipReader, Zip64MarkerWithoutExtraIsAnError) {
    zip_writer w;
    w.add("a.csv", csv, {.method = 0});
    std::string z = w.finish();
    z.replace(18, 4, "\xff\xff\xff\xff");
    const auto r = feed(z, {});
    EXPECT_EQ(r.error.code, error::bad_zip64);
    EXPECT_EQ(r.error.entry, "a.csv");
}

TEST(ZipReader, RealPythonZipfile) {
    const auto r = feed(read_fixture("python_zipfile.zip"), {}, wants_csv);
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 1u);
    EXPECT_EQ(r.contents[0],
              "dev,name,batch_size,accuracy,graph_breaks\ncuda,AlbertForMaskedLM,8,pass,0\n"
              "cuda,BertForMaskedLM,8,pass,3\n");
}

const std::string zip_r_csv = "dev,name,batch_size,accuracy,graph_breaks\ncuda,T5Small,4,pass,2\n";

TEST(ZipReader, RealZipCommand) {
    const auto r = feed(read_fixture("zip_r.zip"), {}, wants_csv);
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 1u);
    EXPECT_EQ(r.contents[0], zip_r_csv);
}

TEST(ZipReader, RealZipCommandToPipeUsesDescriptors) {
    const auto r = feed(read_fixture("zip_r_stream.zip"), {});
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 4u);
    EXPECT_EQ(r.contents[3], zip_r_csv);
    EXPECT_NE(r.transcript.find("flags=8"), std::string::npos);
}

TEST(ZipReader, RealZipFromStdinWithZip64Extra) {
    const auto r = feed(read_fixture("zip_stdin.zip"), {});
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 1u);
    EXPECT_EQ(r.contents[0], zip_r_csv);
}

TEST(ZipReader, RealZipFromStdinToPipeWithZip64Descriptor) {
    const auto r = feed(read_fixture("zip_stdin_pipe.zip"), {});
    ASSERT_TRUE(r.done) << r.transcript;
    ASSERT_EQ(r.contents.size(), 1u);
    EXPECT_EQ(r.contents[0], zip_r_csv);
    EXPECT_NE(r.transcript.find("flags=8"), std::string::npos);
    EXPECT_NE(r.transcript.find("zip64=true"), std::string::npos);
}

TEST(ZipReader, RealPythonZipfileToUnseekableStream) {
    // zipfile writes data descriptors when it cannot seek: stored (scanned) and Zip64 deflated.
    const std::string csv_rows =
        "dev,name,batch_size,accuracy,graph_breaks\ncuda,AlbertForMaskedLM,8,pass,7\n"
        "cuda,PK\x07\x08Model,8,fail,0\n";
    for (const char* f : {"python_stream_stored.zip", "python_stream_zip64.zip"}) {
        for (bool all : {true, false}) {
            const auto r = feed(read_fixture(f), {}, all ? ue::test::want_all : wants_csv);
            ASSERT_TRUE(r.done) << f << r.transcript;
            ASSERT_EQ(r.contents.size(), all ? 2u : 1u) << f;
            EXPECT_EQ(r.contents.back(), csv_rows) << f;
            EXPECT_NE(r.transcript.find("flags=8"), std::string::npos) << f;
        }
    }
}

TEST(ZipReader, OutputPendingAfterTheLastCompressedByte) {
    // A run of one byte deflates to a few bytes whose output overflows a small buffer many times:
    // zlib has used all compressed bytes while output is still pending.
    zip_writer w;
    w.add("run.csv", std::string(100000, 'x'));
    for (std::size_t out_size = 1; out_size <= 300; out_size += 13) {
        ue::zip::limits lim;
        lim.output_buffer_size = out_size;
        for (std::size_t piece : {std::size_t{0}, std::size_t{1}}) {
            const auto r = feed(w.finish(), {piece}, ue::test::want_all, lim);
            ASSERT_TRUE(r.done) << out_size << " " << piece << "\n" << r.transcript;
            EXPECT_EQ(r.contents.at(0), std::string(100000, 'x'));
        }
    }
}

TEST(ZipReader, MovedReaderContinues) {
    zip_writer w;
    w.add("a.csv", csv, {.descriptor = true});
    const std::string z = w.finish();
    std::span<const std::byte> in(reinterpret_cast<const std::byte*>(z.data()), z.size());
    ue::zip::reader first;
    auto res = first.next(in.first(40));
    ASSERT_EQ(res.what, ue::zip::event::entry);
    first.want_entry();
    in = in.subspan(res.consumed);
    ue::zip::reader second = std::move(first);
    std::string got;
    for (;;) {
        res = second.next(in);
        in = in.subspan(res.consumed);
        if (res.what == ue::zip::event::data)
            got.append(reinterpret_cast<const char*>(second.data().data()), second.data().size());
        if (res.what == ue::zip::event::done || res.what == ue::zip::event::error ||
            res.what == ue::zip::event::need_more)
            break;
    }
    EXPECT_EQ(res.what, ue::zip::event::done);
    EXPECT_EQ(got, csv);
}

}  // namespace
