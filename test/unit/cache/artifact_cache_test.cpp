#include "update_expected/cache/artifact_cache.hpp"

#include "temp_dir.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ue::cache {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

// A fresh directory per test, removed afterwards.
class CacheTest : public ::testing::Test {
protected:
    // A test may take the permissions away; temp_dir removes the tree after this gives them back.
    void TearDown() override {
        std::error_code ec;
        fs::permissions(root_, fs::perms::owner_all, ec);
        fs::permissions(dir_, fs::perms::owner_all, ec);
    }

    // Names in the cache directory that are neither entries nor anything the test put there.
    std::vector<std::string> temp_files() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir_))
            if (e.path().filename().string().find(".tmp-") != std::string::npos)
                out.push_back(e.path().filename().string());
        return out;
    }

    test::temp_dir temp_;
    fs::path root_ = temp_.path();
    fs::path dir_ = root_ / "cache";
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& p, std::string_view bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

cached_artifact small_artifact(std::string url) {
    return {std::move(url),
            {{"test/test-reports/training_timm_models.csv",
              "training",
              {"dev", "name", "accuracy", "graph_breaks"},
              {{"cuda", "adv_inception_v3", "pass", "0"}, {"cuda", "beit", "fail_accuracy", ""}}}}};
}

TEST_F(CacheTest, RoundTripsHostileBytesAcrossRuns) {
    const std::string nul_field("a\0b\0"s);
    const cached_artifact artifact{"https://gha-artifacts.s3.amazonaws.com/pytorch/pytorch/1/1/artifact/x.zip",
                                   {{"test/test-reports/training_huggingface.csv",
                                     "training",
                                     {"dev", "name", "accuracy", "graph_breaks", ""},
                                     {{"cuda", "Qwen/Qwen3-0.6B", "pass", "3"},
                                      {"a,b", "\"quoted\"", "line\nbreak", "cr\r\nlf", nul_field},
                                      {},
                                      {"", "\xff\xfe\x80", std::string(70000, 'x')}}},
                                    {"test/test-reports/inference_huggingface.csv", "inference", {"dev", "name"}, {}}}};
    {
        artifact_cache cache(dir_);
        ASSERT_FALSE(cache.open_error().code) << cache.open_error().describe();
        ASSERT_FALSE(cache.store(artifact));
    }
    artifact_cache rerun(dir_);  // a later run opens the same directory
    error_info why;
    const auto hit = rerun.lookup(artifact.url, &why);
    ASSERT_TRUE(hit.has_value()) << why.describe();
    EXPECT_EQ(*hit, artifact);
    EXPECT_FALSE(why.code);
}

TEST_F(CacheTest, ArtifactWithoutWantedEntriesRoundTrips) {
    artifact_cache cache(dir_);
    const cached_artifact nothing{"https://h/none.zip", {}};
    ASSERT_FALSE(cache.store(nothing));
    EXPECT_EQ(cache.lookup(nothing.url), nothing);
}

TEST_F(CacheTest, UnknownUrlIsAPlainMiss) {
    artifact_cache cache(dir_);
    ASSERT_FALSE(cache.store(small_artifact("https://h/a.zip")));
    error_info why;
    EXPECT_EQ(cache.lookup("https://h/b.zip", &why), std::nullopt);
    EXPECT_FALSE(why.code);
}

TEST_F(CacheTest, StoreReplacesThePreviousEntry) {
    artifact_cache cache(dir_);
    auto artifact = small_artifact("https://h/a.zip");
    ASSERT_FALSE(cache.store(artifact));
    artifact.entries[0].rows.pop_back();
    ASSERT_FALSE(cache.store(artifact));
    EXPECT_EQ(cache.lookup(artifact.url), artifact);
    EXPECT_TRUE(temp_files().empty());
}

