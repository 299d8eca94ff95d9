#pragma once
// The fixture of the end-to-end tests: a temporary checkout, a generated CI snapshot served by the
// local HTTPS test server, and the real update-expected binary run as a child process.

#include "child_process.hpp"
#include "snapshot.hpp"
#include "test_server.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ue::test {

inline constexpr std::string_view sha = "0123456789abcdef0123456789abcdef01234567";

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, std::string_view content);

// Several suites of 1 to 4 shards; the first has a retried shard; one ROCm suite.
snapshot_spec small_spec();

// Like S3, which answers 403 AccessDenied for a key that is not there.
testing::server_options s3_like();

class RefreshE2e : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Generates the snapshot, writes its artifacts and jobs file, and starts the server.
    void serve(const snapshot_spec& spec, testing::server_options options = {});

    // The SHA, the server as artifact host with its CA, and the output directory; with
    // local_github_, also the server as the GitHub API of the GitHub-artifacts fallback, where every
    // run of the snapshot has no artifact (so that no test reaches out to api.github.com).
    std::vector<std::string> base_args() const;
    // base_args() with the snapshot's jobs file as the source, then `extra`.
    std::vector<std::string> file_args(std::vector<std::string> extra = {}) const;
    // base_args() with the ClickHouse source at the server's /query; run it with clickhouse_key().
    std::vector<std::string> clickhouse_args() const;
    // CH_KEY_ID and CH_KEY_SECRET for the binary's environment; the secret must never be shown.
    static std::map<std::string, std::string> clickhouse_key() {
        return {{"CH_KEY_ID", "reader"}, {"CH_KEY_SECRET", "s3cr3t-value"}};
    }

    // The binary's environment: clean_environment(extra) with XDG_CACHE_HOME inside the test's
    // directory, so that no test reads or fills the user's rerun cache.
    std::map<std::string, std::string> environment(const std::map<std::string, std::string>& extra = {}) const;
    // The rerun cache the binary uses by default under environment().
    std::filesystem::path cache_dir() const { return dir_ / "cache/update-expected"; }

    process_result run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                       terminal_streams terminals = {});

    // Every expected file of the snapshot, as the refresh must write it.
    void expect_all_written(const std::set<std::string>& except = {});
    // The files under the output directory, relative to it, sorted.
    std::vector<std::filesystem::path> all_files() const;

    void remove_artifact(std::string_view suite, int shard);
    void replace_artifact(std::string_view suite, int shard, const std::string& bytes);

    bool local_github_ = true;  // set before serve()
    std::filesystem::path dir_, artifacts_, out_, binary_;
    snapshot snap_;
    std::unique_ptr<testing::server> server_;
};

}  // namespace ue::test
