#include "update_expected/cache/artifact_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <utility>

#include "codec.hpp"

namespace ue::cache {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t hash_hex_size = 64;
constexpr std::string_view temp_infix = ".tmp.";  // then mkstemp's six characters
// A temporary file this old was left by a process that died between create and rename.
constexpr auto stale_temp_age = std::chrono::hours(1);

class unique_fd {
 public:
  explicit unique_fd(int fd) : fd_(fd) {}
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, because close() can report a write error that fsync() did not.
  bool close() { return ::close(std::exchange(fd_, -1)) == 0; }

 private:
  int fd_;
};

bool is_hash_name(std::string_view name) {
  return name.size() == hash_hex_size &&
         std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_temp_name(std::string_view name) {
  return name.size() == hash_hex_size + temp_infix.size() + 6 &&
         is_hash_name(name.substr(0, hash_hex_size)) &&
         name.substr(hash_hex_size, temp_infix.size()) == temp_infix;
}

std::string system_reason(int err) { return std::generic_category().message(err); }

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool read_all(int fd, std::string& out) {
  char buf[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

struct entry_file {
  fs::path path;
  std::uint64_t size;
  fs::file_time_type used;
};

// Lists the entry files of `dir`, and deletes temporary files left by dead processes.
std::vector<entry_file> scan(const fs::path& dir) {
  std::vector<entry_file> files;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code fe;
    if (is_hash_name(name)) {
      const auto size = it->file_size(fe);
      const auto used = it->last_write_time(fe);
      if (!fe) files.push_back({it->path(), size, used});
    } else if (is_temp_name(name)) {
      if (const auto t = it->last_write_time(fe); !fe && now - t > stale_temp_age)
        fs::remove(it->path(), fe);
    }
  }
  return files;
}

}  // namespace

artifact_cache::artifact_cache(fs::path dir, cache_settings settings)
    : dir_(std::move(dir)), settings_(settings) {
  if (!dir_.has_filename()) dir_ = dir_.parent_path();  // `a/b/` -> `a/b`
  open_error_.file = dir_.string();
  std::error_code ec;
  if (dir_.has_parent_path()) fs::create_directories(dir_.parent_path(), ec);  // mkdir says why
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
    open_error_.detail = system_reason(errno);
  } else if (!fs::is_directory(dir_, ec)) {
    open_error_.detail = "not a directory";
  } else if (::access(dir_.c_str(), W_OK | X_OK) != 0) {
    open_error_.detail = system_reason(errno);
  } else {
    open_error_.file.clear();
    return;
  }
  open_error_.code = error::unusable_directory;
}

fs::path artifact_cache::path_for(std::string_view url) const {
  const std::string key = fmt::format("update-expected cache v{}\n{}", settings_.version, url);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // SHA-256 cannot fail on a valid digest; a failure would leave an empty name, which never hits.
  EVP_Digest(key.data(), key.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) hex += fmt::format("{:02x}", digest[i]);
  return dir_ / hex;
}

std::optional<cached_artifact> artifact_cache::lookup(std::string_view url, error_info* why) {
  if (why) *why = {};
  if (open_error_.code) return std::nullopt;
  const fs::path path = path_for(url);
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;

  error_info problem{{}, path.string(), {}};
  std::string bytes;
  cached_artifact artifact;
  if (static_cast<std::uint64_t>(st.st_size) > settings_.max_bytes) {
    problem.code = error::entry_too_large;  // never written by this bound: do not even read it
    problem.detail = fmt::format("{} bytes", st.st_size);
  } else if (bytes.reserve(static_cast<std::size_t>(st.st_size)); !read_all(fd.get(), bytes)) {
    return std::nullopt;  // an I/O error says nothing about the file: keep it
  } else {
    problem.code = detail::decode_file(bytes, settings_.version, url, artifact, problem.detail);
  }
  if (problem.code) {
    std::error_code ignored;
    fs::remove(path, ignored);
    if (why) *why = std::move(problem);
    return std::nullopt;
  }
  // Marks the file as just used for eviction; a read-only cache still hits.
  ::futimens(fd.get(), nullptr);
  return artifact;
}

std::error_code artifact_cache::store(const cached_artifact& artifact, error_info* why) {
  if (why) *why = {};
  const auto fail = [why](error code, std::string file, std::string detail) -> std::error_code {
    if (why) *why = {code, std::move(file), std::move(detail)};
    return code;
  };
  if (open_error_.code) return fail(error::unusable_directory, open_error_.file, open_error_.detail);

  const fs::path path = path_for(artifact.url);
  std::string bytes;
  if (!detail::encode_file(artifact, settings_.version, bytes) || bytes.size() > settings_.max_bytes)
    return fail(error::entry_too_large, path.string(),
                fmt::format("bound {} bytes", settings_.max_bytes));

  std::string temp = path.string() + std::string(temp_infix) + "XXXXXX";
  unique_fd fd(::mkstemp(temp.data()));
  if (fd.get() < 0) return fail(error::write_failed, path.string(), system_reason(errno));
  struct stat old {};
  const bool replaces = ::stat(path.c_str(), &old) == 0;
  if (!write_all(fd.get(), bytes) || (settings_.sync && ::fsync(fd.get()) != 0) || !fd.close() ||
      ::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return fail(error::write_failed, path.string(), system_reason(err));
  }
  // Makes the rename durable; without it a crash can only lose the entry, a miss, so errors pass.
  if (settings_.sync) {
    if (unique_fd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); dir.get() >= 0)
      ::fsync(dir.get());
  }

  if (!total_bytes_) {
    total_bytes_ = 0;
    for (const auto& f : scan(dir_)) *total_bytes_ += f.size;
  } else {
    const auto replaced = replaces ? static_cast<std::uint64_t>(old.st_size) : 0;
    *total_bytes_ = *total_bytes_ - std::min(replaced, *total_bytes_) + bytes.size();
  }
  if (*total_bytes_ > settings_.max_bytes) evict(path);
  return {};
}

void artifact_cache::evict(const fs::path& keep) {
  // Rescans rather than trusting the running total: other processes may share the directory.
  auto files = scan(dir_);
  std::sort(files.begin(), files.end(), [](const entry_file& a, const entry_file& b) {
    return a.used != b.used ? a.used < b.used : a.path < b.path;
  });
  std::uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  for (const auto& f : files) {
    if (total <= settings_.max_bytes) break;
    std::error_code ec;
    if (f.path != keep && fs::remove(f.path, ec)) total -= f.size;
  }
  total_bytes_ = total;
}

}  // namespace ue::cache
