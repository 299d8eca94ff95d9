#include "update_expected/app/cli.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using ue::config;
using ue::source_kind;
using ue::app::early_exit;
using ue::app::exit_code;

const std::string sha = "0123456789abcdef0123456789abcdef01234567";
const std::string expected_subdir = "benchmarks/dynamo/ci_expected_accuracy";

using ue::test::temp_dir;

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// A PyTorch-like checkout with the working directory two levels below its root; a rockset source
// is the base of most tests (it needs every source flag, so it shows that each one is read).
class Cli : public ::testing::Test {
protected:
    Cli() {
        fs::create_directories(checkout / expected_subdir);
        fs::create_directories(checkout / "torch");
        fs::create_directories(working);
        write_file(working / "jobs.json", "[]");
        write_file(working / "ca.pem", "not checked here");
    }

    std::variant<config, early_exit> run(const std::vector<std::string>& args) {
        return ue::app::parse_command_line(
            args,
            [this](std::string_view name) -> std::optional<std::string> {
                auto found = env.find(std::string(name));
                if (found == env.end()) return std::nullopt;
                return found->second;
            },
            working);
    }

    // The rockset source with its URL, plus `args`, plus the SHA.
    static std::vector<std::string> rockset(std::vector<std::string> args) {
        std::vector<std::string> all{"--source", "rockset", "--query-url", "https://lambda.example/query"};
        all.insert(all.end(), args.begin(), args.end());
        all.push_back(sha);
        return all;
    }

    config parsed(const std::vector<std::string>& args) {
        auto result = run(args);
        if (auto* refused = std::get_if<early_exit>(&result)) {
            ADD_FAILURE() << "refused with " << to_int(refused->code) << ": " << refused->text;
            return {};
        }
        return std::get<config>(result);
    }

    // Refused as a usage error (exit 2); returns the message.
    std::string refused(const std::vector<std::string>& args) {
        auto result = run(args);
        if (std::holds_alternative<config>(result)) {
            ADD_FAILURE() << "accepted";
            return {};
        }
        const early_exit& exit = std::get<early_exit>(result);
        EXPECT_EQ(exit.code, exit_code::usage);
        EXPECT_EQ(exit.text.find('\n'), std::string::npos) << exit.text;
        EXPECT_TRUE(exit.text.starts_with("update-expected: ")) << exit.text;
        EXPECT_TRUE(exit.text.ends_with("; see --help")) << exit.text;
        return exit.text;
    }

    temp_dir root;
    fs::path checkout = root.path() / "pytorch";
    fs::path working = checkout / "benchmarks" / "dynamo";
    std::map<std::string, std::string> env;
};

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

TEST_F(Cli, DefaultsAreThoseOfTheContract) {
    const config c = parsed(rockset({}));
    EXPECT_EQ(c.sha, sha);
    EXPECT_EQ(c.repo.owner, "pytorch");
    EXPECT_EQ(c.repo.name, "pytorch");
    EXPECT_EQ(c.source, source_kind::rockset);
    EXPECT_EQ(c.query_url, "https://lambda.example/query");
    EXPECT_TRUE(c.jobs_file.empty());
    EXPECT_EQ(c.artifacts_url, "https://gha-artifacts.s3.amazonaws.com");
    EXPECT_EQ(c.output_dir, checkout / expected_subdir);
    EXPECT_EQ(c.selection.workflows, (std::vector<std::string>{"inductor", "inductor-periodic"}));
    EXPECT_EQ(c.selection.configs, (std::vector<std::string>{
                                       "aot_eager", "aot_inductor", "cpu_aot_inductor", "cpu_aot_inductor_amp_freezing",
                                       "cpu_aot_inductor_freezing", "cpu_inductor", "cpu_inductor_amp_freezing",
                                       "cpu_inductor_freezing", "dynamic_aot_eager", "dynamic_cpu_aot_inductor",
                                       "dynamic_cpu_aot_inductor_amp_freezing", "dynamic_cpu_aot_inductor_freezing",
                                       "dynamic_cpu_inductor", "dynamic_inductor", "dynamo_eager", "inductor"}));
    EXPECT_EQ(c.selection.benchmarks, (std::vector<std::string>{"huggingface", "timm", "torchbench"}));
    EXPECT_EQ(c.selection.excluded, (std::vector<std::string>{"build", "runner-determinator", "unit-test", "cuda13"}));
    EXPECT_FALSE(c.columns.has_value());
    EXPECT_EQ(c.concurrency, 16U);
    EXPECT_FALSE(c.ca_file.has_value());
    EXPECT_EQ(c.timeout, std::chrono::seconds(30));
    EXPECT_EQ(c.retries, 4U);
    EXPECT_FALSE(c.dry_run);
    EXPECT_FALSE(c.quiet);
    EXPECT_FALSE(c.verbose);
    EXPECT_TRUE(c.creds.github_token.empty());
    EXPECT_TRUE(c.creds.clickhouse_key_id.empty());
    EXPECT_TRUE(c.creds.clickhouse_key_secret.empty());
}

