// `Link` header values through sources::link_target: the input is one or more field values, one per
// line. Checks: a next or last link is the text between a '<' and the first '>' after it, exactly
// as written; written again as `<it>; rel="next"` it is found again; over a response head the
// result is that of the first field that has one.
#include "update_expected/sources/github_answer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

using namespace ue::sources;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    ue::net::response_head head;
    std::optional<std::string> first;
    bool found = false;
    for (std::size_t at = 0; at <= input.size();) {
        const auto end = std::min(input.find('\n', at), input.size());
        const std::string_view value = input.substr(at, end - at);
        const auto next = link_target(value, "next");
        if (const auto last = link_target(value, "last")) {
            if (value.find("<" + *last + ">") == std::string_view::npos) std::abort();
            if (link_target("<" + *last + ">; rel=\"last next\"", "last") != last) std::abort();
        }
        if (next) {
            if (next->find('>') != std::string::npos) std::abort();
            if (value.find("<" + *next + ">") == std::string_view::npos) std::abort();
            if (link_target("<" + *next + ">; rel=\"next\"", "next") != next) std::abort();
            if (link_target("<" + *next + ">; rel=NEXT, <x>; rel=\"last\"", "next") != next) std::abort();
            if (!found) first = next;
            found = true;
        }
        // Every other field is called something else and must not count.
        head.fields.emplace_back(head.fields.size() % 2 ? "Link" : "lInK", std::string(value));
        head.fields.emplace_back("X-Link", "<https://wrong.example/>; rel=next");
        at = end + 1;
    }
    if (link_target(head, "next") != first) std::abort();
    return 0;
}
