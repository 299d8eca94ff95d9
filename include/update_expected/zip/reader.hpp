#pragma once

#include <update_expected/zip/error.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct z_stream_s;

namespace ue::zip {

/// Bounds the reader enforces; each violation is its own error.
struct limits {
    std::uint64_t max_entry_size = 256u << 20;   ///< inflated bytes per entry (error::entry_too_large)
    std::size_t max_name_length = 4096;          ///< error::name_too_long
    std::size_t max_extra_length = 16384;        ///< error::extra_too_long
    std::size_t output_buffer_size = 64u << 10;  ///< most bytes per data event of a deflated entry; 0 means 1
};

/// One local file header, as announced by event::entry.
struct entry_info {
    std::string name;
    std::uint16_t method = 0;           ///< 0 stored, 8 deflate
    std::uint16_t flags = 0;            ///< general-purpose bit flag
    std::uint32_t crc32 = 0;            ///< from the header; meaningless when has_descriptor()
    std::uint64_t compressed_size = 0;  ///< from the header (Zip64 resolved); idem
    std::uint64_t uncompressed_size = 0;
    bool zip64 = false;        ///< the header has a Zip64 extra field (0x0001)
    std::uint64_t offset = 0;  ///< stream offset of the local header

    bool has_descriptor() const noexcept { return (flags & 0x08) != 0; }
};

enum class event {
    need_more,  ///< all input was used; feed more bytes (or call finish() at end of input)
    entry,      ///< a local header was parsed: see entry(); call want_entry() to get its bytes
    data,       ///< data() holds the next inflated bytes of the wanted entry
    entry_end,  ///< the current entry ended and was verified (CRC-32 and sizes when wanted)
    done,       ///< the central directory (or end record) was reached; the rest is ignored
    error,      ///< see error(); final
};

struct result {
    std::size_t consumed;  ///< bytes of the input used by this call
    event what;
};

/// Sans-IO streaming reader of a zip file's local entries, front to back (like Beast's
/// basic_parser): it owns no stream and never holds a whole entry. Memory is O(limits + inflate
/// window) whatever the input size. Not thread-safe; movable, not copyable.
///
/// Loop: r = next(in); in = in.subspan(r.consumed); act on r.what; repeat. Each call reports at most
/// one event. need_more means the whole input was consumed and is the only event asking for more
/// input: after any other event call next() again with the rest, even when it is empty (zlib may
/// hold more output). At end of input call finish().
/// Unwanted entries are skipped by their sizes when the local header has them, else inflated and
/// discarded (deflate) or scanned for a descriptor confirmed by CRC and size (stored).
class reader {
public:
    explicit reader(limits lim = {});
    ~reader();
    reader(reader&&) noexcept;
    reader& operator=(reader&&) noexcept;

    /// Parses from `in`. After done, consumes everything (trailing bytes are ignored).
    result next(std::span<const std::byte> in);

    /// Declares the end of input: returns done if the central directory was reached, else the
    /// error truncated (or descriptor_not_found inside a stored entry with a data descriptor).
    result finish();

    /// The current entry: valid from event::entry through its event::entry_end.
    const entry_info& entry() const noexcept { return entry_; }

    /// After event::entry and before the next call to next(): deliver this entry's bytes.
    /// Without it the entry is skipped.
    void want_entry() noexcept { want_ = true; }

    /// After event::data: the bytes, valid until the next call to next() or finish().
    std::span<const std::byte> data() const noexcept { return data_; }

    /// After event::error.
    const error_info& error() const noexcept { return error_; }

    /// Bytes consumed so far: the stream offset of the next byte to feed.
    std::uint64_t offset() const noexcept { return offset_; }

private:
    enum class state;

    result fail(zip::error code, std::uint64_t at, std::string detail = {});
    result parse_header(std::span<const std::byte> in);
    result begin_body();
    result read_stored(std::span<const std::byte> in);
    result inflate_body(std::span<const std::byte> in);
    result scan_stored(std::span<const std::byte> in);
    result read_descriptor(std::span<const std::byte> in);
    result end_entry();
    std::size_t gather(std::span<const std::byte> in, std::size_t want);
    bool count(std::span<const std::byte> bytes, bool deliver);

    limits limits_;
    state state_;
    entry_info entry_;
    bool want_ = false;
    std::uint64_t offset_ = 0;
    std::uint64_t mark_ = 0;       // stream offset of the header or descriptor being gathered
    std::uint64_t in_count_ = 0;   // compressed bytes of the entry consumed
    std::uint64_t out_count_ = 0;  // uncompressed bytes of the entry produced
    std::uint32_t crc_ = 0;
    std::string hold_;  // header, descriptor or descriptor candidate being gathered
    std::unique_ptr<std::byte[]> out_;
    struct inflate_end {
        void operator()(z_stream_s* zs) const noexcept;
    };
    std::unique_ptr<z_stream_s, inflate_end> zs_;
    bool zs_ready_ = false;
    std::span<const std::byte> data_;
    error_info error_;
};

}  // namespace ue::zip
