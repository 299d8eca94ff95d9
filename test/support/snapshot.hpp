#pragma once
// A generated, realistic CI snapshot of one commit: the job rows a source would answer, the shard
// artifacts as the CI uploads them, and the expected files a correct refresh writes from them.
// Shared by the end-to-end tests, the offline demo and the benchmarks.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace ue::test {

struct suite_spec {
    std::string config;     // e.g. "inductor", "cpu_inductor_freezing"
    std::string benchmark;  // "huggingface", "timm" or "torchbench"
    int shards = 1;
    bool rocm = false;  // a ROCm job: entries under test-reports/, files under rocm/
    std::vector<std::string> phases{"training", "inference"};

    std::string suite() const { return config + "_" + benchmark; }
};

struct snapshot_spec {
    std::string repo = "pytorch/pytorch";
    std::vector<suite_spec> suites;
    int models_per_suite = 24;
    // Uncompressed bytes of the XML reports beside the wanted CSVs in every artifact: what makes a
    // real artifact large. The wanted CSV entries come after them, as in CI.
    std::size_t filler_bytes = 64 * 1024;
    // 0: the filler is generated and deflated whole. Else one block of about this many bytes is
    // generated and deflated once, then repeated to at least filler_bytes (zip_writer::add_repeated): still
    // a deflated XML entry (Zip64 past 4 GiB), but gigabytes cost a copy, for the benchmarks.
    std::size_t filler_block = 0;
    // The first suite's shard 1 ran twice: attempt 1 (older, with other results) and attempt 2.
    bool retried_shard = true;
    // ... and the newest attempt uploaded nothing, so the refresh must fall back to attempt 1.
    bool newest_attempt_missing = false;
    // Rows of other workflows, build jobs, excluded jobs, odd names and incomplete rows.
    bool noise = true;
    // Every wanted artifact also as the GitHub Actions artifact its job uploads when S3 fails
    // (artifact_file::github_name and github_bytes). Not with filler_block.
    bool github_copies = false;
    std::uint32_t seed = 1;
};

struct job {
    std::string workflow;
    std::string name;
    std::uint64_t id = 0;
    std::uint64_t workflow_id = 0;
    int attempt = 1;
    bool missing_workflow_id = false;  // an incomplete row a source may return
};

struct artifact_file {
    std::string path;  // relative to the artifact root: owner/repo/run/attempt/artifact/NAME.zip
    std::string bytes;
    bool decoy = false;  // belongs to a job the refresh must not pick
    // With snapshot_spec::github_copies: the same reports as the job's GitHub Actions artifact of
    // run `run_id`, `test-reports-runattempt{N}-...zip` (docs/pytorch-ci.md section 3).
    std::string github_name{};
    std::string github_bytes{};
    std::uint64_t run_id = 0;
};

enum class rows_shape { clickhouse, rockset, bare_array };

// One row a correct refresh writes: column -> value, for name, accuracy, graph_breaks, calls_captured
// (fallbacks_to_eager is not in the reports: empty).
using expected_row = std::map<std::string, std::string>;

struct snapshot {
    std::vector<job> jobs;
    std::vector<artifact_file> artifacts;
    // The rows a correct refresh writes, sorted, keyed by the file's path relative to the output
    // directory ("inductor_timm_training.csv", "rocm/inductor_timm_training.csv").
    std::map<std::string, std::vector<expected_row>> expected;

    // The bytes of that file with these columns.
    std::string expected_file(const std::string& key,
                              const std::vector<std::string>& columns = {"name", "accuracy", "graph_breaks"}) const;

    // The job rows as a source answers them; numbers alternate between JSON numbers and strings.
    std::string jobs_json(rows_shape shape = rows_shape::clickhouse) const;
    // Writes every artifact under `root` (directories created).
    void write_artifacts(const std::filesystem::path& root) const;
    // The newest non-decoy artifact of (suite, shard) of one baseline, for tests that corrupt or
    // remove it.
    const artifact_file* find_artifact(std::string_view suite, int shard, bool rocm = false) const;
};

snapshot make_snapshot(const snapshot_spec& spec);

// Every default suite (docs/pytorch-ci.md section 2) with PyTorch-like shard counts and phases, plus one
// ROCm suite: about 80 artifacts.
std::vector<suite_spec> realistic_suites();

// The expected-file layout of docs/pytorch-ci.md section 6 for already sorted, already quoted lines.
std::string expected_layout(const std::vector<std::string>& lines);

}  // namespace ue::test
