#include "update_expected/expected/atomic_file.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>

namespace ue::expected {
namespace {

using ue::test::read_text;
using ue::test::temp_dir;
using ue::test::write_text;
using names = std::set<std::string>;

struct stat stat_of(const std::filesystem::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st;
}

// Sets the umask for one test and puts the old one back.
class scoped_umask {
public:
    explicit scoped_umask(mode_t mask) : old_(::umask(mask)) {}
    ~scoped_umask() { ::umask(old_); }

private:
    mode_t old_;
};

TEST(ReplaceFile, CreatesANewFileWithNormalPermissions) {
    temp_dir dir;
    scoped_umask mask(027);
    const auto path = dir.path() / "inductor_timm_training.csv";
    const auto r = replace_file(path, "name\n");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value(), replace_status::written);
    EXPECT_EQ(read_text(path), "name\n");
    EXPECT_EQ(stat_of(path).st_mode & 07777, 0640u);  // 0644 minus the umask
    EXPECT_EQ(temp_dir::entries(dir.path()), names{"inductor_timm_training.csv"});
}

TEST(ReplaceFile, ReplacesContentAndKeepsPermissions) {
    temp_dir dir;
    const auto path = dir.path() / "f.csv";
    write_text(path, "old\n");
    ASSERT_EQ(::chmod(path.c_str(), 0604), 0);
    const auto before = stat_of(path);
    const auto r = replace_file(path, "new content\n");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value(), replace_status::written);
    EXPECT_EQ(read_text(path), "new content\n");
    const auto after = stat_of(path);
    EXPECT_EQ(after.st_mode & 07777, 0604u);
    EXPECT_NE(after.st_ino, before.st_ino);  // a new file renamed over the old one, not rewritten
    EXPECT_EQ(temp_dir::entries(dir.path()), names{"f.csv"});
}

TEST(ReplaceFile, IdenticalContentLeavesTheFileAndItsMtimeAlone) {
    temp_dir dir;
    const auto path = dir.path() / "f.csv";
    write_text(path, "same\n");
    const timespec old_times[2] = {{946684800, 0}, {946684800, 0}};  // 2000-01-01
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), old_times, 0), 0);
    const auto before = stat_of(path);
    const auto r = replace_file(path, "same\n");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value(), replace_status::unchanged);
    const auto after = stat_of(path);
    EXPECT_EQ(after.st_ino, before.st_ino);
    EXPECT_EQ(after.st_mtim.tv_sec, 946684800);
    EXPECT_EQ(temp_dir::entries(dir.path()), names{"f.csv"});
}

TEST(ReplaceFile, EmptyContentIsWrittenToo) {
    temp_dir dir;
    const auto path = dir.path() / "f.csv";
    write_text(path, "x\n");
    const auto r = replace_file(path, "");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r.value(), replace_status::written);
    EXPECT_EQ(read_text(path), "");
}

TEST(ReplaceFile, CreatesTheParentDirectoryWhenAsked) {
    temp_dir dir;
    const auto path = dir.path() / "rocm" / "inductor_timm_training.csv";
    const auto r = replace_file(path, "name\n", {.create_parent = true});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(read_text(path), "name\n");
    // And a second file in the now existing directory.
    EXPECT_TRUE(replace_file(dir.path() / "rocm" / "b.csv", "name\n", {.create_parent = true}));
}

TEST(ReplaceFile, AMissingParentIsAnErrorNamingThePath) {
    temp_dir dir;
    const auto path = dir.path() / "rocm" / "f.csv";
    const auto r = replace_file(path, "name\n");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::no_such_file_or_directory);
    EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("No such file or directory"), std::string::npos) << r.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "rocm"));
}

TEST(ReplaceFile, ADirectoryInTheWayIsAnErrorAndLeavesNoTempFile) {
    temp_dir dir;
    const auto path = dir.path() / "f.csv";
    std::filesystem::create_directory(path);
    write_text(path / "inside", "x");
    const auto r = replace_file(path, "name\n");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
    EXPECT_EQ(temp_dir::entries(dir.path()), names{"f.csv"});
}

// A file-size limit makes write() fail part-way, deterministically and without root, like a disk
// that fills up while the temporary file is written.
class file_size_limit {
public:
    explicit file_size_limit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &old_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);  // so write() reports EFBIG instead
        rlimit limit = old_;
        limit.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ~file_size_limit() {
        ::setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }

private:
    rlimit old_{};
    void (*old_handler_)(int) = nullptr;
};

TEST(ReplaceFile, AFailedWriteKeepsTheOldFileAndLeavesNoTempFile) {
    temp_dir dir;
    const auto path = dir.path() / "f.csv";
    write_text(path, "old\n");
    const std::string big(100000, 'x');
    auto r = [&] {
        file_size_limit limit(4096);
        return replace_file(path, big);
    }();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::file_too_large);
    EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("cannot write temporary file"), std::string::npos) << r.error().message;
    EXPECT_EQ(read_text(path), "old\n");
    EXPECT_EQ(temp_dir::entries(dir.path()), names{"f.csv"});
}

TEST(ReplaceFile, AFailedWriteRemovesTheParentDirectoryItCreated) {
    temp_dir dir;
    const auto path = dir.path() / "rocm" / "f.csv";
    const std::string big(100000, 'x');
    auto r = [&] {
        file_size_limit limit(4096);
        return replace_file(path, big, {.create_parent = true});
    }();
    ASSERT_FALSE(r);
    EXPECT_TRUE(temp_dir::entries(dir.path()).empty());
}

TEST(ReadFileIfExists, ReadsWholeFilesAndReportsAbsence) {
    temp_dir dir;
    const auto path = dir.path() / "f.csv";
    const auto absent = read_file_if_exists(path);
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent.value());
    const std::string big(200000, 'y');  // more than one read() buffer
    write_text(path, big);
    const auto present = read_file_if_exists(path);
    ASSERT_TRUE(present);
    ASSERT_TRUE(present.value());
    EXPECT_EQ(*present.value(), big);
}

TEST(ReadFileIfExists, AnUnreadableFileIsAnErrorNamingThePath) {
    temp_dir dir;
    const auto r = read_file_if_exists(dir.path());  // a directory: open works, read() fails
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::is_a_directory);
    EXPECT_NE(r.error().message.find(dir.path().string()), std::string::npos);
}

}  // namespace
}  // namespace ue::expected
