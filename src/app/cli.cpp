#include "update_expected/app/cli.hpp"

#include "checks.hpp"

#include "update_expected/cache/cache_dir.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <cstdlib>
#include <set>
#include <utility>
#include <vector>

#include <unistd.h>

#ifndef UE_VERSION
#error "UE_VERSION must be defined by the build (the meson project version)"
#endif

namespace ue::app {
namespace {

using namespace detail;  // the value checks and refuse() of checks.hpp

namespace fs = std::filesystem;

constexpr unsigned max_concurrency = 256;
// Each retry waits longer than the last: beyond a handful the run only hides a dead service.
constexpr unsigned max_retries = 20;
constexpr std::string_view version_text = "update-expected " UE_VERSION;
constexpr std::string_view expected_subdir = "benchmarks/dynamo/ci_expected_accuracy";

// Every option is bound to text, so every message about a value is ours (the same with the Debian
// CLI11 and the wrap's newer one) and names the flag.
struct raw_options {
    std::string sha, branch, repo, source, query_url, jobs_file, artifacts_url, output_dir, columns;
    std::string concurrency, ca_file, timeout, retries, cache_dir, progress, summary_json, github_api_url;
    std::vector<std::string> workflows, configs, benchmarks, exclude_jobs;
    bool dry_run = false, allow_partial = false, quiet = false, verbose = false, no_cache = false;
    bool no_github_artifacts = false;
};

constexpr std::string_view description =
    "update-expected: refresh PyTorch's expected-accuracy CSVs\n"
    "(benchmarks/dynamo/ci_expected_accuracy) from the CI benchmark results\n"
    "(artifact zips) of one commit. Only complete (suite, phase) results are\n"
    "written; each file is either left as it was or replaced whole.";

constexpr std::string_view footer_rest = R"(Environment:
  GITHUB_TOKEN, GH_TOKEN    a GitHub token (the first one set): 5,000 API
                            requests an hour instead of 60; needed to download
                            a report that only a run's GitHub artifact holds
  CH_KEY_ID, CH_KEY_SECRET  the ClickHouse key (needed by --source clickhouse)
  HTTPS_PROXY, ALL_PROXY    http:// proxy for https requests (or lower case)
  NO_PROXY                  hosts that bypass it: suffixes, *, IPs, CIDR ranges
  SSL_CERT_FILE             CA bundle, as OpenSSL reads it
  XDG_CACHE_HOME            the rerun cache is XDG_CACHE_HOME/update-expected
                            (else ~/.cache/update-expected)
  NO_COLOR                  set and not empty: no colour in the report
Credentials come from the environment only and never appear in any output.

Exit status (when several apply, the first of this list):
  2    usage or configuration error (bad flag, missing SHA, unreadable file,
       no output directory)
  3    the job rows could not be had (network, authentication, rate limit,
       bad answer); nothing written
  130  interrupted (SIGINT), 143 terminated (SIGTERM); no file left half-written
  75   try again later: another run holds the output directory, the commit
       has no wanted jobs yet, or (github) some wanted jobs have not completed:
       their suites are not written, the others are
  1    some (suite, phase) incomplete or failed; the complete ones were written
  0    every wanted (suite, phase) written or already up to date)";

constexpr std::size_t help_name_width = 26;
constexpr std::size_t help_text_width = 80 - help_name_width;

// CLI11 2.1 does not wrap option descriptions but indents after each '\n': wrap them here so the
// help fits an 80-column terminal.
std::string wrapped(std::string_view text) {
    std::string out;
    std::size_t line = 0;
    while (!text.empty()) {
        const auto space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        if (line > 0 && line + 1 + word.size() > help_text_width) {
            out += '\n';
            line = 0;
        } else if (line > 0) {
            out += ' ';
            ++line;
        }
        out += word;
        line += word.size();
        text.remove_prefix(space == std::string_view::npos ? text.size() : space + 1);
    }
    return out;
}

std::string joined_defaults(const std::vector<std::string>& list) { return fmt::format("{}", fmt::join(list, ", ")); }

// The default lists come from the jobs part, the one place that knows PyTorch's defaults.
std::string footer() {
    const jobs::selection_options defaults;
    std::string configs;
    std::size_t line = 0;
    for (std::size_t i = 0; i < defaults.configs.size(); ++i) {
        const std::string word = defaults.configs[i] + (i + 1 < defaults.configs.size() ? "," : "");
        if (line > 2 && line + 1 + word.size() > 78) {
            configs += '\n';
            line = 0;
        }
        configs += line == 0 ? "  " + word : " " + word;
        line += (line == 0 ? 2 : 1) + word.size();
    }
    return "Defaults of --config (a suite is CONFIG_BENCHMARK, e.g. inductor_timm):\n" + configs + "\n\n" +
           std::string(footer_rest);
}

void declare_options(CLI::App& app, raw_options& raw) {
    const jobs::selection_options defaults;
    app.description(std::string(description));
    app.footer(footer());
    app.get_formatter()->column_width(help_name_width);
    app.get_formatter()->label("REQUIRED", "");  // "Usage: ... SHA" says it already
    app.set_version_flag("--version", std::string(version_text), "print the version and exit");
    app.set_help_flag("-h,--help", "print this help and exit");
    // Unknown options and extra arguments are collected and reported by us, with our wording.
    app.allow_extras();

    // One value per occurrence: without this CLI11 lets a repeatable option swallow the SHA.
    auto repeatable = [&](const char* name, std::vector<std::string>& into, const char* type, const std::string& help) {
        app.add_option(name, into, wrapped(help))->type_name(type)->allow_extra_args(false);
    };
    auto single = [&](const char* name, std::string& into, const char* type, const char* help) {
        app.add_option(name, into, wrapped(help))->type_name(type);
    };

    app.add_option("SHA", raw.sha,
                   wrapped("the commit whose CI results to use: 40 hex digits; with the github source "
                           "also a shorter hex prefix, or `latest` (the newest commit on --branch whose "
                           "run of the first --workflow has completed)"))
        ->type_name("")
        ->required();
    single("--branch", raw.branch, "NAME", "the branch `latest` looks at (default main)");
    single("--repo", raw.repo, "OWNER/NAME", "the GitHub repository (default pytorch/pytorch)");
    single("--source", raw.source, "NAME",
           "where the job rows come from: github (the default; the REST API), clickhouse or rockset");
    single("--query-url", raw.query_url, "URL",
           "the source's endpoint: the GitHub API base (default https://api.github.com), the "
           "ClickHouse query endpoint or the Rockset-style lambda URL (required for those two: no "
           "public default); https, or http to localhost only");
    single("--jobs-file", raw.jobs_file, "PATH",
           "read the job rows from a JSON file ({\"data\":[...]}, {\"results\":[...]} or [...]) "
           "instead of a source; not with --source or --query-url");
    single("--artifacts-url", raw.artifacts_url, "URL",
           "where the artifact zips are (default https://gha-artifacts.s3.amazonaws.com); "
           "http:// is accepted for local mirrors");
    single("--github-api-url", raw.github_api_url, "URL",
           "the GitHub API where a report S3 lacks is looked for among its run's GitHub artifacts "
           "(default: --query-url with the github source, else https://api.github.com)");
    app.add_flag("--no-github-artifacts", raw.no_github_artifacts,
                 wrapped("never look for reports among the runs' GitHub artifacts: S3 only"));
    single("--output-dir", raw.output_dir, "DIR",
           "where the CSVs are written; must exist (default benchmarks/dynamo/ci_expected_accuracy "
           "of the PyTorch checkout around the working directory)");
    repeatable("--workflow", raw.workflows, "NAME",
               "a workflow whose jobs count; repeat for more; giving one replaces the default (" +
                   joined_defaults(defaults.workflows) + ")");
    repeatable("--config", raw.configs, "NAME",
               "a benchmark config (first part of a suite); repeat for more; giving one replaces "
               "the default (the 16 configs listed below)");
    repeatable("--benchmark", raw.benchmarks, "NAME",
               "a benchmark (last part of a suite); repeat for more; giving one replaces the "
               "default (" +
                   joined_defaults(defaults.benchmarks) + ")");
    repeatable("--exclude-job", raw.exclude_jobs, "TEXT",
               "skip jobs whose name contains TEXT (case-sensitive); repeat for more; giving one "
               "replaces the default (" +
                   joined_defaults(defaults.excluded) + "); 'none' skips nothing");
    single("--columns", raw.columns, "A,B,...",
           "columns of files that do not exist yet, starting with name (default "
           "name,accuracy,graph_breaks); existing files keep their header");
    single("-j,--concurrency", raw.concurrency, "N", "artifact downloads in flight, 1 to 256 (default 16)");
    single("--ca-file", raw.ca_file, "PATH", "extra trusted CA bundle (the system store still counts)");
    single("--timeout", raw.timeout, "SECONDS",
           "deadline of each network stage: connect, TLS handshake, response headers, longest gap "
           "between body bytes; fractions allowed (default 30)");
    single("--retries", raw.retries, "N", "retries after the first attempt of a request, 0 to 20 (default 4)");
    single("--cache-dir", raw.cache_dir, "DIR",
           "the rerun cache: rows of artifacts already read, so that a rerun fetches only what it "
           "lacks, and the GitHub API's answers, asked for again only if changed (default "
           "$XDG_CACHE_HOME/update-expected, else ~/.cache/update-expected)");
    app.add_flag("--no-cache", raw.no_cache, wrapped("neither read nor fill the rerun cache"));
    single("--progress", raw.progress, "WHEN",
           "live progress line on stderr: auto (only on a terminal), always or never (default auto)");
    single("--summary-json", raw.summary_json, "PATH",
           "write a JSON report of the run there (atomically, also when the run fails); shape in "
           "docs/summary-json.md");
    app.add_flag("--dry-run", raw.dry_run,
                 wrapped("do everything but write; report what would change; same exit status"));
    app.add_flag("--allow-partial", raw.allow_partial,
                 wrapped("merge an incomplete (suite, phase) into its file: rows that arrived replace their "
                         "namesakes, every other row stays; the exit status is still 1"));
    app.add_flag("-q,--quiet", raw.quiet, wrapped("no report and no warnings: errors and the summary line only"));
    app.add_flag("-v,--verbose", raw.verbose, wrapped("per artifact: candidate chosen, URL, bytes, attempts, seconds"));
}

// CLI11 gives an option the next argument even when that is another option (`--repo --dry-run`);
// such a value is almost surely a forgotten one, and taking it would silently drop the flag.
void refuse_options_as_values(const CLI::App& app) {
    std::set<std::string, std::less<>> names;
    for (const CLI::Option* option : app.get_options()) {
        for (const auto& name : option->get_lnames()) names.insert("--" + name);
        for (const auto& name : option->get_snames()) names.insert("-" + name);
    }
    for (const CLI::Option* option : app.get_options()) {
        for (const std::string& value : option->results()) {
            std::string_view head = std::string_view(value).substr(0, value.find('='));
            if (names.contains(head)) {
                refuse("{} needs a value, but the option {} came next", option->get_name(), head);
            }
        }
    }
}

void refuse_extras(const CLI::App& app) {
    for (const std::string& extra : app.remaining()) {
        if (extra == "--") continue;  // CLI11 2.1 keeps the end-of-options marker
        if (extra.size() > 1 && extra.front() == '-') refuse("unknown option {}", shown(extra));
    }
    for (const std::string& extra : app.remaining()) {
        if (extra != "--") refuse("unexpected argument {}: give one SHA", shown(extra));
    }
}

fs::path find_output_dir(const raw_options& raw, const fs::path& working_directory) {
    if (raw.output_dir.empty()) {
        if (auto found = find_expected_dir(working_directory)) return *found;
        refuse(
            "no PyTorch checkout around {}: neither it nor a parent holds {}; run inside a "
            "checkout or give --output-dir",
            shown(working_directory.string()), expected_subdir);
    }
    return check_directory("--output-dir", working_directory, raw.output_dir);
}

// Refused before any download, so a read-only checkout costs no transfer; --dry-run writes nothing
// and needs no write access.
fs::path check_output_dir(const raw_options& raw, const fs::path& working_directory) {
    fs::path dir = find_output_dir(raw, working_directory);
    if (!raw.dry_run && ::access(dir.c_str(), W_OK | X_OK) != 0) {
        refuse("output directory {} is not writable: {} (--dry-run needs no write access)", shown(dir.string()),
               std::generic_category().message(errno));
    }
    return dir;
}

secret read_secret(const environment& env, std::string_view name) {
    std::optional<std::string> value = env(name);
    return value && !value->empty() ? secret(std::move(*value)) : secret();
}

void check_source(const raw_options& raw, const CLI::App& app, config& settings, const fs::path& working_directory) {
    if (app.count("--jobs-file") > 0) {
        if (app.count("--source") > 0 || app.count("--query-url") > 0) {
            refuse("--jobs-file replaces the job source: give either --jobs-file or --source/--query-url");
        }
        settings.source = source_kind::jobs_file;
        settings.query_url.clear();
        settings.jobs_file = check_readable_file("--jobs-file", working_directory, raw.jobs_file);
        return;
    }
    if (app.count("--source") > 0) {
        if (raw.source == "github")
            settings.source = source_kind::github;
        else if (raw.source == "clickhouse")
            settings.source = source_kind::clickhouse;
        else if (raw.source == "rockset")
            settings.source = source_kind::rockset;
        else
            refuse("--source {}: want github, clickhouse or rockset", shown(raw.source));
    }
    if (app.count("--query-url") > 0) {
        settings.query_url = check_url("--query-url", raw.query_url, url_use::query);
    } else if (settings.source != source_kind::github) {
        refuse("--source {} needs --query-url: its endpoint has no public default", to_string(settings.source));
    }
}

// Where the GitHub-artifacts fallback asks (docs/command.md): needs the source decided first.
void check_github_artifacts(const raw_options& raw, const CLI::App& app, config& settings) {
    if (raw.no_github_artifacts && app.count("--github-api-url") > 0) {
        refuse("--no-github-artifacts and --github-api-url contradict each other: give one");
    }
    settings.github_artifacts = !raw.no_github_artifacts;
    if (app.count("--github-api-url") > 0) {
        settings.github_api_url = check_url("--github-api-url", raw.github_api_url, url_use::query);
    } else if (settings.source == source_kind::github) {
        settings.github_api_url = settings.query_url;
    }
}

// The cache, progress and report options (docs/command.md): none of them changes what is written.
void check_operability(const raw_options& raw, const CLI::App& app, const environment& env,
                       const fs::path& working_directory, config& settings) {
    if (raw.no_cache && app.count("--cache-dir") > 0) {
        refuse("--no-cache and --cache-dir contradict each other: give one");
    }
    if (app.count("--cache-dir") > 0) {
        if (raw.cache_dir.empty()) refuse("--cache-dir needs a directory");
        // Created on first use: only its path is checked here.
        settings.cache_dir = (working_directory / raw.cache_dir).lexically_normal();
    } else if (!raw.no_cache) {
        settings.cache_dir = cache::default_cache_dir([&env](std::string_view name) { return env(name); });
    }
    if (app.count("--progress") > 0) {
        if (raw.progress == "auto")
            settings.progress = progress_display::automatic;
        else if (raw.progress == "always")
            settings.progress = progress_display::always;
        else if (raw.progress == "never")
            settings.progress = progress_display::never;
        else
            refuse("--progress {}: want auto, always or never", shown(raw.progress));
    }
    if (app.count("--summary-json") > 0) {
        if (raw.summary_json.empty()) refuse("--summary-json needs a file path");
        const fs::path path = (working_directory / raw.summary_json).lexically_normal();
        std::error_code ec;
        if (!fs::is_directory(path.parent_path(), ec)) {
            refuse("--summary-json {}: its directory does not exist", shown(path.string()));
        }
        if (fs::is_directory(path, ec)) refuse("--summary-json {}: is a directory", shown(path.string()));
        settings.summary_json = path;
    }
}

config check(const raw_options& raw, const CLI::App& app, const environment& env, const fs::path& working_directory) {
    refuse_extras(app);
    refuse_options_as_values(app);
    if (raw.quiet && raw.verbose) refuse("--quiet and --verbose contradict each other: give one");

    config settings;
    check_source(raw, app, settings, working_directory);
    settings.sha = check_sha(raw.sha, settings.source);
    if (app.count("--branch") > 0) {
        // Silently ignoring it would let a cron line believe it follows a branch it does not.
        if (settings.sha != "latest")
            refuse("--branch {} is for `latest`: a SHA names its commit already", shown(raw.branch));
        settings.branch = check_branch(raw.branch);
    }
    if (app.count("--repo") > 0) settings.repo = check_repo(raw.repo);

    if (!raw.workflows.empty()) {
        check_not_empty("--workflow", raw.workflows);
        settings.selection.workflows = raw.workflows;
    }
    if (!raw.configs.empty()) {
        check_names("--config", raw.configs);
        settings.selection.configs = raw.configs;
    }
    if (!raw.benchmarks.empty()) {
        check_names("--benchmark", raw.benchmarks);
        settings.selection.benchmarks = raw.benchmarks;
    }
    if (!raw.exclude_jobs.empty()) settings.selection.excluded = check_exclusions(raw.exclude_jobs);
    if (app.count("--columns") > 0) settings.columns = check_columns(raw.columns);

    if (app.count("--concurrency") > 0) {
        settings.concurrency = check_count("-j/--concurrency", raw.concurrency, 1, max_concurrency, "transfers");
    }
    if (app.count("--timeout") > 0) settings.timeout = check_timeout(raw.timeout);
    if (app.count("--retries") > 0) settings.retries = check_count("--retries", raw.retries, 0, max_retries, "retries");
    if (app.count("--artifacts-url") > 0) {
        settings.artifacts_url = check_url("--artifacts-url", raw.artifacts_url, url_use::artifacts);
    }
    check_github_artifacts(raw, app, settings);
    if (app.count("--ca-file") > 0) settings.ca_file = check_readable_file("--ca-file", working_directory, raw.ca_file);
    settings.output_dir = check_output_dir(raw, working_directory);
    check_operability(raw, app, env, working_directory, settings);

    settings.dry_run = raw.dry_run;
    settings.allow_partial = raw.allow_partial;
    settings.quiet = raw.quiet;
    settings.verbose = raw.verbose;

    settings.creds.github_token = read_secret(env, "GITHUB_TOKEN");
    if (settings.creds.github_token.empty()) settings.creds.github_token = read_secret(env, "GH_TOKEN");
    settings.creds.clickhouse_key_id = read_secret(env, "CH_KEY_ID");
    settings.creds.clickhouse_key_secret = read_secret(env, "CH_KEY_SECRET");
    if (settings.source == source_kind::clickhouse &&
        (settings.creds.clickhouse_key_id.empty() || settings.creds.clickhouse_key_secret.empty())) {
        refuse("--source clickhouse needs CH_KEY_ID and CH_KEY_SECRET in the environment");
    }
    return settings;
}

std::string joined(const std::vector<std::string>& values) {
    return values.empty() ? std::string("(none)") : fmt::format("{}", fmt::join(values, ", "));
}

std::string_view set_or_unset(const secret& value) { return value.empty() ? "unset" : "set"; }

}  // namespace

