#pragma once

#include "update_expected/expected/error.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ue::expected {

// The whole content of `path`, or nullopt when it does not exist. Failures keep the OS error code
// and name the path. Expected files are small (tens of KiB), so reading them whole is fine.
result<std::optional<std::string>> read_file_if_exists(const std::filesystem::path& path);

enum class replace_status {
    written,    // the file now holds the new content
    unchanged,  // it already did: not touched at all (same inode, same mtime)
};

struct replace_options {
    // Create the parent directory (one level, like `rocm/` of the output directory) when missing.
    bool create_parent = false;
    // The file's permission bits, whatever the old file's (the rerun cache's private entries: 0600).
    std::optional<unsigned> mode{};
};

// Makes `path` hold `content`, so that it is at every instant either the old file or the new one:
// compares first (identical content leaves the file alone); else writes a temporary file
// `.<name>.tmp-XXXXXX` in the same directory, fsyncs it, renames it over `path` and fsyncs the
// directory. An existing file keeps its permission bits and a new one gets 0644 minus the umask,
// unless replace_options::mode says otherwise.
// On any failure the temporary file (and a parent directory made for it) is removed and the old
// file is left as it was; the message names the path, the step and the OS error text. Synchronous
// and blocking; no global state.
// A symlink at `path` is replaced by a regular file (expected files are not symlinks).
result<replace_status> replace_file(const std::filesystem::path& path, std::string_view content,
                                    replace_options options = {});

}  // namespace ue::expected
