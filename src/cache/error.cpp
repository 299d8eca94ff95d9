#include "update_expected/cache/error.hpp"

#include <fmt/format.h>

namespace ue::cache {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ue.cache"; }

    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::unusable_directory: return "cache directory is not usable";
            case error::corrupt_entry: return "corrupt cache entry";
            case error::truncated_entry: return "truncated cache entry";
            case error::version_mismatch: return "cache entry of another format version";
            case error::url_mismatch: return "cache entry holds another URL";
            case error::entry_too_large: return "artifact too large for the cache's size bound";
            case error::write_failed: return "cannot write cache entry";
        }
        return "unknown ue.cache error";
    }
};

}  // namespace

const std::error_category& cache_category() noexcept {
    static const category instance;
    return instance;
}

std::string error_info::describe() const {
    std::string out = fmt::format("cache {}: {}", file, code.message());
    if (!detail.empty()) out += fmt::format(" ({})", detail);
    return out;
}

}  // namespace ue::cache