TEST_F(CacheTest, FileOfAnotherUrlUnderTheNameIsAMissAndDeleted) {
    artifact_cache cache(dir_);
    const auto a = small_artifact("https://h/a.zip");
    ASSERT_FALSE(cache.store(a));
    const fs::path b_path = cache.path_for("https://h/b.zip");
    fs::copy_file(cache.path_for(a.url), b_path);

    error_info why;
    EXPECT_EQ(cache.lookup("https://h/b.zip", &why), std::nullopt);
    EXPECT_EQ(why.code, error::url_mismatch);
    EXPECT_EQ(why.file, b_path.string());
    EXPECT_FALSE(fs::exists(b_path));
    EXPECT_EQ(cache.lookup(a.url), a);
}

TEST_F(CacheTest, EveryByteFlipIsAMissAndDeleted) {
    artifact_cache cache(dir_);
    const auto artifact = small_artifact("https://h/a.zip");
    ASSERT_FALSE(cache.store(artifact));
    const fs::path path = cache.path_for(artifact.url);
    const std::string good = read_file(path);
    for (const unsigned char mask : {0x01, 0x80, 0xff}) {
        for (std::size_t i = 0; i < good.size(); ++i) {
            std::string bad = good;
            bad[i] = static_cast<char>(bad[i] ^ mask);
            write_file(path, bad);
            error_info why;
            EXPECT_EQ(cache.lookup(artifact.url, &why), std::nullopt) << "byte " << i;
            EXPECT_TRUE(why.code) << "byte " << i;
            EXPECT_FALSE(fs::exists(path)) << "byte " << i;
        }
    }
    write_file(path, good);
    EXPECT_EQ(cache.lookup(artifact.url), artifact);
}

TEST_F(CacheTest, EveryTruncationIsAMissAndDeleted) {
    artifact_cache cache(dir_);
    const auto artifact = small_artifact("https://h/a.zip");
    ASSERT_FALSE(cache.store(artifact));
    const fs::path path = cache.path_for(artifact.url);
    const std::string good = read_file(path);
    for (std::size_t n = 0; n < good.size(); ++n) {
        write_file(path, good.substr(0, n));
        error_info why;
        EXPECT_EQ(cache.lookup(artifact.url, &why), std::nullopt) << "length " << n;
        EXPECT_EQ(why.code, error::truncated_entry) << "length " << n;
        EXPECT_FALSE(fs::exists(path)) << "length " << n;
    }
    write_file(path, good + "x");
    error_info why;
    EXPECT_EQ(cache.lookup(artifact.url, &why), std::nullopt);
    EXPECT_EQ(why.code, error::corrupt_entry);
    EXPECT_NE(why.describe().find(path.string()), std::string::npos) << why.describe();
}

// Little-endian integer bytes, as the file format has them.
template <typename Int>
std::string le(Int v) {
    std::string out;
    for (std::size_t i = 0; i < sizeof(Int); ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
    return out;
}

// A file with a valid header and checksum around `payload`: only the decoder can reject it.
std::string well_sealed_file(std::string_view url, std::string_view payload) {
    std::string f = "ue-cache" + le<std::uint32_t>(format_version) + le(static_cast<std::uint32_t>(url.size())) +
                    le(static_cast<std::uint64_t>(payload.size()));
    f += url;
    f += payload;
    return f + le(static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(f.data()), f.size())));
}