environment process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
    };
}

std::variant<config, early_exit> parse_command_line(std::span<const std::string> args, const environment& env,
                                                    const std::filesystem::path& working_directory) {
    CLI::App app{"", "update-expected"};
    raw_options raw;
    declare_options(app, raw);
    auto see_help = [](std::string_view message) {
        // CLI11's messages may quote what was typed: escaping keeps every message on one line.
        return early_exit{exit_code::usage, fmt::format("update-expected: {}; see --help", escaped(message))};
    };
    try {
        std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
        app.parse(reversed);
        return check(raw, app, env, working_directory);
    } catch (const CLI::CallForHelp&) {
        return early_exit{exit_code::ok, app.help()};
    } catch (const CLI::CallForAllHelp&) {
        return early_exit{exit_code::ok, app.help()};
    } catch (const CLI::CallForVersion&) {
        return early_exit{exit_code::ok, std::string(version_text)};
    } catch (const CLI::RequiredError&) {  // the SHA is the only required argument
        return see_help("missing SHA: give the commit whose CI results to use");
    } catch (const CLI::ParseError& error) {
        // CLI11's own wording ("--repo: At Most 1 required but received 2") names the flag.
        return see_help(error.what());
    } catch (const usage_error& error) {
        return see_help(error.what());
    }
}

