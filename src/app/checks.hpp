#pragma once

// The checks of single command-line values (private to the app part). Each returns the value in
// its checked form or throws usage_error with a one-line message naming the flag; user text in a
// message goes through shown().

#include "update_expected/config.hpp"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ue::app::detail {

// Validation stops at the first problem; the exception carries the message up to
// parse_command_line, the only place that catches it.
class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <typename... Args>
[[noreturn]] void refuse(fmt::format_string<Args...> format, Args&&... args) {
    throw usage_error(fmt::format(format, std::forward<Args>(args)...));
}

/// Control bytes as \xNN, so that text put into a message cannot break its line.
[[nodiscard]] std::string escaped(std::string_view text);

/// User text quoted for a message: control bytes escaped, cut after 80 bytes, so that the
/// message stays one line whatever was typed.
[[nodiscard]] std::string shown(std::string_view text);

/// Lowercase 40-hex SHA; a 4..39-digit prefix or "latest" only with the github source.
[[nodiscard]] std::string check_sha(std::string sha, source_kind source);

/// A git branch name as `latest` looks it up: not empty, no spaces, control characters or `..`, not
/// starting with '-' (the API gets it percent-encoded, so the check is for the user's sake).
[[nodiscard]] std::string check_branch(std::string_view branch);

/// OWNER/NAME with GitHub's name characters only.
[[nodiscard]] repository check_repo(std::string_view text);

enum class url_use {
    query,      ///< https, or http to a loopback host only (credentials and queries go there)
    artifacts,  ///< http or https, no ?query (keys are appended); returned without trailing '/'
};

/// An http(s) URL with a host, an optional valid port, no credentials and no #fragment; the
/// scheme is returned in lower case.
[[nodiscard]] std::string check_url(std::string_view flag, std::string_view url, url_use use);

/// A whole decimal number in [low, high].
[[nodiscard]] unsigned check_count(std::string_view flag, std::string_view text, unsigned low, unsigned high,
                                   std::string_view unit);

/// Seconds, fractions allowed, from 0.001 to 3600.
[[nodiscard]] std::chrono::milliseconds check_timeout(std::string_view text);

/// Config and benchmark names: non-empty, letters, digits, '_' and '-' only.
void check_names(std::string_view flag, const std::vector<std::string>& names);

/// No empty value.
void check_not_empty(std::string_view flag, const std::vector<std::string>& values);

/// The --exclude-job values; a lone "none" gives the empty list.
[[nodiscard]] std::vector<std::string> check_exclusions(const std::vector<std::string>& given);

/// A comma-separated header starting with "name"; no empty, duplicate or quoted names; spaces
/// around names are dropped.
[[nodiscard]] std::vector<std::string> check_columns(std::string_view text);

/// `text` resolved against `working_directory`: a regular file this process can open for reading.
[[nodiscard]] std::filesystem::path check_readable_file(std::string_view flag,
                                                        const std::filesystem::path& working_directory,
                                                        std::string_view text);

/// `text` resolved against `working_directory`: an existing directory.
[[nodiscard]] std::filesystem::path check_directory(std::string_view flag,
                                                    const std::filesystem::path& working_directory,
                                                    std::string_view text);

}  // namespace ue::app::detail