TEST_F(Cli, EveryFlagReachesTheConfig) {
    fs::create_directories(working / "out");
    const config c = parsed(rockset({"--repo",
                                     "my-org/my.repo_2",
                                     "--artifacts-url",
                                     "http://127.0.0.1:9000/mirror/",
                                     "--output-dir",
                                     "out",
                                     "--workflow",
                                     "inductor-A100",
                                     "--workflow",
                                     "nightly",
                                     "--config",
                                     "inductor",
                                     "--benchmark",
                                     "timm",
                                     "--exclude-job",
                                     "rocm",
                                     "--columns",
                                     "name,accuracy,graph_breaks,calls_captured",
                                     "-j",
                                     "8",
                                     "--ca-file",
                                     "ca.pem",
                                     "--timeout",
                                     "2.5",
                                     "--retries",
                                     "0",
                                     "--dry-run",
                                     "-v"}));
    EXPECT_EQ(c.repo.slug(), "my-org/my.repo_2");
    EXPECT_EQ(c.artifacts_url, "http://127.0.0.1:9000/mirror");
    EXPECT_EQ(c.output_dir, working / "out");
    EXPECT_EQ(c.selection.workflows, (std::vector<std::string>{"inductor-A100", "nightly"}));
    EXPECT_EQ(c.selection.configs, std::vector<std::string>{"inductor"});
    EXPECT_EQ(c.selection.benchmarks, std::vector<std::string>{"timm"});
    EXPECT_EQ(c.selection.excluded, std::vector<std::string>{"rocm"});
    ASSERT_TRUE(c.columns.has_value());
    EXPECT_EQ(*c.columns, (std::vector<std::string>{"name", "accuracy", "graph_breaks", "calls_captured"}));
    EXPECT_EQ(c.concurrency, 8U);
    EXPECT_EQ(c.ca_file, working / "ca.pem");
    EXPECT_EQ(c.timeout, std::chrono::milliseconds(2500));
    EXPECT_EQ(c.retries, 0U);
    EXPECT_TRUE(c.dry_run);
    EXPECT_TRUE(c.verbose);
    EXPECT_FALSE(c.quiet);

    EXPECT_TRUE(parsed(rockset({"--quiet"})).quiet);
    EXPECT_TRUE(parsed(rockset({"-q"})).quiet);
    EXPECT_TRUE(parsed(rockset({"--verbose"})).verbose);
    EXPECT_EQ(parsed(rockset({"--concurrency", "256"})).concurrency, 256U);
    EXPECT_EQ(parsed(rockset({"--concurrency=1"})).concurrency, 1U);
    EXPECT_EQ(parsed(rockset({"--retries", "20"})).retries, 20U);
    EXPECT_EQ(parsed(rockset({"--output-dir", checkout.string()})).output_dir, checkout);
}

TEST_F(Cli, OneValueReplacesTheWholeDefaultList) {
    const config c = parsed(rockset({"--workflow", "inductor", "--benchmark", "huggingface"}));
    EXPECT_EQ(c.selection.workflows, std::vector<std::string>{"inductor"});
    EXPECT_EQ(c.selection.benchmarks, std::vector<std::string>{"huggingface"});
    EXPECT_EQ(c.selection.configs.size(), 16U);  // untouched lists keep their default
    EXPECT_EQ(c.selection.excluded.size(), 4U);
}

TEST_F(Cli, ExcludeJobNoneEmptiesTheList) {
    EXPECT_TRUE(parsed(rockset({"--exclude-job", "none"})).selection.excluded.empty());
    EXPECT_CONTAINS(refused(rockset({"--exclude-job", "none", "--exclude-job", "build"})), "--exclude-job none");
    EXPECT_CONTAINS(refused(rockset({"--exclude-job", ""})), "--exclude-job");
}

TEST_F(Cli, RepeatableOptionsDoNotSwallowTheSha) {
    const config c = parsed({"--source", "rockset", "--query-url", "https://lambda.example/q", "--workflow", "a", sha});
    EXPECT_EQ(c.sha, sha);
    EXPECT_EQ(c.selection.workflows, std::vector<std::string>{"a"});
    // A comma is part of the value, not a separator.
    EXPECT_EQ(parsed(rockset({"--exclude-job", "a,b"})).selection.excluded, std::vector<std::string>{"a,b"});
}

