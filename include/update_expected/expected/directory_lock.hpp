#pragma once

#include "update_expected/expected/error.hpp"

#include <chrono>
#include <filesystem>

namespace ue::expected {

// An exclusive lock on an output directory, so that two runs never interleave their writes
// (docs/command.md: the second run waits briefly, then gives up with exit 75).
//
// It is a flock() on a descriptor of the directory itself: no lock file is created, so nothing is
// left in the checkout, and the kernel drops the lock when the process dies. Two lock objects
// conflict even within one process (each opens its own descriptor). Local file systems only: flock
// on NFS is emulated with byte-range locks, which a read-only directory descriptor cannot take.
class directory_lock {
public:
    // Locks `dir`, retrying every `poll` until `wait` has passed (wait 0: one try). Fails with the
    // OS error when `dir` cannot be opened as a directory, and with error::directory_busy when
    // another holder kept it for the whole wait. Blocks the calling thread while waiting.
    static result<directory_lock> acquire(const std::filesystem::path& dir,
                                          std::chrono::milliseconds wait = std::chrono::seconds(5),
                                          std::chrono::milliseconds poll = std::chrono::milliseconds(100));

    directory_lock(directory_lock&& other) noexcept;
    directory_lock& operator=(directory_lock&& other) noexcept;
    directory_lock(const directory_lock&) = delete;
    directory_lock& operator=(const directory_lock&) = delete;
    ~directory_lock();

    // Unlocks now rather than at destruction; idempotent.
    void release() noexcept;

private:
    explicit directory_lock(int fd) noexcept : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace ue::expected
