#include "content.hpp"

#include "generated_body.hpp"

#include <boost/asio/error.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace ue::testing {

file_content open_file(const std::filesystem::path& path, std::error_code& ec) {
    if (!std::filesystem::is_regular_file(path, ec)) {
        if (!ec) ec = std::make_error_code(std::errc::no_such_file_or_directory);
        return {};
    }
    auto file = std::make_shared<boost::beast::file>();
    boost::beast::error_code bec;
    file->open(path.c_str(), boost::beast::file_mode::scan, bec);
    ec = bec;
    if (ec) return {};
    return {std::move(file)};
}

std::error_code read_content(content& source, std::uint64_t offset, std::span<char> out) {
    struct reader {
        std::uint64_t offset;
        std::span<char> out;

        std::error_code operator()(std::monostate) const { return {}; }
        std::error_code operator()(const string_content& s) const {
            std::memcpy(out.data(), s.bytes.data() + offset, out.size());
            return {};
        }
        std::error_code operator()(const generated_content& g) const {
            fill_generated(g.seed, offset, out);
            return {};
        }
        std::error_code operator()(file_content& f) const {
            boost::beast::error_code ec;
            f.file->seek(offset, ec);
            std::size_t done = 0;
            while (!ec && done < out.size()) {
                const std::size_t n = f.file->read(out.data() + done, out.size() - done, ec);
                if (n == 0 && !ec) ec = boost::asio::error::eof;  // the file shrank under us
                done += n;
            }
            return ec;
        }
    };
    return std::visit(reader{offset, out}, source);
}

std::string file_etag(std::uint64_t size, const std::filesystem::file_time_type& modified) {
    // The clock's epoch may lie after the file time: the tick count is taken as unsigned.
    return fmt::format("\"{:x}-{:x}\"", size, static_cast<std::uint64_t>(modified.time_since_epoch().count()));
}

std::string generated_etag(std::uint64_t seed, std::uint64_t size) {
    return fmt::format("\"gen-{:x}-{:x}\"", seed, size);
}

}  // namespace ue::testing
