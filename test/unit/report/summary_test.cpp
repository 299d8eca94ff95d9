#include "update_expected/report/summary.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using ue::jobs::baseline;
using ue::report::artifact_result;
using ue::report::artifact_status;
using ue::report::artifact_store;
using ue::report::file_result;
using ue::report::file_status;
using ue::report::format_summary_line;
using ue::report::run_summary;

run_summary success() {
    run_summary s;
    s.sha = "latest";
    s.resolved_sha = "0123456789abcdef0123456789abcdef01234567";
    s.repo = "pytorch/pytorch";
    s.source = "github";
    s.files = {{.suite = "inductor_timm", .phase = "training", .status = file_status::written, .shard_count = 2},
               {.suite = "inductor_timm", .phase = "inference", .status = file_status::unchanged, .shard_count = 2}};
    s.artifacts = {{.url = "https://a/1.zip", .status = artifact_status::read, .bytes = 8'000'000, .attempts = 1},
                   {.url = "https://a/2.zip", .status = artifact_status::read, .bytes = 9'196'646, .attempts = 2},
                   {.url = "https://a/3.zip", .status = artifact_status::read, .store = artifact_store::cache}};
    s.elapsed = 1949ms;
    return s;
}

TEST(SummaryLine, Success) {
    EXPECT_EQ(format_summary_line(success()),
              "update-expected 0123456789ab: 1 written, 1 unchanged, 3 artifacts (1 from cache), 16.4 MiB, 1.9 s\n");
}

TEST(SummaryLine, CountsTheArtifactsFromGithub) {
    auto s = success();
    s.artifacts[1].store = artifact_store::github;
    s.artifacts.push_back(
        {.url = "https://a/4.zip", .status = artifact_status::not_found, .store = artifact_store::github});
    EXPECT_EQ(format_summary_line(s),
              "update-expected 0123456789ab: 1 written, 1 unchanged, 3 artifacts (1 from cache, 1 from GitHub "
              "artifacts), 16.4 MiB, 1.9 s\n");
}

TEST(SummaryLine, DryRunAndUnresolvedSha) {
    auto s = success();
    s.dry_run = true;
    s.resolved_sha.clear();
    s.artifacts.resize(1);
    s.artifacts[0].bytes = 0;
    s.elapsed = 0ms;
    EXPECT_EQ(format_summary_line(s),
              "update-expected latest (dry run): 1 to write, 1 unchanged, 1 artifact, 0 B, 0.0 s\n");
}

TEST(SummaryLine, IncompleteAndFailedNameTheirFilesAndShards) {
    auto s = success();
    s.files.push_back({.suite = "inductor_timm",
                       .phase = "training",
                       .status = file_status::incomplete,
                       .shard_count = 2,
                       .missing_shards = {2}});
    s.files.push_back({.baseline = baseline::rocm,
                       .suite = "inductor_huggingface",
                       .phase = "inference",
                       .status = file_status::incomplete,
                       .shard_count = 5,
                       .missing_shards = {1, 3},
                       .pending_shards = {4},
                       .merged = true});
    s.files.push_back({.suite = "inductor_torchbench",
                       .phase = "training",
                       .status = file_status::failed,
                       .shard_count = 3,
                       .reason = "shard 2/3: bad CRC"});
    s.artifacts.push_back({.url = "https://a/4.zip", .status = artifact_status::not_found, .attempts = 1});
    s.exit_code = 1;
    EXPECT_EQ(format_summary_line(s),
              "update-expected 0123456789ab: 1 written, 1 unchanged, 2 incomplete "
              "(inductor_timm_training: shard 2/2 not there; rocm/inductor_huggingface_inference: "
              "shards 1/5, 3/5 not there, shard 4/5 pending, merged), 1 failed (inductor_torchbench_training), "
              "3 artifacts (1 from cache), 16.4 MiB, 1.9 s, exit 1\n");
}

