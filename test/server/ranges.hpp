#pragma once
// The server's reading of Range and If-Range (RFC 9110 section 14), as plain logic.

#include <cstdint>
#include <string_view>

namespace ue::testing {

enum class range_kind {
    full,           // 200 with the whole representation
    partial,        // 206 with bytes [first, first + length) and Content-Range
    unsatisfiable,  // 416 with Content-Range: bytes */size
};

struct range_decision {
    range_kind kind = range_kind::full;
    std::uint64_t first = 0;
    std::uint64_t length = 0;  // for `full`, the whole size
};

// Decides what to send for a representation of `size` bytes with strong ETag `etag`.
// Accepted: "bytes=N-", "bytes=N-M" (M past the end is clamped) and "bytes=-S" (last S bytes).
// Served in full, as RFC 9110 allows: no Range, several ranges, a malformed value, or an If-Range
// that is not exactly `etag` (dates in If-Range are never matched, so they also get the full body).
// Unsatisfiable: a first byte at or past the end, or a suffix of 0 bytes.
range_decision decide_range(std::string_view range, std::string_view if_range, std::string_view etag,
                            std::uint64_t size);

}  // namespace ue::testing
