#include "update_expected/expected/directory_lock.hpp"

#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <thread>
#include <unistd.h>
#include <utility>

namespace ue::expected {

result<directory_lock> directory_lock::acquire(const std::filesystem::path& dir, std::chrono::milliseconds wait,
                                               std::chrono::milliseconds poll) {
    // O_CLOEXEC: a child process must not keep the lock alive after we release it.
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const std::error_code code(errno, std::system_category());
        return failure{code,
                       fmt::format("{}: cannot open output directory to lock it: {}", dir.string(), code.message())};
    }
    directory_lock lock(fd);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) {
            const std::error_code code(errno, std::system_category());
            return failure{code, fmt::format("{}: cannot lock output directory: {}", dir.string(), code.message())};
        }
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(poll);
    }
    return failure{
        make_error_code(error::directory_busy),
        fmt::format("{}: another update-expected run holds this directory (waited {} ms)", dir.string(), wait.count())};
}

directory_lock::directory_lock(directory_lock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

directory_lock& directory_lock::operator=(directory_lock&& other) noexcept {
    if (this != &other) {
        release();
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

directory_lock::~directory_lock() { release(); }

void directory_lock::release() noexcept {
    // Closing the only descriptor of the open file description drops the flock.
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
}

}  // namespace ue::expected
