#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "update_expected/cache/error.hpp"

namespace ue::cache {

// Bumped whenever the encoding or the meaning of what is stored changes. It is part of every file
// name, so entries of another version are never even opened; they age out through eviction.
inline constexpr std::uint32_t format_version = 1;

// One wanted report entry of an artifact, as read: the report's whole header and every data
// record's fields, raw (all columns, unnormalised), so that a rerun can select other columns.
struct cached_entry {
    std::string name;   // the zip entry name, e.g. `test/test-reports/training_timm_models.csv`
    std::string phase;  // `training` or `inference`
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // may be empty: a header-only report still delivers

    friend bool operator==(const cached_entry&, const cached_entry&) = default;
};

// What one artifact delivered. A phase without an entry here was absent from the artifact.
struct cached_artifact {
    std::string url;  // the artifact URL, without credentials
    std::vector<cached_entry> entries;

    friend bool operator==(const cached_artifact&, const cached_artifact&) = default;
};

struct cache_settings {
    // Bound on the bytes of all entry files together; the least recently used go first.
    std::uint64_t max_bytes = std::uint64_t{256} << 20;
    // Which format this cache reads and writes; only tests set another one.
    std::uint32_t version = format_version;
};

// The rerun cache: a directory of files, one per artifact URL, each named by the hex SHA-256 of
// (format version, URL). Synchronous and blocking: call it from the pipeline's own thread, never
// from a transfer in flight. Several processes may share a directory: each file appears by an
// atomic rename, so a reader sees a whole file or none.
//
// Contract of the caller:
//   - store only an artifact that was read WITHOUT any zip or CSV error, with every phase entry it
//     holds; never a failure, a 403/404 answer or a partial read (artifacts are immutable per URL,
//     so what is stored stays true; a failure may not);
//   - turn a store error into at most one warning: the cache never fails a run.
//
// Only files whose names this cache makes are ever read, replaced or deleted, so pointing it at a
// directory holding other files harms none of them.
class artifact_cache {
public:
    // Creates `dir` if missing (mode 0700; missing parents with the default mode). A directory that
    // cannot be created or written does not throw: open_error() says why, every lookup misses and
    // every store fails with unusable_directory without touching the disk.
    explicit artifact_cache(std::filesystem::path dir, cache_settings settings = {});

    const std::filesystem::path& directory() const noexcept { return dir_; }
    // Empty code when the cache is usable.
    const error_info& open_error() const noexcept { return open_error_; }

    // The artifact stored under `url`, or nothing. A hit marks the file as just used (its mtime),
    // which protects it from eviction. A file that is corrupt, truncated, of another version or of
    // another URL is a miss: it is deleted, and `why` (when given) says what was wrong with it.
    // A hit or a plain miss clears `why`.
    std::optional<cached_artifact> lookup(std::string_view url, error_info* why = nullptr);

    // Writes `artifact` under its URL, replacing any previous file, with expected::replace_file:
    // a temporary file in the same directory, fsync, rename, fsync of the directory (~7 ms on ext4).
    // On failure no temporary file remains and the previous file, if any, is untouched. Afterwards,
    // if all entry files together exceed max_bytes, the least recently used others are deleted
    // until they fit; the first store also deletes temporary files that dead processes left over an
    // hour ago. Returns the failure (empty on success); `why` (when given) names the file and the
    // reason, and is cleared on success.
    std::error_code store(const cached_artifact& artifact, error_info* why = nullptr);

    // Where `url` is stored (whether or not it is): for diagnostics and tests.
    std::filesystem::path path_for(std::string_view url) const;

private:
    void evict(const std::filesystem::path& keep);

    std::filesystem::path dir_;
    cache_settings settings_;
    error_info open_error_;
    std::optional<std::uint64_t> total_bytes_;  // of entry files, counted at the first store
};

}  // namespace ue::cache
