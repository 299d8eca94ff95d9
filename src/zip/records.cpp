#include "records.hpp"

namespace ue::zip::detail {

std::uint16_t le16(std::string_view b, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}

std::uint32_t le32(std::string_view b, std::size_t at) {
    return static_cast<std::uint32_t>(le16(b, at)) | static_cast<std::uint32_t>(le16(b, at + 2)) << 16;
}

std::uint64_t le64(std::string_view b, std::size_t at) {
    return static_cast<std::uint64_t>(le32(b, at)) | static_cast<std::uint64_t>(le32(b, at + 4)) << 32;
}

bool ends_entries(std::uint32_t sig) {
    return sig == central_header_sig || sig == end_record_sig || sig == zip64_end_record_sig;
}

variable_sizes local_variable_sizes(std::string_view fixed) { return {le16(fixed, 26), le16(fixed, 28)}; }

namespace {

constexpr std::uint32_t zip64_marker = 0xFFFFFFFF;
constexpr std::uint16_t zip64_extra_id = 0x0001;

// The Zip64 field lists, in this order, only the sizes whose 32-bit field is 0xFFFFFFFF. A
// local header is meant to carry both, but readers in the wild meet either shape.
std::optional<error> apply_zip64(std::string_view field, entry_info& e, bool sizes_needed) {
    std::size_t at = 0;
    for (std::uint64_t* size : {&e.uncompressed_size, &e.compressed_size}) {
        if (*size != zip64_marker && field.size() < 16) continue;
        if (at + 8 > field.size())
            return sizes_needed && *size == zip64_marker ? std::optional(error::bad_zip64) : std::nullopt;
        const std::uint64_t value = le64(field, at);
        at += 8;
        if (*size == zip64_marker) *size = value;
    }
    return std::nullopt;
}

}  // namespace

std::optional<error> parse_local_header(std::string_view header, entry_info& out) {
    const auto sizes = local_variable_sizes(header);
    out.flags = le16(header, 6);
    out.method = le16(header, 8);
    out.crc32 = le32(header, 14);
    out.compressed_size = le32(header, 18);
    out.uncompressed_size = le32(header, 22);
    out.name.assign(header.substr(local_header_size, sizes.name));
    out.zip64 = false;
    const bool sizes_needed = !out.has_descriptor();

    std::string_view extra = header.substr(local_header_size + sizes.name, sizes.extra);
    // A malformed tail of the extra field is ignored, as other readers do: it carries no sizes.
    while (extra.size() >= 4) {
        const std::uint16_t id = le16(extra, 0);
        const std::uint16_t len = le16(extra, 2);
        if (4u + len > extra.size()) break;
        if (id == zip64_extra_id) {
            out.zip64 = true;
            if (auto err = apply_zip64(extra.substr(4, len), out, sizes_needed)) return err;
        }
        extra.remove_prefix(4u + len);
    }
    if (sizes_needed && (out.compressed_size == zip64_marker || out.uncompressed_size == zip64_marker) && !out.zip64)
        return error::bad_zip64;
    return std::nullopt;
}

std::size_t descriptor_size(bool has_signature, bool zip64) {
    return (has_signature ? 4u : 0u) + 4u + (zip64 ? 16u : 8u);
}

descriptor parse_descriptor(std::string_view bytes, bool has_signature, bool zip64) {
    const std::size_t at = has_signature ? 4 : 0;
    if (zip64) return {le32(bytes, at), le64(bytes, at + 4), le64(bytes, at + 12)};
    return {le32(bytes, at), le32(bytes, at + 4), le32(bytes, at + 8)};
}

}  // namespace ue::zip::detail
