#include "checks.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace ue::app::detail {

namespace fs = std::filesystem;

namespace {

constexpr double max_timeout_seconds = 3600;
// Shorter prefixes are ambiguous in a repository of PyTorch's size; git itself stops at 4.
constexpr std::size_t min_sha_prefix = 4;
constexpr std::size_t full_sha = 40;

bool is_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

bool is_github_name_char(char c, bool allow_dot_underscore) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           (allow_dot_underscore && (c == '.' || c == '_'));
}

bool is_loopback(std::string_view host) { return host == "localhost" || host == "[::1]" || host.starts_with("127."); }

fs::path resolve(std::string_view flag, const fs::path& working_directory, std::string_view text) {
    if (text.empty()) refuse("{} needs a path", flag);
    return (working_directory / fs::path(text)).lexically_normal();
}

}  // namespace

std::string escaped(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
        } else {
            out += c;
        }
    }
    return out;
}

std::string shown(std::string_view text) {
    constexpr std::size_t limit = 80;
    return fmt::format("'{}{}'", escaped(text.substr(0, limit)), text.size() > limit ? "..." : "");
}

std::string check_sha(std::string sha, source_kind source) {
    if (sha == "latest") {
        if (source != source_kind::github) refuse("`latest` needs the github source");
        return sha;
    }
    if (sha.empty() || !is_hex(sha)) {
        refuse(
            "SHA {} is not a commit: want 40 hex digits (a shorter hex prefix or `latest` with "
            "the github source)",
            shown(sha));
    }
    std::transform(sha.begin(), sha.end(), sha.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (sha.size() > full_sha) refuse("SHA {} has more than 40 hex digits", shown(sha));
    if (sha.size() < full_sha) {
        if (sha.size() < min_sha_prefix)
            refuse("SHA {} is too short: give at least {} hex digits", shown(sha), min_sha_prefix);
        if (source != source_kind::github) {
            refuse("SHA {} is a prefix; only the github source can resolve it: give all 40 hex digits", shown(sha));
        }
    }
    return sha;
}

std::string check_branch(std::string_view branch) {
    const bool bad_char = std::any_of(branch.begin(), branch.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '~' || c == '^' || c == ':' || c == '?' ||
               c == '*' || c == '[' || c == '\\';
    });
    if (branch.empty() || bad_char || branch.find("..") != std::string_view::npos || branch.starts_with('-')) {
        refuse("--branch {}: not a git branch name", shown(branch));
    }
    return std::string(branch);
}

repository check_repo(std::string_view text) {
    const auto slash = text.find('/');
    const auto owner = text.substr(0, slash);
    const auto name = slash == std::string_view::npos ? std::string_view{} : text.substr(slash + 1);
    const bool owner_ok =
        !owner.empty() && std::all_of(owner.begin(), owner.end(), [](char c) { return is_github_name_char(c, false); });
    const bool name_ok = !name.empty() && name != "." && name != ".." &&
                         std::all_of(name.begin(), name.end(), [](char c) { return is_github_name_char(c, true); });
    if (!owner_ok || !name_ok) {
        refuse("--repo {}: want OWNER/NAME of GitHub, e.g. pytorch/pytorch", shown(text));
    }
    return {std::string(owner), std::string(name)};
}

// A light check, enough to refuse what cannot work or would leak: the network part parses URLs
// for real. Returns the URL with its scheme in lower case (artifact base without trailing '/').
std::string check_url(std::string_view flag, std::string_view url, url_use use) {
    if (std::any_of(url.begin(), url.end(),
                    [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
        refuse("{} {}: a URL has no spaces or control characters", flag, shown(url));
    }
    const auto scheme_end = url.find("://");
    std::string scheme(url.substr(0, scheme_end == std::string_view::npos ? 0 : scheme_end));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (scheme != "http" && scheme != "https") refuse("{} {}: want an http:// or https:// URL", flag, shown(url));

    const auto rest = url.substr(scheme_end + 3);
    const auto authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
        refuse("{}: credentials in a URL are refused (they would show in messages); use the environment", flag);
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        host = authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1);
        if (close == std::string_view::npos || (host.size() < authority.size() && authority[host.size()] != ':')) {
            refuse("{} {}: bad IPv6 host", flag, shown(url));
        }
        if (host.size() < authority.size()) port = authority.substr(host.size() + 1);
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty() || host == "[]") refuse("{} {}: the URL has no host", flag, shown(url));
    if (host.size() < authority.size()) {
        unsigned number = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || number == 0 || number > 65535) {
            refuse("{} {}: bad port", flag, shown(url));
        }
    }
    if (rest.find('#') != std::string_view::npos) refuse("{} {}: a URL here has no #fragment", flag, shown(url));

    std::string normal = scheme + "://" + std::string(rest);
    if (use == url_use::query) {
        // Credentials (and the query itself) would cross the network in clear text.
        if (scheme == "http" && !is_loopback(host)) {
            refuse("{} {}: http:// is accepted only for localhost; use https://", flag, shown(url));
        }
    } else {
        if (rest.find('?') != std::string_view::npos)
            refuse("{} {}: the artifact base has no ?query", flag, shown(url));
        while (normal.ends_with('/')) normal.pop_back();
    }
    return normal;
}

