#include "generated_body.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace ue::testing {
namespace {

// SplitMix64: one multiply-xorshift mix per 8 bytes, fast and well spread.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

void fill_generated(std::uint64_t seed, std::uint64_t offset, std::span<char> out) {
    std::size_t i = 0;
    while (i < out.size()) {
        const std::uint64_t pos = offset + i;
        const std::uint64_t word = mix(seed ^ mix(pos / 8));
        // Whole words in one store: byte b of a word is bits 8b..8b+7, which is the memory order
        // of a little-endian word. The server generates gigabytes in benchmarks; byte by byte it
        // was slower than the clients it serves.
        if constexpr (std::endian::native == std::endian::little) {
            if (pos % 8 == 0 && out.size() - i >= 8) {
                std::memcpy(out.data() + i, &word, 8);
                i += 8;
                continue;
            }
        }
        for (unsigned b = static_cast<unsigned>(pos % 8); b < 8 && i < out.size(); ++b, ++i)
            out[i] = static_cast<char>(static_cast<unsigned char>(word >> (8 * b)));
    }
}

std::string generated_bytes(std::uint64_t seed, std::uint64_t offset, std::uint64_t size) {
    std::string bytes(size, '\0');
    fill_generated(seed, offset, bytes);
    return bytes;
}

std::uint32_t generated_crc32(std::uint64_t seed, std::uint64_t offset, std::uint64_t size) {
    std::array<char, 64 * 1024> piece;
    uLong crc = crc32(0, nullptr, 0);
    while (size > 0) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, piece.size()));
        fill_generated(seed, offset, std::span(piece.data(), n));
        crc = crc32(crc, reinterpret_cast<const Bytef*>(piece.data()), static_cast<uInt>(n));
        offset += n;
        size -= n;
    }
    return static_cast<std::uint32_t>(crc);
}

}  // namespace ue::testing
