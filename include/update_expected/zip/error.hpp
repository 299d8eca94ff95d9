#pragma once

#include <cstdint>
#include <string>
#include <system_error>

namespace ue::zip {

/// What can go wrong while reading a zip stream. Every code is final for the stream: after it the
/// reader reports the same error again.
enum class error {
    bad_signature = 1,     ///< the bytes where a header or record starts are no known zip signature
    truncated,             ///< the input ended before the central directory was reached
    bad_crc,               ///< an entry's CRC-32 differs from its header or data descriptor
    size_mismatch,         ///< an entry's sizes differ from its header or data descriptor
    entry_too_large,       ///< an entry inflates beyond limits::max_entry_size (zip bomb guard)
    unsupported_method,    ///< the entry is neither stored (0) nor deflated (8)
    bad_deflate_data,      ///< zlib rejected the entry's deflate stream
    encrypted_entry,       ///< the entry is encrypted (general-purpose flag bit 0 or 6)
    bad_zip64,             ///< a size is 0xFFFFFFFF but the Zip64 extra field does not carry it
    name_too_long,         ///< the entry name is longer than limits::max_name_length
    extra_too_long,        ///< the extra field is longer than limits::max_extra_length
    descriptor_not_found,  ///< a stored entry with a data descriptor has no confirmable descriptor
};

const std::error_category& zip_category() noexcept;

std::error_code make_error_code(error e) noexcept;

/// A failure with its context: which entry (empty when none had started) and the byte offset in the
/// zip stream (counted from the first byte fed to the reader) where it was found.
struct error_info {
    std::error_code code;
    std::string entry;
    std::uint64_t offset = 0;
    std::string detail;  ///< e.g. "expected 0x1234abcd, got 0x00000000"; may be empty

    /// "entry 'test/test-reports/x.csv' at byte 1234: bad CRC-32 (expected 0x..., got 0x...)"
    std::string describe() const;
};

}  // namespace ue::zip

template <>
struct std::is_error_code_enum<ue::zip::error> : std::true_type {};
