#pragma once

// Everything one run needs, decided before any work starts. Ground floor: it includes only the
// jobs part's plain selection_options, so that the defaults of docs/pytorch-ci.md live in one place.
// A default-constructed config holds the defaults of docs/command.md and docs/pytorch-ci.md; the command line
// (app/cli.hpp) fills in the rest and guarantees the invariants noted per field.

#include "update_expected/jobs/selection.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ue {

/// A credential from the environment. The value leaves only through reveal(), called by the code
/// that puts it on the wire to the host it belongs to. Streaming shows "<redacted>" (or "<unset>")
/// and there is deliberately no fmt formatter: fmt::format("{}", a_secret) does not compile, so a
/// secret cannot end up in a message, log or report by accident.
class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}

    [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
    [[nodiscard]] const std::string& reveal() const noexcept { return value_; }

    friend std::ostream& operator<<(std::ostream& out, const secret& s) {
        return out << (s.empty() ? "<unset>" : "<redacted>");
    }

private:
    std::string value_;
};

/// Credentials read from the environment only (an empty variable counts as unset).
struct credentials {
    secret github_token;           ///< GITHUB_TOKEN, else GH_TOKEN; raises the GitHub rate limit
    secret clickhouse_key_id;      ///< CH_KEY_ID: user of the ClickHouse basic auth
    secret clickhouse_key_secret;  ///< CH_KEY_SECRET: password of the ClickHouse basic auth
};

/// Where the job rows of the commit come from (docs/pytorch-ci.md section 1).
enum class source_kind {
    github,      ///< GitHub REST API (runs, then jobs of each wanted run)
    clickhouse,  ///< PyTorch's ClickHouse query endpoint, basic auth from CH_KEY_ID/CH_KEY_SECRET
    rockset,     ///< Rockset-style lambda (what the original script used)
    jobs_file,   ///< a local JSON file of rows (--jobs-file)
};

[[nodiscard]] constexpr std::string_view to_string(source_kind kind) noexcept {
    switch (kind) {
        case source_kind::github: return "github";
        case source_kind::clickhouse: return "clickhouse";
        case source_kind::rockset: return "rockset";
        case source_kind::jobs_file: return "jobs-file";
    }
    return "?";
}

/// A GitHub repository. The command line accepts only GitHub's name characters, so both parts
/// are safe in a URL path and in an S3 key.
struct repository {
    std::string owner = "pytorch";
    std::string name = "pytorch";

    [[nodiscard]] std::string slug() const { return owner + '/' + name; }
};

/// `--progress`: when the live progress line is drawn on stderr.
enum class progress_display {
    automatic,  ///< only when stderr is a terminal
    always,     ///< even into a file or pipe
    never,
};

inline constexpr std::string_view default_github_api_url = "https://api.github.com";
inline constexpr std::string_view default_artifacts_url = "https://gha-artifacts.s3.amazonaws.com";

struct config {
    /// Lowercase hex: 40 digits, or (github source only) a shorter prefix; or "latest" (github only).
    std::string sha;
    /// For sha == "latest": the branch whose newest completed push run gives the SHA; not empty.
    std::string branch = "main";
    repository repo;
    source_kind source = source_kind::github;
    /// The source's endpoint (http(s), no credentials in it); empty for source_kind::jobs_file.
    std::string query_url{default_github_api_url};
    /// Absolute path of a readable regular file; set only for source_kind::jobs_file.
    std::filesystem::path jobs_file;
    /// Artifact base, http or https, without a trailing '/', query or fragment.
    std::string artifacts_url{default_artifacts_url};
    /// Look for a report S3 lacks among its run's GitHub Actions artifacts (docs/pytorch-ci.md
    /// section 3); false with --no-github-artifacts.
    bool github_artifacts = true;
    /// The GitHub API of that fallback (http(s), no credentials in it): --github-api-url, else
    /// query_url with the github source, else https://api.github.com.
    std::string github_api_url{default_github_api_url};
    /// Absolute path of an existing directory (rocm/ inside it is created when needed).
    std::filesystem::path output_dir;

    /// Filters of docs/pytorch-ci.md section 2 (workflows, configs, benchmarks, excluded job-name
    /// substrings), with PyTorch's defaults kept in one place, the jobs part. Giving one value on
    /// the command line replaces that list's default; the exclusions may be empty.
    jobs::selection_options selection;

    /// Columns of files that do not exist yet; when set, non-empty, starts with "name", no
    /// empty or duplicate names. Unset: docs/pytorch-ci.md's default (name,accuracy,graph_breaks).
    std::optional<std::vector<std::string>> columns;

    unsigned concurrency = 16;                     ///< artifact transfers in flight, 1..256
    std::optional<std::filesystem::path> ca_file;  ///< absolute, readable; added to the system store
    std::chrono::milliseconds timeout{30'000};     ///< deadline of each network stage, > 0
    unsigned retries = 4;                          ///< retries after the first attempt of a request

    /// The rerun cache directory (absolute); unset with --no-cache or when neither --cache-dir,
    /// XDG_CACHE_HOME nor HOME gives one. Created when missing.
    std::optional<std::filesystem::path> cache_dir;
    progress_display progress = progress_display::automatic;
    /// --summary-json: absolute path of the JSON report, written atomically at the end of the run.
    std::optional<std::filesystem::path> summary_json;

    bool dry_run = false;  ///< do everything but write
    /// An incomplete (suite, phase) is merged into its existing file: rows that arrived replace
    /// their namesakes, the others stay (the run still exits 1).
    bool allow_partial = false;
    bool quiet = false;    ///< errors and the summary line only (never together with verbose)
    bool verbose = false;  ///< per-artifact details

    credentials creds;
};

}  // namespace ue
