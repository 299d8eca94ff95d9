#pragma once

#include "update_expected/expected/table.hpp"
#include "update_expected/report/changes.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ue::report {

// What became of one (baseline, suite, phase). With --dry-run, `written` means "would be written".
enum class file_status {
    written,     // every shard delivered the phase and the file was replaced (or created)
    unchanged,   // every shard delivered the phase and the file already held exactly that
    incomplete,  // some shards are not there (missing_shards) or not finished (pending_shards)
    failed,      // a shard's artifact was corrupt or a bad CSV, or the file could not be written
};
std::string_view to_string(file_status status) noexcept;

struct change_counts {
    std::size_t added = 0;
    std::size_t removed = 0;
    std::size_t changed = 0;

    friend bool operator==(const change_counts&, const change_counts&) = default;
};
change_counts counts_of(const file_changes& changes) noexcept;

// Every member has a default initializer, so designated initializers may leave any of them out
// (gcc's -Wmissing-field-initializers flags members without one).
struct file_result {
    jobs::baseline baseline = jobs::baseline::standard;
    std::string suite{};  // CONFIG_BENCHMARK, e.g. `inductor_timm`
    std::string phase{};  // `training` or `inference`
    file_status status = file_status::written;
    unsigned shard_count = 0;
    std::vector<unsigned> missing_shards{};  // incomplete: no candidate's artifact was there, ascending
    std::vector<unsigned> pending_shards{};  // incomplete: the newest candidate's job has not completed
    bool merged = false;                     // incomplete: --allow-partial merged the rows that arrived into the file
    std::string reason{};                    // failed: why, naming shard, artifact, entry or path; empty otherwise
    std::optional<change_counts> changes{};  // written/unchanged/merged: rows the file gained or lost

    // `inductor_timm_training`, or `rocm/inductor_timm_training` for the ROCm baseline.
    std::string label() const;
    // The file, relative to the output directory: label() + `.csv`.
    std::string path() const;
};

enum class artifact_status {
    read,       // read without error (from the network or the cache)
    not_found,  // 403/404: the job uploaded nothing (an older candidate may have been tried next)
    failed,     // transfer failed after retries, or the zip or a CSV in it was bad
};
std::string_view to_string(artifact_status status) noexcept;

// Where an artifact's bytes came from (docs/pytorch-ci.md section 3): `s3`, `github` or `cache`.
enum class artifact_store { s3, github, cache };
std::string_view to_string(artifact_store store) noexcept;

struct artifact_result {
    std::string url{};  // as fetched; redacted (redact_url) wherever it is shown
    jobs::baseline baseline = jobs::baseline::standard;
    std::string suite{};
    unsigned shard = 0;
    unsigned shard_count = 0;
    artifact_status status = artifact_status::read;
    artifact_store store = artifact_store::s3;
    std::uint64_t run_id = 0;  // the job's workflow run, its attempt and the job itself
    std::uint64_t run_attempt = 0;
    std::uint64_t job_id = 0;
    std::uint64_t bytes = 0;  // body bytes received from the network (0 from the cache)
    unsigned attempts = 0;    // requests made, retries included (0 from the cache)
    std::chrono::milliseconds elapsed{0};
    std::string error{};  // not_found/failed: why; empty otherwise
};

// Everything a run reports at its end: the summary line and the --summary-json document.
struct run_summary {
    std::string sha{};           // as asked: 40 hex digits, a prefix, or `latest`
    std::string resolved_sha{};  // the full SHA the run used; empty when the run stopped before knowing it
    std::string repo{};          // `owner/name`
    std::string source{};        // `github`, `clickhouse`, `rockset` or `jobs-file`
    bool dry_run = false;
    std::vector<file_result> files{};          // in the order the run decided them
    std::vector<artifact_result> artifacts{};  // every artifact tried, in the order they finished
    std::chrono::milliseconds elapsed{0};      // the whole run
    int exit_code = 0;
    std::string error{};  // what stopped the run early (exit 2, 3, 75, 130, 143); empty otherwise
};

struct summary_totals {
    std::size_t files_written = 0;
    std::size_t files_unchanged = 0;
    std::size_t files_incomplete = 0;
    std::size_t files_failed = 0;
    std::size_t artifacts_read = 0;  // those from the cache and from GitHub included
    std::size_t artifacts_from_cache = 0;
    std::size_t artifacts_from_github = 0;
    std::size_t artifacts_not_found = 0;
    std::size_t artifacts_failed = 0;
    std::uint64_t bytes = 0;  // over every artifact tried
    std::uint64_t attempts = 0;
};
summary_totals totals(const run_summary& summary) noexcept;

// The last line on stdout, for a cron log, with a final newline, e.g.
//   update-expected 0123456789ab: 40 written, 2 unchanged, 1 incomplete (inductor_timm_training:
//   shard 2/2 not there), 82 artifacts (3 from cache, 1 from GitHub artifacts), 16.4 MiB, 1.9 s
// (one line). The SHA is the first 12 digits of the resolved one, else the SHA as asked. `written`
// reads `to write` with --dry-run (and ` (dry run)` follows the SHA). `unchanged` always shows;
// incomplete and failed only when there are some, naming at most 3 files (then `; N more`).
// Artifacts are those read. A non-zero exit code ends the line as `, exit N`; the reason of a failed
// run is on stderr, not here. Shown URLs and texts are the caller's: this line has none.
std::string format_summary_line(const run_summary& summary);

// The -v line of one artifact (no newline; the caller picks the stream): where its bytes came from
// and which job's they are, then the URL, redacted and last, e.g.
//   inductor_timm shard 2/2: read from s3 (run 15, attempt 2, job 41), 1.2 MiB, 2 attempts, 0.4 s: https://...
//   rocm/inductor_timm shard 1/2: read from cache (run 15, attempt 1, job 40): https://host/.../x_1.zip
//   inductor_timm shard 2/2: not found at github (run 15, attempt 2, job 41) (HTTP 404), 0 B, 1 attempt, 0.0 s:
//   https://...
std::string format_artifact_line(const artifact_result& artifact);

// `url` without what may be a credential: the user-info part (`user:pass@`) is dropped and every
// query parameter's value becomes `REDACTED` (S3 presigned URLs carry signatures there). A text
// that does not parse as a URL comes back with the same treatment applied as far as it goes.
std::string redact_url(std::string_view url);

// `text` with every `http://` or `https://` URL in it redacted; a URL ends before whitespace, a quote
// or `<>`, and punctuation at its end (`.,;:!)]}`) is taken as the sentence's.
std::string redact_urls_in(std::string_view text);

}  // namespace ue::report
