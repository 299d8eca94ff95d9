#include "update_expected/expected/directory_lock.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace ue::expected {
namespace {

using namespace std::chrono_literals;
using ue::test::temp_dir;

TEST(DirectoryLock, ASecondHolderIsRefusedUntilTheFirstReleases) {
    temp_dir dir;
    auto first = directory_lock::acquire(dir.path(), 0ms);
    ASSERT_TRUE(first) << first.error().message;
    const auto second = directory_lock::acquire(dir.path(), 0ms);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, error::directory_busy);
    EXPECT_NE(second.error().message.find(dir.path().string()), std::string::npos);
    first.value().release();
    EXPECT_TRUE(directory_lock::acquire(dir.path(), 0ms));
}

TEST(DirectoryLock, DestructionReleasesAndLeavesNoFileBehind) {
    temp_dir dir;
    {
        auto held = directory_lock::acquire(dir.path(), 0ms);
        ASSERT_TRUE(held);
        auto moved = std::move(held.value());  // the lock follows the object
        EXPECT_FALSE(directory_lock::acquire(dir.path(), 0ms));
    }
    EXPECT_TRUE(directory_lock::acquire(dir.path(), 0ms));
    EXPECT_TRUE(temp_dir::entries(dir.path()).empty());
}

TEST(DirectoryLock, AWaiterGetsTheLockWhenTheHolderReleasesDuringTheWait) {
    temp_dir dir;
    auto first = directory_lock::acquire(dir.path(), 0ms);
    ASSERT_TRUE(first);
    std::thread releaser([&] {
        std::this_thread::sleep_for(50ms);
        first.value().release();
    });
    // The wait is far longer than the holder needs, so the outcome does not depend on timing.
    const auto second = directory_lock::acquire(dir.path(), 60s, 5ms);
    releaser.join();
    EXPECT_TRUE(second) << second.error().message;
}

TEST(DirectoryLock, AnotherProcessIsRefusedToo) {
    temp_dir dir;
    auto held = directory_lock::acquire(dir.path(), 0ms);
    ASSERT_TRUE(held);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        const auto r = directory_lock::acquire(dir.path(), 0ms);
        ::_exit(!r && r.error().code == error::directory_busy ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DirectoryLock, AMissingDirectoryIsAnOsError) {
    temp_dir dir;
    const auto r = directory_lock::acquire(dir.path() / "missing", 0ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, std::errc::no_such_file_or_directory);
    EXPECT_NE(r.error().message.find("missing"), std::string::npos);
}

}  // namespace
}  // namespace ue::expected
