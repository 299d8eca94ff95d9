#pragma once
// A generated CI snapshot served the way the field serves it, for the refresh benchmark: the job
// rows from a scripted GitHub REST API (the default source) and the artifacts as files, both on one
// local HTTPS test server, so the job query pays the same simulated round trips as the artifacts.

#include "snapshot.hpp"
#include "test_server.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ue::bench {

inline constexpr std::string_view bench_sha = "0123456789abcdef0123456789abcdef01234567";

// How the scripted GitHub API behaves beyond the round trip.
struct api_shape {
    // The server's own time for each API answer, on top of the round trip (api.github.com takes a
    // few hundred milliseconds for a listing).
    std::chrono::milliseconds answer_delay{0};
    // Each run's jobs listing is padded with build jobs (not test shards) to at least this many,
    // as a PyTorch inductor run lists 100-300 jobs with filter=all.
    std::size_t jobs_per_run = 0;
};

class served_snapshot {
public:
    // Generates the snapshot of `spec`, writes its artifacts under `dir`/artifacts and drops their
    // bytes, writes the rows as `dir`/jobs.json, and starts the server: each new connection waits
    // 2 `rtt` (TCP and TLS handshakes), each response 1 `rtt`; missing keys answer 403 like S3.
    served_snapshot(const test::snapshot_spec& spec, std::chrono::milliseconds rtt, const std::filesystem::path& dir,
                    api_shape api = {});

    testing::server& server() { return *server_; }
    // What a correct refresh downloads: the newest non-decoy artifact of every shard.
    const std::vector<std::string>& artifact_urls() const { return urls_; }
    std::uint64_t artifact_bytes() const { return bytes_; }
    // How many files a refresh into an empty output directory writes.
    std::size_t expected_files() const { return expected_files_; }
    // update-expected's arguments for this server, GitHub source: SHA, --query-url,
    // --artifacts-url, --ca-file.
    std::vector<std::string> github_args() const;
    // The same with the rows from the jobs file instead of the API.
    std::vector<std::string> jobs_file_args() const;

private:
    std::filesystem::path dir_;
    std::unique_ptr<testing::server> server_;
    std::vector<std::string> urls_;
    std::uint64_t bytes_ = 0;
    std::size_t expected_files_ = 0;
};

// Answers GitHub's listing of `sha`'s runs and each run's jobs (pages of 100 with GitHub's numbered
// Link rel="next" and rel="last") on `server` from the snapshot's jobs: one run per (workflow, run
// id), every job completed, each run's jobs padded to `jobs_per_run` with build jobs.
void script_github_api(testing::server& server, const std::vector<test::job>& jobs, const std::string& repo,
                       std::string_view sha, std::size_t jobs_per_run = 0);

}  // namespace ue::bench