unsigned check_count(std::string_view flag, std::string_view text, unsigned low, unsigned high, std::string_view unit) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < low || value > high) {
        refuse("{} {}: want a whole number of {} from {} to {}", flag, shown(text), unit, low, high);
    }
    return value;
}

std::chrono::milliseconds check_timeout(std::string_view text) {
    double seconds = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    const bool number =
        !text.empty() && ec == std::errc{} && end == text.data() + text.size() && std::isfinite(seconds);
    const auto millis = number ? std::llround(seconds * 1000) : 0;
    if (!number || millis < 1 || seconds > max_timeout_seconds) {
        refuse("--timeout {}: want seconds, more than 0 (at least 0.001) and at most {}", shown(text),
               max_timeout_seconds);
    }
    return std::chrono::milliseconds(millis);
}

// Config and benchmark names make the suite, which names output files and artifact keys: only
// characters that cannot escape a directory or break a URL.
void check_names(std::string_view flag, const std::vector<std::string>& names) {
    for (const std::string& name : names) {
        const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        });
        if (!ok) refuse("{} {}: want letters, digits, '_' or '-'", flag, shown(name));
    }
}

void check_not_empty(std::string_view flag, const std::vector<std::string>& values) {
    for (const std::string& value : values) {
        if (value.empty()) refuse("{} needs a non-empty value", flag);
    }
}

std::vector<std::string> check_exclusions(const std::vector<std::string>& given) {
    check_not_empty("--exclude-job", given);
    if (std::find(given.begin(), given.end(), "none") == given.end()) return given;
    if (given.size() > 1) refuse("--exclude-job none empties the list; it cannot be combined with other --exclude-job");
    return {};
}

std::vector<std::string> check_columns(std::string_view text) {
    std::vector<std::string> columns;
    std::string_view rest = text;
    while (true) {
        const auto comma = rest.find(',');
        std::string_view column = rest.substr(0, comma);
        while (!column.empty() && column.front() == ' ') column.remove_prefix(1);
        while (!column.empty() && column.back() == ' ') column.remove_suffix(1);
        if (column.empty()) refuse("--columns {}: a column name is empty", shown(text));
        if (std::any_of(column.begin(), column.end(),
                        [](char c) { return c == '"' || static_cast<unsigned char>(c) < 0x20; })) {
            refuse("--columns {}: a column name has a quote or control character", shown(text));
        }
        if (std::find(columns.begin(), columns.end(), column) != columns.end()) {
            refuse("--columns {}: column {} is given twice", shown(text), shown(column));
        }
        columns.emplace_back(column);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (columns.front() != "name") refuse("--columns {}: the first column must be name", shown(text));
    return columns;
}

// Open and close now, so that a wrong path is a usage error (exit 2) rather than a failure later.
fs::path check_readable_file(std::string_view flag, const fs::path& working_directory, std::string_view text) {
    fs::path path = resolve(flag, working_directory, text);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const std::error_code ec(errno, std::generic_category());
        refuse("{} {}: cannot read it: {}", flag, shown(path.string()), ec.message());
    }
    struct stat info {};
    const bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
    ::close(fd);
    if (!regular) refuse("{} {}: not a regular file", flag, shown(path.string()));
    return path;
}

fs::path check_directory(std::string_view flag, const fs::path& working_directory, std::string_view text) {
    fs::path path = resolve(flag, working_directory, text);
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        refuse("{} {}: {}", flag, shown(path.string()),
               fs::exists(path, ec) ? "not a directory" : "no such directory (it must exist)");
    }
    return path;
}

}  // namespace ue::app::detail
