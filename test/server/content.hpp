#pragma once
// What a response body is made of, read in pieces at any offset: a file, a generated body or a
// string. Internal to the test server.

#include <boost/beast/core/file.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <variant>

namespace ue::testing {

struct string_content {
    std::string bytes;
};

struct generated_content {
    std::uint64_t seed = 0;
};

// beast::file is not copyable; the shared_ptr lets a plan be copied while one file stays open.
struct file_content {
    std::shared_ptr<boost::beast::file> file;
};

using content = std::variant<std::monostate, string_content, generated_content, file_content>;

// Opens `path` for reading. Fails on a missing path or one that is not a regular file.
file_content open_file(const std::filesystem::path& path, std::error_code& ec);

// Fills `out` with the bytes at [offset, offset + out.size()). The caller stays within the size it
// announced. Files may fail (the error is returned); the others cannot.
std::error_code read_content(content& source, std::uint64_t offset, std::span<char> out);

// Strong validators: a file's from its size and modification time, a generated body's from its seed
// and size. Quoted, as they go on the wire.
std::string file_etag(std::uint64_t size, const std::filesystem::file_time_type& modified);
std::string generated_etag(std::uint64_t seed, std::uint64_t size);

}  // namespace ue::testing
