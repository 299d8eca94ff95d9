#include "update_expected/cache/cache_dir.hpp"

#include <cstdlib>

namespace ue::cache {

std::optional<std::string> process_environment(std::string_view name) {
    if (const char* value = std::getenv(std::string(name).c_str())) return std::string(value);
    return std::nullopt;
}

std::optional<std::filesystem::path> default_cache_dir(const env_lookup& env) {
    if (auto xdg = env("XDG_CACHE_HOME"); xdg && std::filesystem::path(*xdg).is_absolute())
        return std::filesystem::path(*xdg) / "update-expected";
    if (auto home = env("HOME"); home && !home->empty())
        return std::filesystem::path(*home) / ".cache" / "update-expected";
    return std::nullopt;
}

}  // namespace ue::cache