TEST_F(Cli, NamesThatBuildFileNamesAreRestricted) {
    EXPECT_CONTAINS(refused(rockset({"--config", "../inductor"})), "--config '../inductor'");
    EXPECT_CONTAINS(refused(rockset({"--benchmark", "timm/x"})), "--benchmark 'timm/x'");
    EXPECT_CONTAINS(refused(rockset({"--benchmark", ""})), "--benchmark");
    EXPECT_CONTAINS(refused(rockset({"--workflow", ""})), "--workflow needs a non-empty value");
    EXPECT_EQ(parsed(rockset({"--workflow", "inductor A100 perf"})).selection.workflows,
              std::vector<std::string>{"inductor A100 perf"});
}

TEST_F(Cli, ShaIsFortyHexInLowerCase) {
    std::string upper = sha;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::vector<std::string> args = rockset({});
    args.back() = upper;
    EXPECT_EQ(parsed(args).sha, sha);

    args.back() = sha.substr(0, 12);
    EXPECT_CONTAINS(refused(args), "only the github source can resolve it");
    args.back() = "abc";
    EXPECT_CONTAINS(refused(args), "too short");
    args.back() = sha + "0";
    EXPECT_CONTAINS(refused(args), "more than 40 hex digits");
    args.back() = "0123456789abcdef0123456789abcdef0123456g";
    EXPECT_CONTAINS(refused(args), "is not a commit");
    args.back() = "main";
    EXPECT_CONTAINS(refused(args), "SHA 'main' is not a commit");
}

TEST_F(Cli, MissingOrExtraShaIsAUsageError) {
    EXPECT_CONTAINS(refused({}), "missing SHA");
    EXPECT_CONTAINS(refused({"--source", "rockset", "--query-url", "https://x.example/q"}), "missing SHA");
    std::vector<std::string> two = rockset({});
    two.push_back(sha);
    EXPECT_CONTAINS(refused(two), "unexpected argument");
}

TEST_F(Cli, GithubIsTheDefaultSourceWithThePublicApi) {
    const config c = parsed({sha});
    EXPECT_EQ(c.source, source_kind::github);
    EXPECT_EQ(c.query_url, "https://api.github.com");
    EXPECT_EQ(c.sha, sha);
    const config ghe = parsed({"--source", "github", "--query-url", "https://ghe.example/api/v3", sha});
    EXPECT_EQ(ghe.source, source_kind::github);
    EXPECT_EQ(ghe.query_url, "https://ghe.example/api/v3");
    EXPECT_CONTAINS(refused({"--query-url", "http://api.github.com", sha}), "--query-url");
}

// docs/command.md: the GitHub-artifacts fallback asks --query-url with the github source, else the
// public API, whatever the source; --no-github-artifacts turns it off.
TEST_F(Cli, GithubArtifactsAskTheGithubSourcesApiElseThePublicOne) {
    EXPECT_TRUE(parsed({sha}).github_artifacts);
    EXPECT_EQ(parsed({sha}).github_api_url, "https://api.github.com");
    EXPECT_EQ(parsed({"--query-url", "https://ghe.example/api/v3", sha}).github_api_url, "https://ghe.example/api/v3");
    EXPECT_EQ(parsed(rockset({})).github_api_url, "https://api.github.com");
    EXPECT_EQ(parsed({"--jobs-file", "jobs.json", sha}).github_api_url, "https://api.github.com");
    EXPECT_EQ(parsed(rockset({"--github-api-url", "http://127.0.0.1:9/gh"})).github_api_url, "http://127.0.0.1:9/gh");
    EXPECT_EQ(parsed({"--query-url", "https://a.example", "--github-api-url", "https://b.example", sha}).github_api_url,
              "https://b.example");
    EXPECT_FALSE(parsed(rockset({"--no-github-artifacts"})).github_artifacts);
    EXPECT_CONTAINS(refused(rockset({"--github-api-url", "http://gh.example"})), "--github-api-url");
    EXPECT_CONTAINS(refused(rockset({"--no-github-artifacts", "--github-api-url", "https://gh.example"})),
                    "--no-github-artifacts and --github-api-url contradict each other");
}

