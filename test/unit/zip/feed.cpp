#include "feed.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace ue::test {

namespace {

std::span<const std::byte> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// Feeds one piece; returns false once the reader reported done or an error.
bool feed_piece(zip::reader& r, std::span<const std::byte> in, const want_fn& want, run_result& out) {
    for (;;) {
        const auto res = r.next(in);
        EXPECT_LE(res.consumed, in.size());
        in = in.subspan(res.consumed);
        switch (res.what) {
            case zip::event::need_more: EXPECT_TRUE(in.empty()) << "need_more left input unused"; return true;
            case zip::event::entry: {
                const auto& e = r.entry();
                out.transcript +=
                    fmt::format("entry '{}' method={} flags={} crc={:08x} sizes={}/{} zip64={} at={}\n", e.name,
                                e.method, e.flags, e.crc32, e.compressed_size, e.uncompressed_size, e.zip64, e.offset);
                if (want(e)) {
                    r.want_entry();
                    out.contents.emplace_back();
                }
                break;
            }
            case zip::event::data: {
                EXPECT_FALSE(r.data().empty());
                if (out.contents.empty())
                    ADD_FAILURE() << "data for an entry nobody wanted";
                else
                    out.contents.back().append(reinterpret_cast<const char*>(r.data().data()), r.data().size());
                break;
            }
            case zip::event::entry_end:
                out.transcript += fmt::format("end '{}' delivered={}\n", r.entry().name,
                                              out.contents.empty() ? 0 : out.contents.back().size());
                break;
            case zip::event::done:
                EXPECT_TRUE(in.empty()) << "done leaves trailing input unconsumed";
                out.transcript += "done\n";
                out.done = true;
                return false;
            case zip::event::error:
                out.error = r.error();
                out.transcript += "error " + r.error().describe() + "\n";
                return false;
        }
    }
}

}  // namespace

run_result feed(std::string_view zip, const std::vector<std::size_t>& sizes, const want_fn& want, zip::limits lim) {
    zip::reader r(lim);
    run_result out;
    std::size_t at = 0;
    for (std::size_t i = 0; at < zip.size(); ++i) {
        const std::size_t n = sizes.empty() || sizes[i % sizes.size()] == 0
                                  ? zip.size() - at
                                  : std::min(sizes[i % sizes.size()], zip.size() - at);
        const bool more = feed_piece(r, bytes_of(zip.substr(at, n)), want, out);
        at += n;
        if (!more) return out;
    }
    // Empty pieces must be harmless, and end of input is explicit.
    if (!feed_piece(r, {}, want, out)) return out;
    const auto fin = r.finish();
    if (fin.what == zip::event::done) {
        out.transcript += "done\n";
        out.done = true;
    } else {
        EXPECT_EQ(fin.what, zip::event::error);
        out.error = r.error();
        out.transcript += "error " + r.error().describe() + "\n";
    }
    return out;
}

run_result feed_split(std::string_view zip, std::size_t at, const want_fn& want, zip::limits lim) {
    return feed(zip, {at == 0 ? zip.size() : at, 0}, want, lim);
}

}  // namespace ue::test
