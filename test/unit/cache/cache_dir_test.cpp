#include "update_expected/cache/cache_dir.hpp"

#include <gtest/gtest.h>

#include <map>

namespace ue::cache {
namespace {

env_lookup fake_env(std::map<std::string, std::string, std::less<>> vars) {
    return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
        if (auto it = vars.find(name); it != vars.end()) return it->second;
        return std::nullopt;
    };
}

TEST(DefaultCacheDir, PrefersXdgCacheHome) {
    EXPECT_EQ(default_cache_dir(fake_env({{"XDG_CACHE_HOME", "/x/cache"}, {"HOME", "/home/u"}})),
              std::filesystem::path("/x/cache/update-expected"));
}

TEST(DefaultCacheDir, FallsBackToHomeWhenXdgIsUnsetEmptyOrRelative) {
    const std::filesystem::path expected("/home/u/.cache/update-expected");
    EXPECT_EQ(default_cache_dir(fake_env({{"HOME", "/home/u"}})), expected);
    EXPECT_EQ(default_cache_dir(fake_env({{"XDG_CACHE_HOME", ""}, {"HOME", "/home/u"}})), expected);
    EXPECT_EQ(default_cache_dir(fake_env({{"XDG_CACHE_HOME", "rel"}, {"HOME", "/home/u"}})), expected);
}

TEST(DefaultCacheDir, NothingWithoutXdgOrHome) {
    EXPECT_EQ(default_cache_dir(fake_env({})), std::nullopt);
    EXPECT_EQ(default_cache_dir(fake_env({{"HOME", ""}})), std::nullopt);
}

}  // namespace
}  // namespace ue::cache