TEST_F(Cli, ShortShasAndLatestAreForTheGithubSource) {
    EXPECT_EQ(parsed({"0123ABC"}).sha, "0123abc");
    EXPECT_EQ(parsed({sha.substr(0, 4)}).sha, sha.substr(0, 4));
    EXPECT_CONTAINS(refused({"abc"}), "too short");
    const config latest = parsed({"latest"});
    EXPECT_EQ(latest.sha, "latest");
    EXPECT_EQ(latest.branch, "main");
    std::vector<std::string> args = rockset({});
    args.back() = "latest";
    EXPECT_CONTAINS(refused(args), "`latest` needs the github source");
    args.back() = "0123abc";
    EXPECT_CONTAINS(refused(args), "only the github source can resolve it");
    EXPECT_CONTAINS(refused({"--jobs-file", "jobs.json", "0123abc"}), "only the github source can resolve it");
}

TEST_F(Cli, BranchIsForLatest) {
    EXPECT_EQ(parsed({"latest", "--branch", "viable/strict"}).branch, "viable/strict");
    EXPECT_EQ(parsed({"--branch=release/2.9", "latest"}).branch, "release/2.9");
    EXPECT_CONTAINS(refused({sha, "--branch", "main"}), "--branch 'main' is for `latest`");
    EXPECT_CONTAINS(refused({"latest", "--branch", ""}), "not a git branch name");
    EXPECT_CONTAINS(refused({"latest", "--branch", "a..b"}), "not a git branch name");
    EXPECT_CONTAINS(refused({"latest", "--branch", "a b"}), "not a git branch name");
    EXPECT_CONTAINS(refused({"latest", "--branch", "--dry-run"}), "--branch needs a value");
}

TEST_F(Cli, AllowPartialIsAFlag) {
    EXPECT_FALSE(parsed(rockset({})).allow_partial);
    EXPECT_TRUE(parsed(rockset({"--allow-partial"})).allow_partial);
    EXPECT_TRUE(parsed({"--jobs-file", "jobs.json", sha, "--allow-partial"}).allow_partial);
    EXPECT_CONTAINS(refused(rockset({"--allow-partial=maybe"})), "--allow-partial");
}

TEST_F(Cli, SourceMustBeKnownAndHaveAnEndpoint) {
    EXPECT_CONTAINS(refused({"--source", "bigquery", "--query-url", "https://x.example", sha}),
                    "--source 'bigquery': want github, clickhouse or rockset");
    EXPECT_CONTAINS(refused({"--source", "rockset", sha}), "--source rockset needs --query-url");
    EXPECT_CONTAINS(refused({"--source", "clickhouse", sha}), "no public default");
}

TEST_F(Cli, ClickhouseNeedsItsKeyFromTheEnvironment) {
    const std::vector<std::string> args{"--source", "clickhouse", "--query-url",
                                        "https://ch.example:8443/query?format=JSON", sha};
    EXPECT_CONTAINS(refused(args), "CH_KEY_ID and CH_KEY_SECRET");
    env["CH_KEY_ID"] = "key-id";
    EXPECT_CONTAINS(refused(args), "CH_KEY_ID and CH_KEY_SECRET");
    env["CH_KEY_SECRET"] = "";  // empty counts as unset
    EXPECT_CONTAINS(refused(args), "CH_KEY_ID and CH_KEY_SECRET");
    env["CH_KEY_SECRET"] = "key-secret";
    const config c = parsed(args);
    EXPECT_EQ(c.source, source_kind::clickhouse);
    EXPECT_EQ(c.query_url, "https://ch.example:8443/query?format=JSON");
    EXPECT_EQ(c.creds.clickhouse_key_id.reveal(), "key-id");
    EXPECT_EQ(c.creds.clickhouse_key_secret.reveal(), "key-secret");
}

TEST_F(Cli, JobsFileReplacesTheSource) {
    const config c = parsed({"--jobs-file", "jobs.json", sha});
    EXPECT_EQ(c.source, source_kind::jobs_file);
    EXPECT_EQ(c.jobs_file, working / "jobs.json");
    EXPECT_TRUE(c.query_url.empty());
    EXPECT_EQ(parsed({"--jobs-file", (working / "jobs.json").string(), sha}).jobs_file, working / "jobs.json");

    EXPECT_CONTAINS(refused({"--jobs-file", "jobs.json", "--source", "rockset", sha}),
                    "--jobs-file replaces the job source");
    EXPECT_CONTAINS(refused({"--jobs-file", "jobs.json", "--source", "github", sha}),
                    "--jobs-file replaces the job source");
    EXPECT_CONTAINS(refused({"--jobs-file", "jobs.json", "--query-url", "https://x.example", sha}),
                    "--jobs-file replaces");
    EXPECT_CONTAINS(refused({"--jobs-file", "absent.json", sha}),
                    "--jobs-file '" + (working / "absent.json").string() + "': cannot read it");
    EXPECT_CONTAINS(refused({"--jobs-file", ".", sha}), "not a regular file");
    EXPECT_CONTAINS(refused({"--jobs-file", "", sha}), "--jobs-file needs a path");
}