std::optional<std::filesystem::path> find_expected_dir(const std::filesystem::path& start) {
    fs::path dir = start.lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path()) dir = dir.parent_path();  // "/a/b/" -> "/a/b"
    while (true) {
        fs::path candidate = dir / expected_subdir;
        std::error_code ec;
        if (fs::is_directory(candidate, ec)) return candidate;
        if (dir.parent_path() == dir || dir.empty()) return std::nullopt;
        dir = dir.parent_path();
    }
}

std::string describe(const config& settings) {
    std::string out;
    auto line = [&out](std::string_view name, std::string_view value) { out += fmt::format("{}: {}\n", name, value); };
    line("sha", settings.sha);
    if (settings.sha == "latest") line("branch", settings.branch);
    line("repo", settings.repo.slug());
    line("source", to_string(settings.source));
    if (settings.source == source_kind::jobs_file)
        line("jobs file", settings.jobs_file.string());
    else
        line("query url", settings.query_url);
    line("artifacts url", settings.artifacts_url);
    line("github artifacts", settings.github_artifacts ? settings.github_api_url : "(not looked for)");
    line("output dir", settings.output_dir.string());
    line("workflows", joined(settings.selection.workflows));
    line("configs", joined(settings.selection.configs));
    line("benchmarks", joined(settings.selection.benchmarks));
    line("excluded jobs", joined(settings.selection.excluded));
    line("new-file columns",
         settings.columns ? fmt::format("{}", fmt::join(*settings.columns, ",")) : "name,accuracy,graph_breaks");
    line("concurrency", fmt::format("{}", settings.concurrency));
    line("ca file", settings.ca_file ? settings.ca_file->string() : "(system store only)");
    line("timeout", fmt::format("{} ms per stage", settings.timeout.count()));
    line("retries", fmt::format("{}", settings.retries));
    line("cache dir", settings.cache_dir ? settings.cache_dir->string() : "(no cache)");
    line("summary json", settings.summary_json ? settings.summary_json->string() : "(none)");
    line("dry run", settings.dry_run ? "yes" : "no");
    line("allow partial", settings.allow_partial ? "yes" : "no");
    line("GITHUB_TOKEN/GH_TOKEN", set_or_unset(settings.creds.github_token));
    line("CH_KEY_ID", set_or_unset(settings.creds.clickhouse_key_id));
    line("CH_KEY_SECRET", set_or_unset(settings.creds.clickhouse_key_secret));
    return out;
}

}  // namespace ue::app
