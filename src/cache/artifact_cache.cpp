#include "update_expected/cache/artifact_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "codec.hpp"
#include "update_expected/expected/atomic_file.hpp"

namespace ue::cache {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t hash_hex_size = 64;
// expected::replace_file writes `.<name>.tmp-XXXXXX` beside the file it replaces.
constexpr std::string_view temp_infix = ".tmp-";
constexpr std::size_t temp_suffix_size = 6;
// A temporary file this old was left by a process that died between create and rename.
constexpr auto stale_temp_age = std::chrono::hours(1);

bool is_hash_name(std::string_view name) {
    return name.size() == hash_hex_size && std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

bool is_temp_name(std::string_view name) {
    return name.size() == 1 + hash_hex_size + temp_infix.size() + temp_suffix_size && name.front() == '.' &&
           is_hash_name(name.substr(1, hash_hex_size)) &&
           name.substr(1 + hash_hex_size, temp_infix.size()) == temp_infix;
}

std::string system_reason(int err) { return std::generic_category().message(err); }

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
            const auto size = it->file_size(fe);  // fails on anything but a regular file
            if (fe) continue;
            const auto used = it->last_write_time(fe);
            if (!fe) files.push_back({it->path(), size, used});
        } else if (is_temp_name(name)) {
            if (const auto t = it->last_write_time(fe); !fe && now - t > stale_temp_age) fs::remove(it->path(), fe);
        }
    }
    return files;
}

}  // namespace

artifact_cache::artifact_cache(fs::path dir, cache_settings settings) : dir_(std::move(dir)), settings_(settings) {
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
    return dir_ / detail::hashed_name(fmt::format("update-expected cache v{}\n{}", settings_.version, url));
}

std::optional<cached_artifact> artifact_cache::lookup(std::string_view url, error_info* why) {
    if (why) *why = {};
    if (open_error_.code) return std::nullopt;
    const fs::path path = path_for(url);
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);  // fails on a missing or non-regular file
    if (ec) return std::nullopt;

    error_info problem{{}, path.string(), {}};
    cached_artifact artifact;
    if (size > settings_.max_bytes) {
        problem.code = error::entry_too_large;  // never written by this bound: do not even read it
        problem.detail = fmt::format("{} bytes", size);
    } else if (auto bytes = expected::read_file_if_exists(path); !bytes || !bytes.value()) {
        return std::nullopt;  // gone meanwhile, or an I/O error that says nothing about the file
    } else {
        problem.code = detail::decode_file(*bytes.value(), settings_.version, url, artifact, problem.detail);
    }
    if (problem.code) {
        fs::remove(path, ec);
        if (why) *why = std::move(problem);
        return std::nullopt;
    }
    // Marks the file as just used for eviction; a read-only cache still hits.
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);
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
        return fail(error::entry_too_large, path.string(), fmt::format("bound {} bytes", settings_.max_bytes));

    std::error_code ec;
    std::uint64_t replaced = fs::file_size(path, ec);
    if (ec) replaced = 0;
    if (auto written = expected::replace_file(path, bytes); !written) {
        // Its message starts with the path, which error_info keeps apart.
        std::string_view reason = written.error().message;
        if (const auto prefix = path.string() + ": "; reason.starts_with(prefix)) reason.remove_prefix(prefix.size());
        return fail(error::write_failed, path.string(), std::string(reason));
    }

    if (!total_bytes_) {
        total_bytes_ = 0;
        for (const auto& f : scan(dir_)) *total_bytes_ += f.size;
    } else {
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
