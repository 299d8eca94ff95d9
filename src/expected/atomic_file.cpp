#include "update_expected/expected/atomic_file.hpp"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ue::expected {
namespace {

failure os_failure(const std::filesystem::path& path, std::string_view step, int err) {
    const std::error_code code(err, std::system_category());
    return failure{code, fmt::format("{}: {}: {}", path.string(), step, code.message())};
}

// Owns one descriptor; closing is explicit where its error matters (after writing).
class file_descriptor {
public:
    explicit file_descriptor(int fd) noexcept : fd_(fd) {}
    file_descriptor(file_descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    file_descriptor& operator=(file_descriptor&&) = delete;
    ~file_descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const noexcept { return fd_; }
    // Returns 0 or the errno of close().
    int close() noexcept {
        const int rc = ::close(std::exchange(fd_, -1));
        return rc == 0 ? 0 : errno;
    }

private:
    int fd_;
};

// Returns 0 or the errno of the failing write().
int write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

std::filesystem::path directory_of(const std::filesystem::path& path) {
    auto dir = path.parent_path();
    return dir.empty() ? std::filesystem::path(".") : dir;
}

// The temporary file's name starts with a dot so that a glob over *.csv never sees it.
std::filesystem::path temp_name(const std::filesystem::path& path, std::minstd_rand& random) {
    static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string suffix(6, '\0');
    for (auto& c : suffix) c = alphabet[pick(random)];
    return directory_of(path) / fmt::format(".{}.tmp-{}", path.filename().string(), suffix);
}

// Like mkstemp, but with mode 0644 (minus the umask, which the kernel applies) instead of 0600,
// so that a new expected file gets the permissions of any file a user creates.
result<std::pair<file_descriptor, std::filesystem::path>> create_temp(const std::filesystem::path& path) {
    // Seeded once per thread: a random_device and a fresh engine per file showed in the profiles
    // of a refresh writing ~150 files. O_EXCL, not the randomness, makes the name safe.
    thread_local std::minstd_rand random(std::random_device{}());
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto temp = temp_name(path, random);
        const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0) return std::pair{file_descriptor(fd), std::move(temp)};
        if (errno != EEXIST) return os_failure(path, "cannot create temporary file", errno);
    }
    return os_failure(path, "cannot create temporary file", EEXIST);
}

std::optional<failure> sync_directory(const std::filesystem::path& dir) {
    file_descriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return os_failure(dir, "cannot open directory to sync it", errno);
    if (::fsync(fd.get()) != 0) return os_failure(dir, "cannot sync directory", errno);
    return std::nullopt;
}

// Writes the temporary file completely and durably; the caller removes it if this fails.
std::optional<failure> fill(const std::filesystem::path& path, file_descriptor& fd, std::string_view content,
                            std::optional<mode_t> mode) {
    if (mode && ::fchmod(fd.get(), *mode) != 0)
        return os_failure(path, "cannot set permissions of temporary file", errno);
    if (const int err = write_all(fd.get(), content)) return os_failure(path, "cannot write temporary file", err);
    if (::fsync(fd.get()) != 0) return os_failure(path, "cannot sync temporary file", errno);
    if (const int err = fd.close()) return os_failure(path, "cannot close temporary file", err);
    return std::nullopt;
}

}  // namespace

result<std::optional<std::string>> read_file_if_exists(const std::filesystem::path& path) {
    file_descriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<std::string>();
        return os_failure(path, "cannot open", errno);
    }
    std::string content;
    std::array<char, 64 * 1024> buffer;
    for (;;) {
        const auto n = ::read(fd.get(), buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return os_failure(path, "cannot read", errno);
        }
        if (n == 0) break;
        content.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return std::optional<std::string>(std::move(content));
}

result<replace_status> replace_file(const std::filesystem::path& path, std::string_view content,
                                    replace_options options) {
    auto old = read_file_if_exists(path);
    if (!old) return old.error();
    if (old.value() && *old.value() == content) return replace_status::unchanged;

    std::optional<mode_t> mode;
    if (old.value()) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) return os_failure(path, "cannot stat", errno);
        mode = st.st_mode & 07777;
    }
    if (options.mode) mode = static_cast<mode_t>(*options.mode);

    const auto dir = directory_of(path);
    bool created_dir = false;
    if (options.create_parent) {
        if (::mkdir(dir.c_str(), 0777) == 0)
            created_dir = true;
        else if (errno != EEXIST)
            return os_failure(dir, "cannot create directory", errno);
    }
    // A failure leaves the checkout as it was: no temporary file, no directory made for it.
    const auto undo = [&](const std::filesystem::path* temp) {
        if (temp) ::unlink(temp->c_str());
        if (created_dir) ::rmdir(dir.c_str());
    };

    auto temp = create_temp(path);
    if (!temp) {
        undo(nullptr);
        return temp.error();
    }
    auto& [fd, temp_path] = temp.value();
    auto failed = fill(path, fd, content, mode);
    if (!failed && ::rename(temp_path.c_str(), path.c_str()) != 0)
        failed = os_failure(path, "cannot rename temporary file over it", errno);
    if (failed) {
        undo(&temp_path);
        return *failed;
    }
    // The rename is only durable once the directory entry is; the new content is in place anyway.
    if (auto dir_failed = sync_directory(dir)) return *dir_failed;
    return replace_status::written;
}

}  // namespace ue::expected