TEST_F(Cli, UnreadableFilesAreUsageErrors) {
    EXPECT_CONTAINS(refused(rockset({"--ca-file", "missing.pem"})),
                    "--ca-file '" + (working / "missing.pem").string() + "': cannot read it");
    EXPECT_CONTAINS(refused(rockset({"--ca-file", checkout.string()})), "not a regular file");
}

TEST_F(Cli, CaFileWithoutReadPermissionIsAUsageError) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads any file: the permission case cannot fail";
    fs::permissions(working / "ca.pem", fs::perms::none);
    EXPECT_CONTAINS(refused(rockset({"--ca-file", "ca.pem"})), "cannot read it");
}

TEST_F(Cli, QueryUrlIsHttpsOrLoopbackHttp) {
    EXPECT_CONTAINS(refused({"--source", "rockset", "--query-url", "http://lambda.example/q", sha}),
                    "http:// is accepted only for localhost");
    for (const char* url :
         {"http://127.0.0.1:8080/q", "http://localhost/q", "http://[::1]:9/q", "HTTPS://Lambda.example"}) {
        EXPECT_FALSE(parsed({"--source", "rockset", "--query-url", url, sha}).query_url.empty()) << url;
    }
    EXPECT_EQ(parsed({"--source", "rockset", "--query-url", "HTTPS://x.example/q", sha}).query_url,
              "https://x.example/q");
}

TEST_F(Cli, UrlsAreChecked) {
    const std::string leaked = "hunter2-password";
    const std::string text =
        refused({"--source", "rockset", "--query-url", "https://user:" + leaked + "@x.example/q", sha});
    EXPECT_CONTAINS(text, "credentials in a URL are refused");
    EXPECT_EQ(text.find(leaked), std::string::npos) << text;

    auto artifacts = [this](const std::string& url) { return refused(rockset({"--artifacts-url", url})); };
    EXPECT_CONTAINS(artifacts("ftp://mirror.example"), "want an http:// or https:// URL");
    EXPECT_CONTAINS(artifacts("mirror.example"), "want an http:// or https:// URL");
    EXPECT_CONTAINS(artifacts("https://"), "no host");
    EXPECT_CONTAINS(artifacts("https://:80/x"), "no host");
    EXPECT_CONTAINS(artifacts("https://mirror.example:0"), "bad port");
    EXPECT_CONTAINS(artifacts("https://mirror.example:65536"), "bad port");
    EXPECT_CONTAINS(artifacts("https://mirror.example:http"), "bad port");
    EXPECT_CONTAINS(artifacts("https://[::1/x"), "bad IPv6 host");
    EXPECT_CONTAINS(artifacts("https://mirror.example/?list"), "no ?query");
    EXPECT_CONTAINS(artifacts("https://mirror.example/#x"), "no #fragment");
    EXPECT_CONTAINS(artifacts("https://mirror.example/a b"), "no spaces");
    EXPECT_CONTAINS(artifacts("https://mirror.example/\n"), "'https://mirror.example/\\x0a'");
    EXPECT_EQ(parsed(rockset({"--artifacts-url", "https://[::1]:8443"})).artifacts_url, "https://[::1]:8443");
}

TEST_F(Cli, RepoIsOwnerSlashName) {
    for (const char* bad : {"pytorch", "pytorch/", "/pytorch", "a/b/c", "my_org/x", "o/..", "o/na me", ""}) {
        EXPECT_CONTAINS(refused(rockset({"--repo", bad})), "want OWNER/NAME") << bad;
    }
}

TEST_F(Cli, ColumnsStartWithNameWithoutEmptyOrTwice) {
    EXPECT_EQ(*parsed(rockset({"--columns", "name"})).columns, std::vector<std::string>{"name"});
    EXPECT_EQ(*parsed(rockset({"--columns", "name, accuracy"})).columns,
              (std::vector<std::string>{"name", "accuracy"}));
    EXPECT_CONTAINS(refused(rockset({"--columns", "accuracy,name"})), "the first column must be name");
    EXPECT_CONTAINS(refused(rockset({"--columns", "name,,accuracy"})), "a column name is empty");
    EXPECT_CONTAINS(refused(rockset({"--columns", "name,accuracy,"})), "a column name is empty");
    EXPECT_CONTAINS(refused(rockset({"--columns", ""})), "a column name is empty");
    EXPECT_CONTAINS(refused(rockset({"--columns", "name,accuracy,accuracy"})), "column 'accuracy' is given twice");
    EXPECT_CONTAINS(refused(rockset({"--columns", "name,\"x\""})), "quote");
}

