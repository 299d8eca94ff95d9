#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "update_expected/cache/error.hpp"

namespace ue::cache {

// One answer of the GitHub API, as far as asking again with `If-None-Match` needs it: a `304 Not
// Modified` makes it the answer (docs/command.md, "The rerun cache").
struct cached_answer {
    std::string etag;  // the answer's ETag, as sent
    std::string link;  // its Link field, "" when it had none (a 304 need not repeat it)
    std::string body;

    friend bool operator==(const cached_answer&, const cached_answer&) = default;
};

// The GitHub API answers of earlier runs, beside the artifacts in the rerun cache directory: one
// file per URL, named by the hex SHA-256 of (format, URL) like the artifact cache's, so that its
// eviction bounds both together. Keyed by URL alone (a token is never part of a URL, and never
// stored); files are mode 0600. Synchronous and blocking, like artifact_cache.
class answer_cache {
public:
    // `dir` is the rerun cache directory, made by artifact_cache.
    explicit answer_cache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // The answer stored for `url`, or nothing. A file that is not one (truncated, another URL, another
    // format) is a miss and is deleted. A hit marks the file as just used, for eviction.
    std::optional<cached_answer> lookup(std::string_view url) const;

    // Stores `answer` for `url` atomically (expected::replace_file), mode 0600. On failure `why` says
    // which file and why; nothing is left behind.
    std::error_code store(std::string_view url, const cached_answer& answer, error_info* why = nullptr) const;

private:
    std::filesystem::path path_for(std::string_view url) const;

    std::filesystem::path dir_;
};

}  // namespace ue::cache