TEST(SummaryLine, NamesAtMostThreeFilesPerStatus) {
    auto s = success();
    s.files.clear();
    for (const char* suite : {"a", "b", "c", "d", "e"})
        s.files.push_back({.suite = suite, .phase = "training", .status = file_status::failed, .shard_count = 1});
    s.exit_code = 1;
    EXPECT_NE(format_summary_line(s).find(", 5 failed (a_training; b_training; c_training; 2 more), "),
              std::string::npos);
}

artifact_result artifact(artifact_status status, std::string error = {}) {
    artifact_result a;
    a.url = "https://u:p@host/x_2.zip";
    a.suite = "inductor_timm";
    a.shard = 2;
    a.shard_count = 2;
    a.status = status;
    a.bytes = 1258291;
    a.attempts = 2;
    a.elapsed = 420ms;
    a.run_id = 15;
    a.run_attempt = 2;
    a.job_id = 41;
    a.error = std::move(error);
    return a;
}

TEST(ArtifactLine, EachStatus) {
    using ue::report::format_artifact_line;
    EXPECT_EQ(format_artifact_line(artifact(artifact_status::read)),
              "inductor_timm shard 2/2: read from s3 (run 15, attempt 2, job 41), 1.2 MiB, 2 attempts, 0.4 s: "
              "https://host/x_2.zip");
    auto cached = artifact(artifact_status::read);
    cached.store = artifact_store::cache;
    cached.baseline = baseline::rocm;
    EXPECT_EQ(format_artifact_line(cached),
              "rocm/inductor_timm shard 2/2: read from cache (run 15, attempt 2, job 41): https://host/x_2.zip");
    auto missing = artifact(artifact_status::not_found, "403 Forbidden");
    missing.attempts = 1;
    missing.bytes = 0;
    EXPECT_EQ(format_artifact_line(missing),
              "inductor_timm shard 2/2: not found at s3 (run 15, attempt 2, job 41) (403 Forbidden), 0 B, 1 attempt, "
              "0.4 s: https://host/x_2.zip");
    auto from_github = artifact(artifact_status::read);
    from_github.store = artifact_store::github;
    EXPECT_EQ(format_artifact_line(from_github),
              "inductor_timm shard 2/2: read from github (run 15, attempt 2, job 41), 1.2 MiB, 2 attempts, 0.4 s: "
              "https://host/x_2.zip");
    EXPECT_EQ(format_artifact_line(artifact(artifact_status::failed, "bad CRC in test/x.csv")),
              "inductor_timm shard 2/2: failed at s3 (run 15, attempt 2, job 41) (bad CRC in test/x.csv), 1.2 MiB, "
              "2 attempts, 0.4 s: https://host/x_2.zip");
}

TEST(Redact, DropsUserInfoQueryValuesAndFragment) {
    using ue::report::redact_url;
    EXPECT_EQ(redact_url("https://gha-artifacts.s3.amazonaws.com/pytorch/pytorch/1/1/artifact/x_2.zip"),
              "https://gha-artifacts.s3.amazonaws.com/pytorch/pytorch/1/1/artifact/x_2.zip");
    EXPECT_EQ(redact_url("https://user:hunter2@host:8443/p?X-Amz-Signature=abc&flag&k=v#frag"),
              "https://host:8443/p?X-Amz-Signature=REDACTED&REDACTED&k=REDACTED");
    EXPECT_EQ(redact_url("http://token@host"), "http://host");
    EXPECT_EQ(redact_url("http://host/a@b"), "http://host/a@b");  // an @ in the path is no user-info
}

TEST(Redact, UrlsInsideText) {
    EXPECT_EQ(ue::report::redact_urls_in("GET https://u:p@h/x?sig=s failed: 503; see \"http://h2/?t=1\""),
              "GET https://h/x?sig=REDACTED failed: 503; see \"http://h2/?t=REDACTED\"");
    EXPECT_EQ(ue::report::redact_urls_in("no url here"), "no url here");
}

}  // namespace
