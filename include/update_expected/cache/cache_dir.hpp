#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace ue::cache {

// Reads one environment variable; nothing when it is unset.
using env_lookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment, through std::getenv.
std::optional<std::string> process_environment(std::string_view name);

// The default cache directory (docs/command.md, `--cache-dir`): `$XDG_CACHE_HOME/update-expected`, else
// `$HOME/.cache/update-expected`. As the XDG base-directory specification says, an empty or
// relative XDG_CACHE_HOME is ignored; an empty HOME too. Nothing when neither gives a directory:
// the caller then runs without a cache. Pure: reads only through `env`.
std::optional<std::filesystem::path> default_cache_dir(const env_lookup& env);

}  // namespace ue::cache
