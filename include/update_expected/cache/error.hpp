#pragma once

#include <string>
#include <system_error>

namespace ue::cache {

// Why the rerun cache missed or could not store. None of these ever fails a run: a lookup that
// meets one is a miss, a store that meets one is reported once as a warning by the caller.
enum class error {
    unusable_directory = 1,  // the cache directory cannot be created, or is not a writable directory
    corrupt_entry,           // a cache file's magic, lengths, checksum or encoding are wrong
    truncated_entry,         // a cache file is shorter than its header says
    version_mismatch,        // a cache file was written by another cache format version
    url_mismatch,            // the file named after a URL holds another URL (collision or stray file)
    entry_too_large,         // an artifact's encoding alone exceeds the cache's size bound
    write_failed,            // creating, writing, syncing or renaming the temporary file failed
};

const std::error_category& cache_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), cache_category()}; }

// Everything known about a miss or a failed store, for one warning line.
struct error_info {
    std::error_code code;  // empty: nothing went wrong (a clean hit, miss or store)
    std::string file;      // the cache file or directory concerned
    std::string detail;    // e.g. the operating system's reason; may be empty

    // e.g. `cache /home/u/.cache/update-expected/ab12...: corrupt cache entry (checksum mismatch)`.
    std::string describe() const;
};

}  // namespace ue::cache

template <>
struct std::is_error_code_enum<ue::cache::error> : std::true_type {};