TEST_F(CacheTest, LyingCountsInASealedFileAreCorruptNotAnAllocation) {
    artifact_cache cache(dir_);
    const std::string url = "https://h/a.zip";
    const std::string empty_entry =
        le<std::uint32_t>(0) + le<std::uint32_t>(0) + le<std::uint32_t>(0) + le<std::uint32_t>(0);
    const std::string payloads[] = {
        le<std::uint32_t>(0xffffffff),                                                 // entries
        le<std::uint32_t>(1) + le<std::uint32_t>(0xffffffff) + std::string(12, '\0'),  // name
        le<std::uint32_t>(1) + le<std::uint32_t>(0) + le<std::uint32_t>(0) + le<std::uint32_t>(0x40000000) +
            le<std::uint32_t>(0),  // header strings
        le<std::uint32_t>(1) + le<std::uint32_t>(0) + le<std::uint32_t>(0) + le<std::uint32_t>(0) +
            le<std::uint32_t>(0xffffffff),         // rows
        le<std::uint32_t>(1) + empty_entry + "x",  // trailing byte
        "",
    };
    for (const auto& payload : payloads) {
        write_file(cache.path_for(url), well_sealed_file(url, payload));
        error_info why;
        EXPECT_EQ(cache.lookup(url, &why), std::nullopt);
        EXPECT_EQ(why.code, error::corrupt_entry) << why.describe();
        EXPECT_NE(why.detail.find("bad encoding"), std::string::npos) << why.describe();
    }
    write_file(cache.path_for(url), well_sealed_file(url, le<std::uint32_t>(1) + empty_entry));
    EXPECT_EQ(cache.lookup(url), (cached_artifact{url, {cached_entry{}}}));
}

TEST_F(CacheTest, AnotherFormatVersionIsAMiss) {
    const auto artifact = small_artifact("https://h/a.zip");
    artifact_cache v1(dir_, {.version = 1});
    ASSERT_FALSE(v1.store(artifact));

    artifact_cache v2(dir_, {.version = 2});
    error_info why;
    EXPECT_EQ(v2.lookup(artifact.url, &why), std::nullopt);  // another name: never opened
    EXPECT_FALSE(why.code);

    fs::copy_file(v1.path_for(artifact.url), v2.path_for(artifact.url));  // stray file of v1
    EXPECT_EQ(v2.lookup(artifact.url, &why), std::nullopt);
    EXPECT_EQ(why.code, error::version_mismatch);
    EXPECT_FALSE(fs::exists(v2.path_for(artifact.url)));
}

TEST_F(CacheTest, EvictionKeepsTheMostRecentlyUsedWithinTheBound) {
    const auto url = [](char c) { return "https://h/"s + c + ".zip"; };
    std::uint64_t entry_size = 0;
    {
        artifact_cache probe(root_ / "probe");
        ASSERT_FALSE(probe.store(small_artifact(url('x'))));
        entry_size = fs::file_size(probe.path_for(url('x')));
    }
    artifact_cache cache(dir_, {.max_bytes = 3 * entry_size});
    write_file(dir_ / "notes.txt", std::string(4 * entry_size, 'n'));  // not ours: never touched
    const auto old = fs::file_time_type::clock::now() - std::chrono::hours(24);
    int age = 0;
    for (char c : {'a', 'b', 'c'}) {
        ASSERT_FALSE(cache.store(small_artifact(url(c))));
        fs::last_write_time(cache.path_for(url(c)), old + std::chrono::minutes(age++));
    }
    ASSERT_TRUE(cache.lookup(url('a')).has_value());  // a is now the most recently used

    ASSERT_FALSE(cache.store(small_artifact(url('d'))));
    EXPECT_FALSE(fs::exists(cache.path_for(url('b'))));
    for (char c : {'a', 'c', 'd'}) EXPECT_TRUE(fs::exists(cache.path_for(url(c)))) << c;
    EXPECT_TRUE(fs::exists(dir_ / "notes.txt"));

    ASSERT_FALSE(cache.store(small_artifact(url('e'))));
    EXPECT_FALSE(fs::exists(cache.path_for(url('c'))));
    for (char c : {'a', 'd', 'e'}) EXPECT_EQ(cache.lookup(url(c)), small_artifact(url(c))) << c;
    std::uint64_t total = 0;
    for (const auto& e : fs::directory_iterator(dir_))
        if (e.path().filename() != "notes.txt") total += e.file_size();
    EXPECT_EQ(total, 3 * entry_size);
}

TEST_F(CacheTest, ArtifactLargerThanTheBoundIsNotStored) {
    artifact_cache cache(dir_, {.max_bytes = 100});
    const auto artifact = small_artifact("https://h/a.zip");
    error_info why;
    EXPECT_EQ(cache.store(artifact, &why), error::entry_too_large);
    EXPECT_EQ(why.file, cache.path_for(artifact.url).string());
    EXPECT_FALSE(fs::exists(cache.path_for(artifact.url)));
    EXPECT_TRUE(temp_files().empty());
}

