#pragma once
// Layouts of the zip records the streaming reader meets (APPNOTE 4.3.7, 4.3.9, 4.3.16, 4.5.3).

#include <update_expected/zip/error.hpp>
#include <update_expected/zip/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ue::zip::detail {

inline constexpr std::uint32_t local_header_sig = 0x04034b50;
inline constexpr std::uint32_t central_header_sig = 0x02014b50;
inline constexpr std::uint32_t end_record_sig = 0x06054b50;
inline constexpr std::uint32_t zip64_end_record_sig = 0x06064b50;
inline constexpr std::uint32_t descriptor_sig = 0x08074b50;
inline constexpr std::size_t local_header_size = 30;

std::uint16_t le16(std::string_view b, std::size_t at);
std::uint32_t le32(std::string_view b, std::size_t at);
std::uint64_t le64(std::string_view b, std::size_t at);

/// True for the records that follow the last local entry.
bool ends_entries(std::uint32_t sig);

/// Name and extra lengths of a complete fixed local header (local_header_size bytes).
struct variable_sizes {
    std::size_t name;
    std::size_t extra;
};
variable_sizes local_variable_sizes(std::string_view fixed);

/// Fills `out` from a complete local header (fixed part, name, extra field). Resolves Zip64 sizes;
/// returns error::bad_zip64 when a size the entry needs is 0xFFFFFFFF and no Zip64 field holds it.
std::optional<error> parse_local_header(std::string_view header, entry_info& out);

/// A data descriptor's values.
struct descriptor {
    std::uint32_t crc32;
    std::uint64_t compressed_size;
    std::uint64_t uncompressed_size;
};

/// Size of a data descriptor: optional signature, CRC-32, then two 4-byte (or Zip64: 8-byte) sizes.
std::size_t descriptor_size(bool has_signature, bool zip64);

/// Parses a complete descriptor of descriptor_size(has_signature, zip64) bytes.
descriptor parse_descriptor(std::string_view bytes, bool has_signature, bool zip64);

}  // namespace ue::zip::detail
