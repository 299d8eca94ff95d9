#pragma once

// The on-disk form of one cache file (internal to the cache part). All integers little-endian:
//   magic "ue-cache" (8) | version u32 | URL length u32 | payload length u64 | URL | payload |
//   CRC-32 u32 of every byte before it.
// Payload: u32 entry count, then per entry: name, phase, u32 header count and that many strings,
// u32 row count and per row a u32 field count and that many strings; a string is a u32 length and
// its bytes. Length prefixes carry any byte (comma, quote, line break, NUL) unchanged.

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "update_expected/cache/artifact_cache.hpp"

namespace ue::cache::detail {

// Appends the file form of `artifact` to `out`. Fails (false) only when a string or a count does
// not fit 32 bits.
bool encode_file(const cached_artifact& artifact, std::uint32_t version, std::string& out);

// Decodes a whole file expected to hold `url` in format `version`. On failure returns the code
// (truncated_entry, corrupt_entry, version_mismatch, url_mismatch) and says where in `detail`.
std::error_code decode_file(std::string_view file, std::uint32_t version, std::string_view url, cached_artifact& out,
                            std::string& detail);

// The name of the file that holds `key` (a format tag and a URL): its SHA-256 in lower-case hex,
// the 64 characters that the artifact cache's eviction recognises as an entry.
std::string hashed_name(std::string_view key);

}  // namespace ue::cache::detail