TEST_F(Cli, NumbersAreInRange) {
    for (const char* bad : {"0", "257", "-1", "abc", "8x", "", "1.5"}) {
        EXPECT_CONTAINS(refused(rockset({"-j", bad})), "-j/--concurrency") << bad;
        EXPECT_CONTAINS(refused(rockset({"-j", bad})), "from 1 to 256") << bad;
    }
    for (const char* bad : {"21", "-1", "x"}) {
        EXPECT_CONTAINS(refused(rockset({"--retries", bad})), "--retries") << bad;
    }
    for (const char* bad : {"0", "-1", "0.0001", "abc", "inf", "nan", "3601", "1s"}) {
        EXPECT_CONTAINS(refused(rockset({"--timeout", bad})), "--timeout") << bad;
    }
    EXPECT_EQ(parsed(rockset({"--timeout", "0.001"})).timeout, std::chrono::milliseconds(1));
    EXPECT_EQ(parsed(rockset({"--timeout", "3600"})).timeout, std::chrono::hours(1));
}

TEST_F(Cli, QuietAndVerboseContradict) { EXPECT_CONTAINS(refused(rockset({"-q", "-v"})), "--quiet and --verbose"); }

TEST_F(Cli, OutputDirMustExist) {
    EXPECT_CONTAINS(refused(rockset({"--output-dir", "nowhere"})),
                    "--output-dir '" + (working / "nowhere").string() + "': no such directory");
    EXPECT_CONTAINS(refused(rockset({"--output-dir", "jobs.json"})), "not a directory");
}

TEST_F(Cli, DefaultOutputDirNeedsACheckout) {
    temp_dir elsewhere;
    const auto result = ue::app::parse_command_line(
        rockset({}), [](std::string_view) { return std::nullopt; }, elsewhere.path());
    ASSERT_TRUE(std::holds_alternative<early_exit>(result));
    const early_exit& exit = std::get<early_exit>(result);
    EXPECT_EQ(exit.code, exit_code::usage);
    EXPECT_CONTAINS(exit.text, "no PyTorch checkout around '" + elsewhere.path().string() + "'");
    EXPECT_CONTAINS(exit.text, "--output-dir");
    // With --output-dir, no checkout is needed.
    fs::create_directories(elsewhere.path() / "out");
    const auto given = ue::app::parse_command_line(
        rockset({"--output-dir", "out"}), [](std::string_view) { return std::nullopt; }, elsewhere.path());
    ASSERT_TRUE(std::holds_alternative<config>(given));
    EXPECT_EQ(std::get<config>(given).output_dir, elsewhere.path() / "out");
}

TEST(FindExpectedDir, WalksUpToTheNearestCheckout) {
    temp_dir root;
    const fs::path outer = root.path() / "outer";
    const fs::path inner = outer / "third_party" / "inner";
    fs::create_directories(outer / expected_subdir);
    fs::create_directories(inner / expected_subdir);
    fs::create_directories(inner / "torch" / "_dynamo");

    EXPECT_EQ(ue::app::find_expected_dir(outer), outer / expected_subdir);
    EXPECT_EQ(ue::app::find_expected_dir(outer / "third_party"), outer / expected_subdir);
    EXPECT_EQ(ue::app::find_expected_dir(inner / "torch" / "_dynamo"), inner / expected_subdir);
    EXPECT_EQ(ue::app::find_expected_dir(fs::path(inner.string() + "/")), inner / expected_subdir);
    // From inside the expected directory itself, its own checkout.
    EXPECT_EQ(ue::app::find_expected_dir(inner / expected_subdir), inner / expected_subdir);
    EXPECT_EQ(ue::app::find_expected_dir(root.path()), std::nullopt);
}

TEST(FindExpectedDir, AFileOfThatNameDoesNotCount) {
    temp_dir root;
    fs::create_directories(root.path() / "benchmarks" / "dynamo");
    write_file(root.path() / expected_subdir, "");
    EXPECT_EQ(ue::app::find_expected_dir(root.path()), std::nullopt);
}

