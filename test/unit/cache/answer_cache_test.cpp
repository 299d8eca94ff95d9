// The rerun cache's GitHub API answers (docs/command.md, "The rerun cache"): what a conditional
// request needs, kept per URL, private to the user, and shared with the artifacts' eviction.

#include "update_expected/cache/answer_cache.hpp"
#include "update_expected/cache/artifact_cache.hpp"

#include "temp_dir.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

namespace ue::cache {
namespace {

namespace fs = std::filesystem;

const std::string url = "https://api.github.com/repos/pytorch/pytorch/actions/runs?head_sha=abc&per_page=100";

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path());
    return out;
}

TEST(AnswerCache, KeepsEtagLinkAndBodyPerUrlInAPrivateFile) {
    test::temp_dir dir;
    answer_cache cache(dir.path());
    EXPECT_FALSE(cache.lookup(url));
    const cached_answer answer{"W/\"6a1f\"", "<https://api.github.com/x?page=2>; rel=\"next\"",
                               std::string("{\"workflow_runs\":[]}\n\0binary", 29)};
    ASSERT_FALSE(cache.store(url, answer));
    EXPECT_EQ(cache.lookup(url), answer);
    EXPECT_FALSE(cache.lookup(url + "&page=2"));

    const auto files = files_in(dir.path());
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].filename().string().size(), 64u);  // named as the artifact cache names its entries
    struct stat st {};
    ASSERT_EQ(::stat(files[0].c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    const cached_answer newer{"\"7b2e\"", "", "{}"};
    ASSERT_FALSE(cache.store(url, newer));
    EXPECT_EQ(cache.lookup(url), newer);
}

TEST(AnswerCache, AFileThatIsNotAnAnswerIsAMissAndIsDeleted) {
    test::temp_dir dir;
    answer_cache cache(dir.path());
    ASSERT_FALSE(cache.store(url, {"\"e\"", "", "{\"jobs\":[1,2,3]}"}));
    const auto file = files_in(dir.path()).at(0);
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() - 3);  // cut short
    EXPECT_FALSE(cache.lookup(url));
    EXPECT_TRUE(files_in(dir.path()).empty());
}

TEST(AnswerCache, RefusesWhatItCouldNotReadBack) {
    test::temp_dir dir;
    answer_cache cache(dir.path());
    error_info why;
    EXPECT_TRUE(cache.store(url, {"", "", "{}"}, &why));
    EXPECT_TRUE(cache.store(url, {"\"e\"\r\nX-Injected: 1", "", "{}"}, &why));
    EXPECT_EQ(why.code, error::corrupt_entry);
    EXPECT_TRUE(files_in(dir.path()).empty());
}

// One directory, one bound: the artifact cache's eviction counts the answers too.
TEST(AnswerCache, TheArtifactCachesEvictionBoundsTheAnswersToo) {
    test::temp_dir dir;
    answer_cache answers(dir.path());
    ASSERT_FALSE(answers.store(url, {"\"e\"", "", std::string(4096, 'x')}));
    artifact_cache artifacts(dir.path(), {.max_bytes = 3000});
    const cached_artifact a{"https://s3/x.zip",
                            {{"test/test-reports/training_timm_models.csv",
                              "training",
                              {"name"},
                              std::vector<std::vector<std::string>>(100, {"model"})}}};
    ASSERT_FALSE(artifacts.store(a));
    EXPECT_FALSE(answers.lookup(url)) << "the older answer was not evicted";
    EXPECT_TRUE(artifacts.lookup(a.url));
}

}  // namespace
}  // namespace ue::cache
