// Corrupt, hostile and truncated input: always a named error with entry and offset, never a crash
// or a hang.
#include "feed.hpp"

#include <update_expected/zip/reader.hpp>
#include <zip_writer.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

using ue::test::feed;
using ue::test::feed_split;
using ue::test::zip_writer;
using ue::zip::error;

const std::string csv = "dev,name,batch_size,accuracy\ncuda,BertForMaskedLM,8,pass\n";

TEST(ZipCorrupt, BadCrcInHeaderNamesEntryAndOffset) {
    zip_writer w;
    w.add("ok.csv", csv);
    const std::size_t second = w.bytes().size();
    w.add("test/test-reports/x.csv", csv, {.crc_xor = 0x1});
    const std::string z = w.finish();
    const auto r = feed(z, {});
    ASSERT_EQ(r.error.code, error::bad_crc) << r.transcript;
    EXPECT_EQ(r.error.entry, "test/test-reports/x.csv");
    const std::uint32_t crc = ue::test::crc32_of(csv);
    const std::uint64_t end = second + 30 + 23 + ue::test::deflate_raw(csv).size();
    EXPECT_EQ(r.error.offset, end);
    EXPECT_EQ(r.error.describe(), fmt::format("entry 'test/test-reports/x.csv' at byte {}: bad CRC-32 "
                                              "(expected 0x{:08x}, got 0x{:08x})",
                                              end, crc ^ 1, crc));
}

TEST(ZipCorrupt, BadCrcIsIgnoredForSkippedEntries) {
    zip_writer w;
    w.add("x.xml", csv, {.crc_xor = 0x1});
    EXPECT_TRUE(feed(w.finish(), {}, [](const auto&) { return false; }).done);
}

TEST(ZipCorrupt, BadCrcInDescriptor) {
    for (std::uint16_t method : {0, 8}) {
        zip_writer w;
        w.add("d.csv", csv, {.method = method, .descriptor = true, .crc_xor = 0x100});
        const auto r = feed(w.finish(), {});
        // A stored entry's descriptor is only recognised by its CRC: a wrong one is never found.
        EXPECT_EQ(r.error.code, method == 8 ? error::bad_crc : error::descriptor_not_found) << r.transcript;
        EXPECT_EQ(r.error.entry, "d.csv");
    }
}

TEST(ZipCorrupt, SizeMismatch) {
    zip_writer w;
    w.add("s.csv", csv, {.size_delta = 1});
    EXPECT_EQ(feed(w.finish(), {}).error.code, error::size_mismatch);
    zip_writer d;
    d.add("s.csv", csv, {.descriptor = true, .size_delta = -1});
    EXPECT_EQ(feed(d.finish(), {}).error.code, error::size_mismatch);
    zip_writer s;
    s.add("s.csv", csv, {.method = 0, .size_delta = 2});
    EXPECT_EQ(feed(s.finish(), {}).error.code, error::size_mismatch);
}

TEST(ZipCorrupt, BadDeflateData) {
    zip_writer w;
    w.add_raw("bad.csv", 8, std::string(64, '\xff'), 0, 100);
    const auto r = feed(w.finish(), {});
    EXPECT_EQ(r.error.code, error::bad_deflate_data) << r.transcript;
    EXPECT_EQ(r.error.entry, "bad.csv");
}

TEST(ZipCorrupt, DeflateStreamLongerThanCompressedSize) {
    const std::string deflated = ue::test::deflate_raw(csv);
    zip_writer w;
    w.add_raw("short.csv", 8, deflated.substr(0, deflated.size() - 3), ue::test::crc32_of(csv), csv.size());
    EXPECT_EQ(feed(w.finish(), {}).error.code, error::bad_deflate_data);
}

TEST(ZipCorrupt, DeflateStreamShorterThanCompressedSize) {
    zip_writer w;
    w.add_raw("long.csv", 8, ue::test::deflate_raw(csv) + "junk", ue::test::crc32_of(csv), csv.size());
    EXPECT_EQ(feed(w.finish(), {}).error.code, error::size_mismatch);
}

TEST(ZipCorrupt, GarbageIsBadSignature) {
    const auto r = feed("this is not a zip file at all", {});
    EXPECT_EQ(r.error.code, error::bad_signature);
    EXPECT_EQ(r.error.offset, 0u);
    EXPECT_EQ(r.error.entry, "");
    EXPECT_EQ(r.error.describe(), "at byte 0: bad zip signature (expected a local header, got 0x73696874)");
}

TEST(ZipCorrupt, GarbageAfterEntryIsBadSignatureAtItsOffset) {
    zip_writer w;
    w.add("a.csv", csv);
    const std::string z = w.bytes() + "GARBAGE!";
    const auto r = feed(z, {});
    EXPECT_EQ(r.error.code, error::bad_signature);
    EXPECT_EQ(r.error.offset, w.bytes().size());
}

TEST(ZipCorrupt, EmptyInputIsTruncated) {
    const auto r = feed("", {});
    EXPECT_EQ(r.error.code, error::truncated);
    EXPECT_EQ(r.error.offset, 0u);
}

