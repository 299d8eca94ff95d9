#pragma once

// Shared by the GitHub answer targets: parses one JSON document with sources::json_answer twice,
// whole and cut in two at a point taken from the input, and aborts unless both ways agree (same
// error, same document). The first two bytes of the input choose the cut and the limits.

#include "update_expected/jobs/error.hpp"
#include "update_expected/sources/github_answer.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <system_error>

namespace fuzz {

struct parsed {
    std::error_code ec;
    boost::json::value doc;  // only when !ec
};

inline parsed parse_answer(std::string_view doc, std::size_t cut, ue::sources::answer_limits limits) {
    ue::sources::json_answer answer(limits);
    std::error_code ec = answer.feed(doc.substr(0, cut));
    if (!ec) ec = answer.feed(doc.substr(cut));
    if (!ec) ec = answer.finish();
    if (ec) {
        // The first error sticks and is named.
        if (answer.message().empty() || answer.feed("x") != ec || answer.finish() != ec) std::abort();
        return {ec, {}};
    }
    if (!answer.message().empty()) std::abort();
    return {ec, answer.take()};
}

// The document of the input after its two leading bytes, or nullopt when it is not valid JSON within
// the limits. Byte 0 picks the cut, byte 1 bit 0 small limits (depth 8, half the document's size).
inline std::optional<boost::json::value> parse_two_ways(const std::uint8_t* data, std::size_t size,
                                                        std::string_view& rest) {
    if (size < 2) return std::nullopt;
    rest = std::string_view(reinterpret_cast<const char*>(data + 2), size - 2);
    ue::sources::answer_limits limits;
    if (data[1] & 1) limits = {.max_bytes = rest.size() / 2 + 1, .max_depth = 8};
    const std::size_t cut = rest.empty() ? 0 : (std::size_t{data[0]} * 257 + data[1]) % (rest.size() + 1);

    parsed whole = parse_answer(rest, rest.size(), limits);
    parsed split = parse_answer(rest, cut, limits);
    if (whole.ec == ue::jobs::error::too_large || split.ec == ue::jobs::error::too_large) {
        // Too large whole means too large or an error in the part parsed before the limit was hit.
        if (!whole.ec || !split.ec) std::abort();
        return std::nullopt;
    }
    if (whole.ec != split.ec) std::abort();
    if (whole.ec) return std::nullopt;
    // Compared as text: Boost.JSON reads some numbers (0e400) as NaN, which equals nothing.
    if (boost::json::serialize(whole.doc) != boost::json::serialize(split.doc)) std::abort();
    return std::move(whole.doc);
}

}  // namespace fuzz