TEST_F(Cli, HelpExplainsEverythingAndExitsZero) {
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"}, {"-h"}, {"--bogus", "--help"}}) {
        const auto result = run(args);
        ASSERT_TRUE(std::holds_alternative<early_exit>(result));
        const early_exit& exit = std::get<early_exit>(result);
        EXPECT_EQ(exit.code, exit_code::ok);
        // Descriptions are wrapped: compare with every run of white space as one space.
        std::string help;
        for (char ch : exit.text) {
            const bool space = ch == ' ' || ch == '\n';
            if (!space || (!help.empty() && help.back() != ' ')) help += space ? ' ' : ch;
        }
        std::istringstream lines(exit.text);
        for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80U) << line;
        EXPECT_CONTAINS(help, "refresh PyTorch's expected-accuracy CSVs");
        EXPECT_CONTAINS(help, "Usage: update-expected [OPTIONS] SHA");
        for (const char* flag : {"--branch",    "--allow-partial",  "--repo",           "--source",
                                 "--query-url", "--jobs-file",      "--artifacts-url",  "--output-dir",
                                 "--workflow",  "--config",         "--benchmark",      "--exclude-job",
                                 "--columns",   "-j,--concurrency", "--ca-file",        "--timeout",
                                 "--retries",   "--dry-run",        "-q,--quiet",       "-v,--verbose",
                                 "--cache-dir", "--no-cache",       "--progress",       "--summary-json",
                                 "--version",   "--help",           "--github-api-url", "--no-github-artifacts"}) {
            EXPECT_CONTAINS(help, flag);
        }
        for (const char* fact : {"default pytorch/pytorch",
                                 "https://gha-artifacts.s3.amazonaws.com",
                                 "default 16",
                                 "default 30",
                                 "default 4",
                                 "inductor, inductor-periodic",
                                 "huggingface, timm, torchbench",
                                 "build, runner-determinator, unit-test, cuda13",
                                 "name,accuracy,graph_breaks",
                                 "dynamic_cpu_aot_inductor_amp_freezing",
                                 "CH_KEY_ID",
                                 "CH_KEY_SECRET",
                                 "HTTPS_PROXY",
                                 "NO_PROXY",
                                 "SSL_CERT_FILE",
                                 "GITHUB_TOKEN",
                                 "GH_TOKEN",
                                 "https://api.github.com",
                                 "`latest`",
                                 "default main",
                                 "some wanted jobs have not completed",
                                 "XDG_CACHE_HOME",
                                 "NO_COLOR",
                                 "75 ",
                                 "130",
                                 "143"}) {
            EXPECT_CONTAINS(help, fact);
        }
    }
}

TEST_F(Cli, CacheDirDefaultsToXdgThenHomeAndNoCacheTurnsItOff) {
    EXPECT_FALSE(parsed(rockset({})).cache_dir.has_value());  // neither XDG_CACHE_HOME nor HOME
    env["HOME"] = "/home/u";
    EXPECT_EQ(parsed(rockset({})).cache_dir, fs::path("/home/u/.cache/update-expected"));
    env["XDG_CACHE_HOME"] = "/var/cache/me";
    EXPECT_EQ(parsed(rockset({})).cache_dir, fs::path("/var/cache/me/update-expected"));
    EXPECT_EQ(parsed(rockset({"--cache-dir", "c"})).cache_dir, working / "c");
    EXPECT_EQ(parsed(rockset({"--cache-dir", "/abs/c"})).cache_dir, fs::path("/abs/c"));
    EXPECT_FALSE(parsed(rockset({"--no-cache"})).cache_dir.has_value());
    EXPECT_CONTAINS(refused(rockset({"--no-cache", "--cache-dir", "c"})), "contradict");
}

TEST_F(Cli, ProgressIsAutoAlwaysOrNever) {
    EXPECT_EQ(parsed(rockset({})).progress, ue::progress_display::automatic);
    EXPECT_EQ(parsed(rockset({"--progress", "auto"})).progress, ue::progress_display::automatic);
    EXPECT_EQ(parsed(rockset({"--progress", "always"})).progress, ue::progress_display::always);
    EXPECT_EQ(parsed(rockset({"--progress", "never"})).progress, ue::progress_display::never);
    EXPECT_CONTAINS(refused(rockset({"--progress", "yes"})), "--progress");
}

TEST_F(Cli, SummaryJsonGoesIntoAnExistingDirectory) {
    EXPECT_FALSE(parsed(rockset({})).summary_json.has_value());
    EXPECT_EQ(parsed(rockset({"--summary-json", "s.json"})).summary_json, working / "s.json");
    EXPECT_CONTAINS(refused(rockset({"--summary-json", "no/such/dir/s.json"})), "does not exist");
    EXPECT_CONTAINS(refused(rockset({"--summary-json", "."})), "is a directory");
}

