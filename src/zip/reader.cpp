#include <update_expected/zip/reader.hpp>

#include "records.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace ue::zip {

namespace {

constexpr std::uint16_t method_stored = 0;
constexpr std::uint16_t method_deflate = 8;
constexpr std::uint16_t flags_encrypted = 0x0001 | 0x0040;  // traditional or strong encryption
constexpr char descriptor_magic[] = {'P', 'K', '\x07', '\x08'};

std::string_view as_chars(std::span<const std::byte> bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

enum class reader::state {
    header,      // gathering a local header (or meeting the central directory)
    body_start,  // entry announced; the caller may still call want_entry()
    stored,      // stored or skipped bytes of known size
    inflating,   // deflate data, delivered or discarded
    scanning,    // stored data ended by a data descriptor: look for its signature
    descriptor,  // reading the data descriptor after inflated data
    entry_end,   // entry complete; verify and announce
    done,
    failed,
};

void reader::inflate_end::operator()(z_stream_s* zs) const noexcept {
    inflateEnd(zs);  // harmless on a stream never initialised: zlib sees its null state
    delete zs;
}

reader::reader(limits lim)
    : limits_(lim),
      state_(state::header),
      // Released descriptor candidates (up to a Zip64 descriptor's size) are delivered from out_ too.
      out_(std::make_unique<std::byte[]>(std::max(lim.output_buffer_size, detail::descriptor_size(true, true)))),
      zs_(new z_stream_s{}) {
    limits_.output_buffer_size = std::max<std::size_t>(lim.output_buffer_size, 1);
}

reader::~reader() = default;
reader::reader(reader&&) noexcept = default;
reader& reader::operator=(reader&&) noexcept = default;

result reader::next(std::span<const std::byte> in) {
    std::size_t used = 0;
    for (;;) {
        const state before = state_;
        const std::span<const std::byte> rest = in.subspan(used);
        result r{0, event::need_more};
        switch (state_) {
            case state::header: r = parse_header(rest); break;
            case state::body_start: r = begin_body(); break;
            case state::stored: r = read_stored(rest); break;
            case state::inflating: r = inflate_body(rest); break;
            case state::scanning: r = scan_stored(rest); break;
            case state::descriptor: r = read_descriptor(rest); break;
            case state::entry_end: r = end_entry(); break;
            case state::done: r = {rest.size(), event::done}; break;
            case state::failed: r = {0, event::error}; break;
        }
        used += r.consumed;
        offset_ += r.consumed;
        // A step that neither reports, uses input nor moves on is starved: only then ask for more.
        if (r.what != event::need_more || (r.consumed == 0 && state_ == before)) return {used, r.what};
    }
}

result reader::finish() {
    switch (state_) {
        case state::done: return {0, event::done};
        case state::failed: return {0, event::error};
        case state::scanning: return fail(error::descriptor_not_found, offset_, "input ended while looking for it");
        default: return fail(error::truncated, offset_, "input ended before the central directory");
    }
}

result reader::fail(zip::error code, std::uint64_t at, std::string detail) {
    state_ = state::failed;
    error_ = {code, entry_.name, at, std::move(detail)};  // the name is empty between entries
    return {0, event::error};
}

std::size_t reader::gather(std::span<const std::byte> in, std::size_t want) {
    const std::size_t take = std::min(want - std::min(want, hold_.size()), in.size());
    hold_.append(as_chars(in.first(take)));
    return take;
}

bool reader::count(std::span<const std::byte> bytes, bool with_crc) {
    // Not for empty spans: zlib's crc32 of a null buffer returns the initial value, not crc_.
    if (with_crc && !bytes.empty())
        crc_ = static_cast<std::uint32_t>(crc32_z(crc_, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
    out_count_ += bytes.size();
    return out_count_ <= limits_.max_entry_size;
}

result reader::parse_header(std::span<const std::byte> in) {
    if (hold_.empty()) {
        mark_ = offset_;
        entry_ = {};
    }
    std::size_t used = gather(in, 4);
    if (hold_.size() < 4) return {used, event::need_more};
    const std::uint32_t sig = detail::le32(hold_, 0);
    if (detail::ends_entries(sig)) {
        hold_.clear();
        state_ = state::done;
        return {in.size(), event::done};
    }
    if (sig != detail::local_header_sig)
        return fail(error::bad_signature, mark_, fmt::format("expected a local header, got 0x{:08x}", sig));

    used += gather(in.subspan(used), detail::local_header_size);
    if (hold_.size() < detail::local_header_size) return {used, event::need_more};
    const auto sizes = detail::local_variable_sizes(hold_);
    if (sizes.name > limits_.max_name_length)
        return fail(error::name_too_long, mark_,
                    fmt::format("{} bytes, limit {}", sizes.name, limits_.max_name_length));
    if (sizes.extra > limits_.max_extra_length)
        return fail(error::extra_too_long, mark_,
                    fmt::format("{} bytes, limit {}", sizes.extra, limits_.max_extra_length));
    used += gather(in.subspan(used), detail::local_header_size + sizes.name + sizes.extra);
    if (hold_.size() < detail::local_header_size + sizes.name + sizes.extra) return {used, event::need_more};

    const auto bad = detail::parse_local_header(hold_, entry_);
    entry_.offset = mark_;
    hold_.clear();
    if (bad) return fail(*bad, mark_, "a size is 0xFFFFFFFF without a Zip64 value");
    want_ = false;
    state_ = state::body_start;
    return {used, event::entry};
}

result reader::begin_body() {
    in_count_ = out_count_ = 0;
    crc_ = 0;
    const bool deliver_or_walk = want_ || entry_.has_descriptor();
    if ((entry_.flags & flags_encrypted) != 0 && deliver_or_walk) return fail(error::encrypted_entry, entry_.offset);
    const bool known = entry_.method == method_stored || entry_.method == method_deflate;
    if (!known && deliver_or_walk)
        return fail(error::unsupported_method, entry_.offset, fmt::format("method {}", entry_.method));
    if (!entry_.has_descriptor()) {
        if (want_ && entry_.uncompressed_size > limits_.max_entry_size)
            return fail(error::entry_too_large, entry_.offset,
                        fmt::format("{} bytes, limit {}", entry_.uncompressed_size, limits_.max_entry_size));
        if (entry_.method == method_stored && entry_.compressed_size != entry_.uncompressed_size)
            return fail(error::size_mismatch, entry_.offset,
                        fmt::format("stored entry with compressed size {} and size {}", entry_.compressed_size,
                                    entry_.uncompressed_size));
    }
    if (entry_.method == method_deflate && deliver_or_walk) {
        const int rc = zs_ready_ ? inflateReset(zs_.get()) : inflateInit2(zs_.get(), -MAX_WBITS);
        if (rc != Z_OK) return fail(error::bad_deflate_data, offset_, "zlib could not start inflating");
        zs_ready_ = true;
        state_ = state::inflating;
    } else {
        state_ = entry_.has_descriptor() ? state::scanning : state::stored;
    }
    return {0, event::need_more};
}

result reader::read_stored(std::span<const std::byte> in) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(entry_.compressed_size - in_count_, in.size()));
    in_count_ += n;
    if (in_count_ == entry_.compressed_size) state_ = state::entry_end;
    if (!want_ || n == 0) return {n, event::need_more};
    count(in.first(n), true);
    data_ = in.first(n);
    return {n, event::data};
}

result reader::inflate_body(std::span<const std::byte> in) {
    const std::size_t avail =
        entry_.has_descriptor()
            ? in.size()
            : static_cast<std::size_t>(std::min<std::uint64_t>(entry_.compressed_size - in_count_, in.size()));
    z_stream& zs = *zs_;
    std::size_t used = 0;
    // Discarded output never leaves this loop, so it runs until zlib is starved of input (or done):
    // then no output stays pending inside zlib when need_more is reported.
    for (;;) {
        // zlib never writes through next_in; the cast only fits its C signature.
        zs.next_in = const_cast<Bytef*>(reinterpret_cast<const Bytef*>(in.data() + used));
        zs.avail_in = static_cast<uInt>(std::min<std::size_t>(avail - used, UINT32_MAX));
        zs.next_out = reinterpret_cast<Bytef*>(out_.get());
        zs.avail_out = static_cast<uInt>(std::min<std::size_t>(limits_.output_buffer_size, UINT32_MAX));
        const uInt in_before = zs.avail_in;
        const uInt out_before = zs.avail_out;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        const std::size_t step = in_before - zs.avail_in;
        const std::size_t produced = out_before - zs.avail_out;
        used += step;
        in_count_ += step;
        if (rc == Z_STREAM_END)
            state_ = entry_.has_descriptor() ? state::descriptor : state::entry_end;
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return fail(error::bad_deflate_data, offset_ + used, zs.msg ? zs.msg : "zlib error");
        // zlib may still hold output after the last compressed byte; only a stall with the next
        // bytes of the stream at hand proves the deflate data longer than its header says.
        else if (step == 0 && produced == 0 && avail == 0 && !in.empty())
            return fail(error::bad_deflate_data, offset_,
                        fmt::format("deflate stream runs past the compressed size {}", entry_.compressed_size));
        const std::span<const std::byte> out(out_.get(), produced);
        if (!count(out, want_))
            return fail(error::entry_too_large, offset_ + used,
                        fmt::format("inflates past the limit of {} bytes", limits_.max_entry_size));
        if (want_ && produced > 0) {
            data_ = out;
            return {used, event::data};
        }
        if (rc != Z_OK || zs.avail_out != 0) return {used, event::need_more};
    }
}

result reader::scan_stored(std::span<const std::byte> in) {
    const std::size_t dlen = detail::descriptor_size(true, entry_.zip64);
    std::size_t used = 0;
    std::span<const std::byte> bytes;  // confirmed data released by this step
    if (hold_.empty()) {
        const void* p = in.empty() ? nullptr : std::memchr(in.data(), 'P', in.size());
        used = p ? static_cast<std::size_t>(static_cast<const std::byte*>(p) - in.data()) : in.size();
        bytes = in.first(used);
    }
    if (bytes.empty() && used < in.size()) {
        // A candidate starts here: it is a descriptor only if the signature, CRC and sizes agree.
        used += gather(in.subspan(used), dlen);
        const std::size_t sig_len = std::min<std::size_t>(hold_.size(), 4);
        const bool sig_ok = std::memcmp(hold_.data(), descriptor_magic, sig_len) == 0;
        if (sig_ok && hold_.size() < dlen) return {used, event::need_more};
        if (sig_ok) {
            const auto d = detail::parse_descriptor(hold_, true, entry_.zip64);
            if (d.crc32 == crc_ && d.compressed_size == in_count_ && d.uncompressed_size == in_count_) {
                hold_.clear();
                state_ = state::entry_end;
                return {used, event::need_more};
            }
        }
        // Not a descriptor: its bytes up to the next possible signature start are entry data.
        const std::size_t next = hold_.find('P', 1);
        const std::size_t n = next == std::string::npos ? hold_.size() : next;
        std::memcpy(out_.get(), hold_.data(), n);
        hold_.erase(0, n);
        bytes = {out_.get(), n};
    }
    in_count_ += bytes.size();
    if (!count(bytes, true))
        return fail(error::entry_too_large, offset_ + used,
                    fmt::format("no data descriptor within the limit of {} bytes", limits_.max_entry_size));
    if (want_ && !bytes.empty()) {
        data_ = bytes;
        return {used, event::data};
    }
    return {used, event::need_more};
}

result reader::read_descriptor(std::span<const std::byte> in) {
    if (hold_.empty()) mark_ = offset_;
    std::size_t used = gather(in, 4);
    if (hold_.size() < 4) return {used, event::need_more};
    const bool has_sig = detail::le32(hold_, 0) == detail::descriptor_sig;
    const std::size_t dlen = detail::descriptor_size(has_sig, entry_.zip64);
    used += gather(in.subspan(used), dlen);
    if (hold_.size() < dlen) return {used, event::need_more};
    const auto d = detail::parse_descriptor(hold_, has_sig, entry_.zip64);
    hold_.clear();
    if (d.compressed_size != in_count_ || d.uncompressed_size != out_count_)
        return fail(error::size_mismatch, mark_,
                    fmt::format("data descriptor says {} -> {} bytes, data has {} -> {}", d.compressed_size,
                                d.uncompressed_size, in_count_, out_count_));
    if (want_ && d.crc32 != crc_)
        return fail(error::bad_crc, mark_, fmt::format("expected 0x{:08x}, got 0x{:08x}", d.crc32, crc_));
    state_ = state::entry_end;
    return {used, event::need_more};
}

result reader::end_entry() {
    // Entries with a descriptor were checked against it; the others against their header.
    if (want_ && !entry_.has_descriptor()) {
        if (in_count_ != entry_.compressed_size || out_count_ != entry_.uncompressed_size)
            return fail(error::size_mismatch, offset_,
                        fmt::format("header says {} -> {} bytes, data has {} -> {}", entry_.compressed_size,
                                    entry_.uncompressed_size, in_count_, out_count_));
        if (crc_ != entry_.crc32)
            return fail(error::bad_crc, offset_, fmt::format("expected 0x{:08x}, got 0x{:08x}", entry_.crc32, crc_));
    }
    state_ = state::header;
    return {0, event::entry_end};
}

}  // namespace ue::zip