TEST_F(CacheTest, DirectoryUnderARegularFileIsUnusableButHarmless) {
    write_file(root_ / "file", "x");
    artifact_cache cache(root_ / "file" / "cache");
    EXPECT_EQ(cache.open_error().code, error::unusable_directory);
    EXPECT_EQ(cache.lookup("https://h/a.zip"), std::nullopt);
    error_info why;
    EXPECT_EQ(cache.store(small_artifact("https://h/a.zip"), &why), error::unusable_directory);
    EXPECT_NE(why.describe().find((root_ / "file" / "cache").string()), std::string::npos) << why.describe();
}

TEST_F(CacheTest, ReadOnlyDirectoryIsUnusableButHarmless) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes through mode 0500";
    fs::create_directory(dir_);
    fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
    artifact_cache cache(dir_);
    EXPECT_EQ(cache.open_error().code, error::unusable_directory);
    EXPECT_EQ(cache.store(small_artifact("https://h/a.zip")), error::unusable_directory);
    EXPECT_EQ(cache.lookup("https://h/a.zip"), std::nullopt);
}

TEST_F(CacheTest, NewDirectoryIsPrivate) {
    artifact_cache cache(dir_ / "nested");
    ASSERT_FALSE(cache.open_error().code);
    EXPECT_EQ(fs::status(dir_ / "nested").permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(CacheTest, DirectoryInTheWayIsAStoreErrorAndAMiss) {
    artifact_cache cache(dir_);
    const auto artifact = small_artifact("https://h/a.zip");
    fs::create_directories(cache.path_for(artifact.url) / "occupied");
    error_info why;
    EXPECT_EQ(cache.store(artifact, &why), error::write_failed);
    EXPECT_FALSE(why.detail.empty());
    EXPECT_TRUE(temp_files().empty());
    EXPECT_EQ(cache.lookup(artifact.url), std::nullopt);
}

TEST_F(CacheTest, FailedWriteLeavesNoTempFileAndKeepsThePreviousEntry) {
    artifact_cache cache(dir_);
    auto artifact = small_artifact("https://h/a.zip");
    ASSERT_FALSE(cache.store(artifact));
    const auto previous = artifact;
    artifact.entries[0].rows.assign(1000, {"cuda", "model", "pass", "0"});

    // A file size limit makes write() fail with EFBIG, even for root.
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit old_limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    rlimit small = old_limit;
    small.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    error_info why;
    const auto ec = cache.store(artifact, &why);
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);

    EXPECT_EQ(ec, error::write_failed);
    EXPECT_EQ(why.describe(), "cache " + cache.path_for(artifact.url).string() +
                                  ": cannot write cache entry (cannot write temporary file: " +
                                  std::generic_category().message(EFBIG) + ")");
    EXPECT_TRUE(temp_files().empty());
    EXPECT_EQ(cache.lookup(artifact.url), previous);
}

TEST_F(CacheTest, StaleTempFilesOfDeadProcessesAreRemoved) {
    artifact_cache cache(dir_);
    const std::string stale = "." + std::string(64, 'a') + ".tmp-abcdef";
    const std::string in_flight = "." + std::string(64, 'a') + ".tmp-ghijkl";
    const std::string foreign = ".notes.tmp-abcdef";
    for (const auto& name : {stale, in_flight, foreign}) {
        write_file(dir_ / name, "x");
        if (name != in_flight)
            fs::last_write_time(dir_ / name, fs::file_time_type::clock::now() - std::chrono::hours(2));
    }
    ASSERT_FALSE(cache.store(small_artifact("https://h/a.zip")));
    auto left = temp_files();
    std::sort(left.begin(), left.end());
    EXPECT_EQ(left, (std::vector<std::string>{in_flight, foreign}));
}

}  // namespace
}  // namespace ue::cache
