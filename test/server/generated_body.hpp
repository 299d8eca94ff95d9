#pragma once
// The deterministic bytes of a generated body: any size, no file, the same on every machine.
// Byte i depends only on (seed, i), so any range can be produced without the bytes before it.

#include <cstdint>
#include <span>
#include <string>

namespace ue::testing {

// Writes bytes [offset, offset + out.size()) of the body generated from `seed` into `out`.
void fill_generated(std::uint64_t seed, std::uint64_t offset, std::span<char> out);

// Bytes [offset, offset + size) of that body as a string: for small bodies and short ranges.
std::string generated_bytes(std::uint64_t seed, std::uint64_t offset, std::uint64_t size);

// zlib's CRC-32 of bytes [offset, offset + size), computed in fixed-size pieces (no large buffer),
// to check a 2 GiB download against what the server sent.
std::uint32_t generated_crc32(std::uint64_t seed, std::uint64_t offset, std::uint64_t size);

}  // namespace ue::testing