TEST_F(Cli, VersionExitsZero) {
    const auto result = run({"--version"});
    ASSERT_TRUE(std::holds_alternative<early_exit>(result));
    EXPECT_EQ(std::get<early_exit>(result).code, exit_code::ok);
    EXPECT_EQ(std::get<early_exit>(result).text, "update-expected " UE_VERSION);
}

TEST_F(Cli, ParserErrorsAreUsageErrorsNamingTheFlag) {
    EXPECT_CONTAINS(refused(rockset({"--bogus"})), "unknown option '--bogus'");
    EXPECT_CONTAINS(refused(rockset({"-x"})), "unknown option '-x'");
    EXPECT_CONTAINS(refused({"--source", "rockset", "--query-url", "https://x.example", sha, "--repo"}), "--repo");
    EXPECT_CONTAINS(refused(rockset({"--repo", "a/b", "--repo", "c/d"})), "--repo");
    EXPECT_CONTAINS(refused(rockset({"--dry-run=maybe"})), "--dry-run");
    EXPECT_CONTAINS(refused(rockset({"--dry-run=a\nb"})), "a\\x0ab");  // still one line
    // A forgotten value would otherwise take the next flag as its value and drop that flag.
    EXPECT_CONTAINS(refused(rockset({"--exclude-job", "--dry-run"})),
                    "--exclude-job needs a value, but the option --dry-run came next");
    EXPECT_CONTAINS(refused(rockset({"--output-dir", "-q"})),
                    "--output-dir needs a value, but the option -q came next");
    EXPECT_CONTAINS(refused(rockset({"--columns", "--retries=3"})), "the option --retries came next");
}

TEST_F(Cli, TokensFromTheEnvironment) {
    env["GH_TOKEN"] = "gh-token";
    EXPECT_EQ(parsed(rockset({})).creds.github_token.reveal(), "gh-token");
    env["GITHUB_TOKEN"] = "github-token";
    EXPECT_EQ(parsed(rockset({})).creds.github_token.reveal(), "github-token");
    env["GITHUB_TOKEN"] = "";
    EXPECT_EQ(parsed(rockset({})).creds.github_token.reveal(), "gh-token");
}

TEST_F(Cli, SecretsNeverAppearInAnyText) {
    const std::string token = "ghp_SECRETSECRETSECRET0123456789abcdef";
    const std::string key_id = "CHKEYID-SECRET-42";
    const std::string key_secret = "chsecret-SECRET-43";
    env = {{"GITHUB_TOKEN", token}, {"CH_KEY_ID", key_id}, {"CH_KEY_SECRET", key_secret}};
    auto absent = [&](const std::string& text) {
        for (const std::string& s : {token, key_id, key_secret}) EXPECT_EQ(text.find(s), std::string::npos) << text;
    };

    const config c = parsed({"--source", "clickhouse", "--query-url", "https://ch.example/q", sha});
    const std::string described = ue::app::describe(c);
    absent(described);
    EXPECT_CONTAINS(described, "GITHUB_TOKEN/GH_TOKEN: set");
    EXPECT_CONTAINS(described, "CH_KEY_SECRET: set");
    EXPECT_CONTAINS(described, "sha: " + sha);

    std::ostringstream streamed;
    streamed << c.creds.github_token << c.creds.clickhouse_key_id << c.creds.clickhouse_key_secret << ue::secret();
    EXPECT_EQ(streamed.str(), "<redacted><redacted><redacted><unset>");

    for (const std::vector<std::string>& bad : {std::vector<std::string>{sha, "--branch", "x"},
                                                {"--bogus", sha},
                                                {"latest", "--source", "rockset", "--query-url", "https://x.example"},
                                                {"--help"},
                                                {"--source", "clickhouse", sha},
                                                {"--jobs-file", "nope", sha}}) {
        absent(std::get<early_exit>(run(bad)).text);
    }
}

TEST_F(Cli, DescribeNamesEverySetting) {
    const std::string text = ue::app::describe(parsed({"--jobs-file", "jobs.json", "--exclude-job", "none", sha}));
    for (const std::string& line : std::vector<std::string>{
             "source: jobs-file\n", "jobs file: " + (working / "jobs.json").string() + "\n", "excluded jobs: (none)\n",
             "repo: pytorch/pytorch\n", "concurrency: 16\n", "timeout: 30000 ms per stage\n", "retries: 4\n",
             "dry run: no\n", "allow partial: no\n", "GITHUB_TOKEN/GH_TOKEN: unset\n",
             "github artifacts: https://api.github.com\n"}) {
        EXPECT_CONTAINS(text, line);
    }
}

}  // namespace
