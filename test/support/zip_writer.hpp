#pragma once
// A small zip writer for tests and benchmarks: builds archives with exactly the features a test
// asks for (stored or deflated, data descriptors, forced Zip64) and deliberate corruptions.

#include <cstdint>
#include <string>
#include <string_view>

namespace ue::test {

struct zip_entry_options {
    std::uint16_t method = 8;          ///< 0 stored, 8 deflate; other values are written as stored
    bool descriptor = false;           ///< flag bit 3: zero sizes in the local header, descriptor after
    bool descriptor_signature = true;  ///< the descriptor starts with 0x08074b50
    bool zip64 = false;                ///< Zip64 extra field in the local header (and 64-bit descriptor)
    int level = 6;                     ///< deflate level
    std::uint16_t extra_flags = 0;     ///< or-ed into the general-purpose flags (e.g. 1: encrypted)
    std::uint32_t crc_xor = 0;         ///< corrupts the recorded CRC-32 (header or descriptor)
    std::int64_t size_delta = 0;       ///< corrupts the recorded uncompressed size
};

class zip_writer {
public:
    /// Appends an entry whose data is `content` (compressed per `opt`).
    void add(std::string_view name, std::string_view content, const zip_entry_options& opt = {});

    /// Appends an entry whose stored payload is `payload` verbatim, with the given header values
    /// (for bad deflate data and unknown methods).
    void add_raw(std::string_view name, std::uint16_t method, std::string_view payload, std::uint32_t crc,
                 std::uint64_t size);

    /// Appends a deflated entry whose content is `head`, then `block` `times` times, then `tail`:
    /// gigabyte entries for benchmarks at the cost of a copy. Each part is deflated once and ended
    /// with a full flush (no back-reference crosses it), so the block's compressed bytes repeat
    /// verbatim and the entry is a valid deflate stream with the right CRC-32. Zip64 (local and
    /// central) when a size needs it. Each part must be under 1 GiB.
    void add_repeated(std::string_view name, std::string_view head, std::string_view block, std::uint64_t times,
                      std::string_view tail);

    /// The central directory and end record (Zip64 end records when `zip64_end`) after the entries.
    std::string finish(bool zip64_end = false);

    /// The bytes written so far (no central directory).
    const std::string& bytes() const { return out_; }

private:
    struct central {
        std::string name;
        std::uint16_t method, flags;
        std::uint32_t crc;
        std::uint64_t csize, usize, offset;
    };
    void local(const central& c, bool descriptor, bool zip64);
    void directory(const central& c, bool zip64);
    std::string central_;
    std::string out_;
    std::uint64_t count_ = 0;
};

/// Raw deflate (no zlib header) of `content`.
std::string deflate_raw(std::string_view content, int level = 6);

/// zlib's CRC-32 of `content`.
std::uint32_t crc32_of(std::string_view content);

}  // namespace ue::test