TEST(ZipCorrupt, TruncationAtEveryOffset) {
    zip_writer w;
    w.add("a.csv", csv);
    w.add("b.bin", csv, {.method = 0, .descriptor = true});
    w.add("c.xml", csv, {.descriptor = true, .descriptor_signature = false, .zip64 = true});
    w.add("d.xml", csv, {.method = 0});
    const std::size_t cd = w.bytes().size();
    const std::string z = w.finish();
    for (std::size_t n = 0; n < z.size(); ++n) {
        for (bool want : {true, false}) {
            const auto r = feed(std::string_view(z).substr(0, n), {}, [&](const auto&) { return want; });
            if (n >= cd + 4) {
                EXPECT_TRUE(r.done) << n;
                continue;
            }
            ASSERT_FALSE(r.done) << n;
            const bool in_scan = r.error.entry == "b.bin" && r.error.code == error::descriptor_not_found;
            EXPECT_TRUE(r.error.code == error::truncated || in_scan) << n << ": " << r.transcript;
            EXPECT_EQ(r.error.offset, n) << n;
        }
    }
}

TEST(ZipCorrupt, ZipBombDeclaredSizeOverLimit) {
    zip_writer w;
    w.add("bomb.csv", std::string(4 << 20, '0'));
    ue::zip::limits lim;
    lim.max_entry_size = 1 << 20;
    const auto r = feed(w.finish(), {}, ue::test::want_all, lim);
    EXPECT_EQ(r.error.code, error::entry_too_large);
    EXPECT_EQ(r.error.offset, 0u);
    // Skipping it by its sizes is fine.
    EXPECT_TRUE(feed(
                    w.finish(), {}, [](const auto&) { return false; }, lim)
                    .done);
}

TEST(ZipCorrupt, ZipBombHiddenBehindDescriptorOrLyingHeader) {
    ue::zip::limits lim;
    lim.max_entry_size = 1 << 20;
    const std::string zeros(4 << 20, '0');
    zip_writer d;
    d.add("bomb.csv", zeros, {.descriptor = true});
    for (bool want : {true, false}) {
        const auto r = feed(
            d.finish(), {}, [&](const auto&) { return want; }, lim);
        EXPECT_EQ(r.error.code, error::entry_too_large) << want;
        EXPECT_LT(r.error.offset, d.bytes().size());
    }
    zip_writer lie;
    lie.add_raw("bomb.csv", 8, ue::test::deflate_raw(zeros), 0, 10);
    EXPECT_EQ(feed(lie.finish(), {}, ue::test::want_all, lim).error.code, error::entry_too_large);
}

TEST(ZipCorrupt, DefaultLimitIs256MiB) { EXPECT_EQ(ue::zip::limits{}.max_entry_size, 256u << 20); }

TEST(ZipCorrupt, EncryptedEntryIsRefusedWhenWanted) {
    zip_writer w;
    w.add("secret.csv", csv, {.extra_flags = 1});
    const std::string z = w.finish();
    EXPECT_EQ(feed(z, {}).error.code, error::encrypted_entry);
    EXPECT_TRUE(feed(z, {}, [](const auto&) { return false; }).done);
}

TEST(ZipCorrupt, UnsupportedMethodIsRefusedWhenWanted) {
    zip_writer w;
    w.add_raw("bzip2.csv", 12, "BZh91AY&SY", 0, 100);
    const std::string z = w.finish();
    const auto r = feed(z, {});
    EXPECT_EQ(r.error.code, error::unsupported_method);
    EXPECT_EQ(r.error.detail, "method 12");
    EXPECT_TRUE(feed(z, {}, [](const auto&) { return false; }).done);
}

TEST(ZipCorrupt, NameAndExtraLimits) {
    zip_writer w;
    w.add("a-rather-long-name.csv", csv, {.zip64 = true});
    const std::string z = w.finish();
    ue::zip::limits names;
    names.max_name_length = 8;
    EXPECT_EQ(feed(z, {}, ue::test::want_all, names).error.code, error::name_too_long);
    ue::zip::limits extras;
    extras.max_extra_length = 8;
    EXPECT_EQ(feed(z, {}, ue::test::want_all, extras).error.code, error::extra_too_long);
}

TEST(ZipCorrupt, ErrorIsFinal) {
    ue::zip::reader r;
    const std::string junk = "junkjunk";
    const std::span<const std::byte> in(reinterpret_cast<const std::byte*>(junk.data()), junk.size());
    EXPECT_EQ(r.next(in).what, ue::zip::event::error);
    EXPECT_EQ(r.next(in).what, ue::zip::event::error);
    EXPECT_EQ(r.finish().what, ue::zip::event::error);
    EXPECT_EQ(r.error().code, error::bad_signature);
}

TEST(ZipCorrupt, ErrorCategory) {
    const std::error_code ec = error::bad_crc;
    EXPECT_STREQ(ec.category().name(), "ue.zip");
    EXPECT_EQ(ec.message(), "bad CRC-32");
    EXPECT_EQ(std::error_code(error::truncated).message(), "zip stream truncated");
}

}  // namespace
