#include <update_expected/zip/error.hpp>

#include <fmt/format.h>

namespace ue::zip {

namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ue.zip"; }

    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::bad_signature: return "bad zip signature";
            case error::truncated: return "zip stream truncated";
            case error::bad_crc: return "bad CRC-32";
            case error::size_mismatch: return "entry size mismatch";
            case error::entry_too_large: return "entry larger than the size limit";
            case error::unsupported_method: return "unsupported compression method";
            case error::bad_deflate_data: return "bad deflate data";
            case error::encrypted_entry: return "encrypted entry";
            case error::bad_zip64: return "bad Zip64 extra field";
            case error::name_too_long: return "entry name too long";
            case error::extra_too_long: return "extra field too long";
            case error::descriptor_not_found: return "data descriptor not found";
        }
        return "unknown ue.zip error";
    }
};

}  // namespace

const std::error_category& zip_category() noexcept {
    static const category instance;
    return instance;
}

std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), zip_category()}; }

std::string error_info::describe() const {
    std::string out = entry.empty() ? fmt::format("at byte {}: {}", offset, code.message())
                                    : fmt::format("entry '{}' at byte {}: {}", entry, offset, code.message());
    if (!detail.empty()) out += fmt::format(" ({})", detail);
    return out;
}

}  // namespace ue::zip
