#include "update_expected/cache/answer_cache.hpp"

#include <fmt/format.h>

#include <charconv>

#include "codec.hpp"
#include "update_expected/expected/atomic_file.hpp"

namespace ue::cache {
namespace fs = std::filesystem;
namespace {

// The file: this line, then the URL, the ETag, the Link field and the body's length in bytes, one
// per line (none of them holds a line break), then the body. A length that does not match is a
// file cut short.
constexpr std::string_view magic = "update-expected api answer v1";

// The next line of `rest` (without its '\n'), or nothing when no '\n' is left.
std::optional<std::string_view> next_line(std::string_view& rest) {
    const auto end = rest.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    const auto line = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    return line;
}

std::optional<cached_answer> decode(std::string_view file, std::string_view url) {
    const auto head = next_line(file);
    const auto stored_url = next_line(file);
    const auto etag = next_line(file);
    const auto link = next_line(file);
    const auto length = next_line(file);
    if (!head || *head != magic || !stored_url || *stored_url != url || !etag || etag->empty() || !link || !length)
        return std::nullopt;
    std::size_t size = 0;
    const auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), size);
    if (ec != std::errc() || end != length->data() + length->size() || size != file.size()) return std::nullopt;
    return cached_answer{std::string(*etag), std::string(*link), std::string(file)};
}

bool one_line(std::string_view text) { return text.find_first_of("\r\n") == std::string_view::npos; }

}  // namespace

fs::path answer_cache::path_for(std::string_view url) const {
    return dir_ / detail::hashed_name(fmt::format("{}\n{}", magic, url));
}

std::optional<cached_answer> answer_cache::lookup(std::string_view url) const {
    const fs::path path = path_for(url);
    auto bytes = expected::read_file_if_exists(path);
    if (!bytes || !bytes.value()) return std::nullopt;
    auto answer = decode(*bytes.value(), url);
    std::error_code ec;
    if (!answer) {
        fs::remove(path, ec);
        return std::nullopt;
    }
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
    return answer;
}

std::error_code answer_cache::store(std::string_view url, const cached_answer& answer, error_info* why) const {
    const fs::path path = path_for(url);
    if (answer.etag.empty() || !one_line(url) || !one_line(answer.etag) || !one_line(answer.link)) {
        if (why) *why = {error::corrupt_entry, path.string(), "an answer without an ETag, or with a line break"};
        return error::corrupt_entry;
    }
    const std::string file =
        fmt::format("{}\n{}\n{}\n{}\n{}\n{}", magic, url, answer.etag, answer.link, answer.body.size(), answer.body);
    if (auto written = expected::replace_file(path, file, {.mode = 0600}); !written) {
        if (why) *why = {error::write_failed, path.string(), written.error().message};
        return error::write_failed;
    }
    if (why) *why = {};
    return {};
}

}  // namespace ue::cache
