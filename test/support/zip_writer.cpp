#include "zip_writer.hpp"

#include <zlib.h>

#include <stdexcept>

namespace ue::test {

namespace {

void put16(std::string& out, std::uint64_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint64_t v) {
    put16(out, v & 0xFFFF);
    put16(out, (v >> 16) & 0xFFFF);
}
void put64(std::string& out, std::uint64_t v) {
    put32(out, v & 0xFFFFFFFF);
    put32(out, v >> 32);
}

constexpr std::uint32_t marker = 0xFFFFFFFF;

// Deflates `in` on a running stream with `flush` (Z_FULL_FLUSH or Z_FINISH) and returns its output.
std::string deflate_part(z_stream& zs, std::string_view in, int flush) {
    if (in.size() >= (1u << 30)) throw std::length_error("zip_writer: a part of a repeated entry must be under 1 GiB");
    std::string out;
    char buffer[64 * 1024];
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(buffer);
        zs.avail_out = sizeof buffer;
        const int rc = deflate(&zs, flush);
        if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
        out.append(buffer, sizeof buffer - zs.avail_out);
        // zlib asks to be called again with the same flush while it fills the whole output buffer.
        if (flush == Z_FINISH ? rc == Z_STREAM_END : zs.avail_out != 0) return out;
    }
}

}  // namespace

std::string deflate_raw(std::string_view content, int level) {
    z_stream zs{};
    if (deflateInit2(&zs, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string out(deflateBound(&zs, content.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
    zs.avail_in = static_cast<uInt>(content.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
    return out;
}

std::uint32_t crc32_of(std::string_view content) {
    return static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(content.data()), content.size()));
}

void zip_writer::local(const central& c, bool descriptor, bool zip64) {
    put32(out_, 0x04034b50);
    put16(out_, zip64 ? 45 : 20);
    put16(out_, c.flags);
    put16(out_, c.method);
    put32(out_, 0x00210000);  // 1980-01-01 00:00
    const bool zero = descriptor;
    put32(out_, zero ? 0 : c.crc);
    put32(out_, zip64 ? marker : zero ? 0 : c.csize);
    put32(out_, zip64 ? marker : zero ? 0 : c.usize);
    put16(out_, c.name.size());
    put16(out_, zip64 ? 20 : 0);
    out_ += c.name;
    if (zip64) {
        put16(out_, 0x0001);
        put16(out_, 16);
        put64(out_, zero ? 0 : c.usize);
        put64(out_, zero ? 0 : c.csize);
    }
}

// The central directory is only ever read by other tools (unzip, Python) checking our fixtures.
void zip_writer::directory(const central& c, bool zip64) {
    put32(central_, 0x02014b50);
    put16(central_, 45);
    put16(central_, zip64 ? 45 : 20);
    put16(central_, c.flags);
    put16(central_, c.method);
    put32(central_, 0x00210000);
    put32(central_, c.crc);
    put32(central_, zip64 ? marker : c.csize);
    put32(central_, zip64 ? marker : c.usize);
    put16(central_, c.name.size());
    put16(central_, zip64 ? 28 : 0);
    put16(central_, 0);  // comment, disk, internal attributes
    put16(central_, 0);
    put16(central_, 0);
    put32(central_, 0);  // external attributes
    put32(central_, zip64 ? marker : c.offset);
    central_ += c.name;
    if (zip64) {
        put16(central_, 0x0001);
        put16(central_, 24);
        put64(central_, c.usize);
        put64(central_, c.csize);
        put64(central_, c.offset);
    }
    ++count_;
}

void zip_writer::add(std::string_view name, std::string_view content, const zip_entry_options& opt) {
    const bool deflated = opt.method == 8;
    const std::string payload = deflated ? deflate_raw(content, opt.level) : std::string(content);
    central c{std::string(name),
              opt.method,
              static_cast<std::uint16_t>((opt.descriptor ? 0x08 : 0) | opt.extra_flags),
              crc32_of(content) ^ opt.crc_xor,
              payload.size(),
              static_cast<std::uint64_t>(static_cast<std::int64_t>(content.size()) + opt.size_delta),
              out_.size()};
    local(c, opt.descriptor, opt.zip64);
    out_ += payload;
    if (opt.descriptor) {
        if (opt.descriptor_signature) put32(out_, 0x08074b50);
        put32(out_, c.crc);
        if (opt.zip64) {
            put64(out_, c.csize);
            put64(out_, c.usize);
        } else {
            put32(out_, c.csize);
            put32(out_, c.usize);
        }
    }
    directory(c, opt.zip64);
}

void zip_writer::add_raw(std::string_view name, std::uint16_t method, std::string_view payload, std::uint32_t crc,
                         std::uint64_t size) {
    central c{std::string(name), method, 0, crc, payload.size(), size, out_.size()};
    local(c, false, false);
    out_ += payload;
    directory(c, false);
}

void zip_writer::add_repeated(std::string_view name, std::string_view head, std::string_view block, std::uint64_t times,
                              std::string_view tail) {
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw std::runtime_error("deflateInit2 failed");
    std::string h, b, t;
    try {
        h = deflate_part(zs, head, Z_FULL_FLUSH);
        b = deflate_part(zs, block, Z_FULL_FLUSH);
        t = deflate_part(zs, tail, Z_FINISH);
    } catch (...) {
        deflateEnd(&zs);
        throw;
    }
    deflateEnd(&zs);
    const std::uint32_t block_crc = crc32_of(block);
    std::uint32_t crc = crc32_of(head);
    for (std::uint64_t i = 0; i < times; ++i)
        crc = static_cast<std::uint32_t>(crc32_combine(crc, block_crc, static_cast<z_off_t>(block.size())));
    crc = static_cast<std::uint32_t>(crc32_combine(crc, crc32_of(tail), static_cast<z_off_t>(tail.size())));
    const std::uint64_t csize = h.size() + b.size() * times + t.size();
    const std::uint64_t usize = head.size() + block.size() * times + tail.size();
    const bool zip64 = csize >= marker || usize >= marker;
    const central c{std::string(name), 8, 0, crc, csize, usize, out_.size()};
    local(c, false, zip64);
    out_.reserve(out_.size() + csize);
    out_ += h;
    for (std::uint64_t i = 0; i < times; ++i) out_ += b;
    out_ += t;
    directory(c, zip64);
}

std::string zip_writer::finish(bool zip64_end) {
    std::string out = out_;
    const std::uint64_t cd_offset = out.size();
    out += central_;
    if (zip64_end) {
        const std::uint64_t z64_offset = out.size();
        put32(out, 0x06064b50);
        put64(out, 44);
        put16(out, 45);
        put16(out, 45);
        put32(out, 0);
        put32(out, 0);
        put64(out, count_);
        put64(out, count_);
        put64(out, central_.size());
        put64(out, cd_offset);
        put32(out, 0x07064b50);
        put32(out, 0);
        put64(out, z64_offset);
        put32(out, 1);
    }
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, zip64_end ? 0xFFFF : count_);
    put16(out, zip64_end ? 0xFFFF : count_);
    put32(out, zip64_end ? marker : central_.size());
    put32(out, zip64_end ? marker : cd_offset);
    put16(out, 0);
    return out;
}

}  // namespace ue::test
