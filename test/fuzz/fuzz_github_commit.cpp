// A commit answer through sources::json_answer, whole and split (see json_answer_feed.hpp), then
// decode_commit_sha with a ref taken from the input. Byte 2 is the ref's length (at most 63), the
// ref follows, then the JSON. Checks: a decoded sha is 40 lower-case hex digits and starts with a
// hex ref (case-insensitive); a refusal is wrong_shape, names itself and leaves `sha` alone.
#include "json_answer_feed.hpp"

#include "update_expected/sources/github_answer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace ue::sources;

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_hex_text(std::string_view s) {
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f'))) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::size_t ref_size = std::min<std::size_t>(data[2] % 64, size - 3);
    const std::string ref(reinterpret_cast<const char*>(data + 3), ref_size);
    // The two leading bytes stay the cut and limits; the ref is cut out of the document.
    std::string input(reinterpret_cast<const char*>(data), 2);
    input.append(reinterpret_cast<const char*>(data + 3 + ref_size), size - 3 - ref_size);

    std::string_view rest;
    const auto doc = fuzz::parse_two_ways(reinterpret_cast<const std::uint8_t*>(input.data()), input.size(), rest);
    if (!doc) return 0;

    std::string sha = "unchanged";
    std::string message;
    const std::error_code ec = decode_commit_sha(*doc, ref, sha, message);
    if (ec) {
        if (ec != ue::jobs::error::wrong_shape || message.empty() || sha != "unchanged") std::abort();
        return 0;
    }
    if (!is_full_sha(sha)) std::abort();
    for (const char c : sha)
        if (c != lower(c)) std::abort();
    if (is_hex_text(ref) && ref.size() <= 40) {
        for (std::size_t i = 0; i < ref.size(); ++i)
            if (sha[i] != lower(ref[i])) std::abort();
    }
    // The sha itself, in either case, is a ref that the answer satisfies.
    std::string again;
    if (decode_commit_sha(*doc, sha, again, message) || again != sha) std::abort();
    return 0;
}
