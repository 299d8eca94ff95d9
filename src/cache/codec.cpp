#include "codec.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <fmt/format.h>

#include <limits>

namespace ue::cache::detail {
namespace {

constexpr std::string_view magic = "ue-cache";
constexpr std::size_t fixed_header = 8 + 4 + 4 + 8;
constexpr std::size_t trailer = 4;

std::uint32_t crc_of(std::string_view bytes) {
    return static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

template <typename Int>
void put(std::string& out, Int v) {
    for (std::size_t i = 0; i < sizeof(Int); ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
}

template <typename Int>
Int get(std::string_view bytes, std::size_t at) {
    Int v = 0;
    for (std::size_t i = 0; i < sizeof(Int); ++i)
        v |= static_cast<Int>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    return v;
}

bool put_count(std::string& out, std::size_t n) {
    if (n > std::numeric_limits<std::uint32_t>::max()) return false;
    put(out, static_cast<std::uint32_t>(n));
    return true;
}

bool put_string(std::string& out, std::string_view s) {
    if (!put_count(out, s.size())) return false;
    out += s;
    return true;
}

bool put_strings(std::string& out, const std::vector<std::string>& v) {
    if (!put_count(out, v.size())) return false;
    for (const auto& s : v)
        if (!put_string(out, s)) return false;
    return true;
}

// Reads the payload; every length is checked against what is left before anything is allocated,
// so a damaged count cannot ask for more memory than the file's size.
class payload_reader {
public:
    explicit payload_reader(std::string_view bytes) : bytes_(bytes) {}

    std::size_t offset() const { return at_; }
    bool at_end() const { return at_ == bytes_.size(); }

    bool count(std::uint32_t& n, std::size_t min_item_size) {
        if (bytes_.size() - at_ < 4) return false;
        n = get<std::uint32_t>(bytes_, at_);
        at_ += 4;
        return n <= (bytes_.size() - at_) / min_item_size;
    }

    bool string(std::string& s) {
        std::uint32_t n = 0;
        if (!count(n, 1)) return false;
        s.assign(bytes_.substr(at_, n));
        at_ += n;
        return true;
    }

    bool strings(std::vector<std::string>& v) {
        std::uint32_t n = 0;
        if (!count(n, 4)) return false;
        v.resize(n);
        for (auto& s : v)
            if (!string(s)) return false;
        return true;
    }

private:
    std::string_view bytes_;
    std::size_t at_ = 0;
};

bool decode_payload(payload_reader& in, std::vector<cached_entry>& entries) {
    std::uint32_t n = 0;
    if (!in.count(n, 16)) return false;  // an entry is at least four empty counts
    entries.resize(n);
    for (auto& e : entries) {
        std::uint32_t rows = 0;
        if (!in.string(e.name) || !in.string(e.phase) || !in.strings(e.header) || !in.count(rows, 4)) return false;
        e.rows.resize(rows);
        for (auto& row : e.rows)
            if (!in.strings(row)) return false;
    }
    return in.at_end();
}

}  // namespace

bool encode_file(const cached_artifact& artifact, std::uint32_t version, std::string& out) {
    std::string payload;
    if (!put_count(payload, artifact.entries.size())) return false;
    for (const auto& e : artifact.entries) {
        if (!put_string(payload, e.name) || !put_string(payload, e.phase) || !put_strings(payload, e.header) ||
            !put_count(payload, e.rows.size()))
            return false;
        for (const auto& row : e.rows)
            if (!put_strings(payload, row)) return false;
    }
    const std::size_t start = out.size();
    out += magic;
    put(out, version);
    if (!put_count(out, artifact.url.size())) return false;
    put(out, static_cast<std::uint64_t>(payload.size()));
    out += artifact.url;
    out += payload;
    put(out, crc_of(std::string_view(out).substr(start)));
    return true;
}

std::error_code decode_file(std::string_view file, std::uint32_t version, std::string_view url, cached_artifact& out,
                            std::string& detail) {
    if (file.size() < fixed_header + trailer) {
        detail = fmt::format("{} bytes, less than a header", file.size());
        return error::truncated_entry;
    }
    if (file.substr(0, magic.size()) != magic) {
        detail = "bad magic";
        return error::corrupt_entry;
    }
    if (const auto v = get<std::uint32_t>(file, 8); v != version) {
        detail = fmt::format("version {}, expected {}", v, version);
        return error::version_mismatch;
    }
    const std::uint64_t url_size = get<std::uint32_t>(file, 12);
    const std::uint64_t payload_size = get<std::uint64_t>(file, 16);
    const std::uint64_t body = file.size() - fixed_header - trailer;
    if (payload_size > body || url_size > body - payload_size) {
        detail = fmt::format("{} bytes, shorter than its header says", file.size());
        return error::truncated_entry;
    }
    if (url_size + payload_size != body) {
        detail = fmt::format("{} bytes, header says {}", file.size(), fixed_header + url_size + payload_size + trailer);
        return error::corrupt_entry;
    }
    const std::size_t end = file.size() - trailer;
    if (crc_of(file.substr(0, end)) != get<std::uint32_t>(file, end)) {
        detail = "checksum mismatch";
        return error::corrupt_entry;
    }
    const std::string_view stored_url = file.substr(fixed_header, url_size);
    if (stored_url != url) {
        detail = fmt::format("holds {}", stored_url);
        return error::url_mismatch;
    }
    payload_reader in(file.substr(fixed_header + url_size, payload_size));
    cached_artifact decoded{std::string(url), {}};
    if (!decode_payload(in, decoded.entries)) {
        detail = fmt::format("bad encoding at payload byte {}", in.offset());
        return error::corrupt_entry;
    }
    out = std::move(decoded);
    return {};
}

std::string hashed_name(std::string_view key) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    // SHA-256 cannot fail on a valid digest; a failure would leave an empty name, which never hits.
    EVP_Digest(key.data(), key.size(), digest, &size, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
    return hex;
}

}  // namespace ue::cache::detail
