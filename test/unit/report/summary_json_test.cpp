#include "update_expected/report/summary_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using ue::jobs::baseline;
using ue::report::artifact_status;
using ue::report::file_status;
using ue::report::run_summary;

// The shape of docs/summary-json.md, key by key in document order. Kinds: "string", "string?"
// (string or null), "int", "bool", "ints" (array of integers), "counts?" (the changes object or null).
using shape = std::vector<std::pair<std::string, std::string>>;

const shape top_shape{{"version", "int"},   {"sha", "string"},    {"resolved_sha", "string?"},
                      {"repo", "string"},   {"source", "string"}, {"dry_run", "bool"},
                      {"exit_code", "int"}, {"error", "string?"}, {"milliseconds", "int"},
                      {"totals", "object"}, {"files", "array"},   {"artifacts", "array"}};
const shape totals_shape{{"files_written", "int"},
                         {"files_unchanged", "int"},
                         {"files_incomplete", "int"},
                         {"files_failed", "int"},
                         {"artifacts_read", "int"},
                         {"artifacts_from_cache", "int"},
                         {"artifacts_from_github", "int"},
                         {"artifacts_not_found", "int"},
                         {"artifacts_failed", "int"},
                         {"bytes", "int"},
                         {"attempts", "int"}};
const shape file_shape{{"baseline", "string"},     {"suite", "string"},        {"phase", "string"},
                       {"path", "string"},         {"status", "string"},       {"shard_count", "int"},
                       {"missing_shards", "ints"}, {"pending_shards", "ints"}, {"merged", "bool"},
                       {"reason", "string?"},      {"changes", "counts?"}};
const shape artifact_shape{{"url", "string"},      {"baseline", "string"},  {"suite", "string"}, {"shard", "int"},
                           {"shard_count", "int"}, {"status", "string"},    {"store", "string"}, {"from_cache", "bool"},
                           {"run_id", "int"},      {"run_attempt", "int"},  {"job_id", "int"},   {"bytes", "int"},
                           {"attempts", "int"},    {"milliseconds", "int"}, {"error", "string?"}};

bool has_kind(const json::value& v, const std::string& kind) {
    if (kind == "string") return v.is_string();
    if (kind == "string?") return v.is_string() || v.is_null();
    if (kind == "int") return v.is_int64() || v.is_uint64();
    if (kind == "bool") return v.is_bool();
    if (kind == "object") return v.is_object();
    if (kind == "array") return v.is_array();
    if (kind == "ints") {
        if (!v.is_array()) return false;
        for (const auto& e : v.as_array())
            if (!has_kind(e, "int")) return false;
        return true;
    }
    if (kind == "counts?") {
        if (v.is_null()) return true;
        if (!v.is_object() || v.as_object().size() != 3) return false;
        for (const char* k : {"added", "removed", "changed"})
            if (!v.as_object().contains(k) || !has_kind(v.as_object().at(k), "int")) return false;
        return true;
    }
    return false;
}

void expect_shape(const json::value& v, const shape& s, const std::string& where) {
    ASSERT_TRUE(v.is_object()) << where;
    const auto& o = v.as_object();
    ASSERT_EQ(o.size(), s.size()) << where;
    std::size_t i = 0;
    for (const auto& [key, value] : o) {  // insertion order: the documented order
        EXPECT_EQ(std::string(key), s[i].first) << where;
        EXPECT_TRUE(has_kind(value, s[i].second)) << where << "." << s[i].first << " is not " << s[i].second;
        ++i;
    }
}

json::value parse_checked(const run_summary& s) {
    const auto text = ue::report::to_json(s);
    EXPECT_EQ(text.back(), '\n');
    EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line
    auto v = json::parse(text);
    expect_shape(v, top_shape, "top");
    expect_shape(v.at("totals"), totals_shape, "totals");
    for (const auto& f : v.at("files").as_array()) expect_shape(f, file_shape, "file");
    for (const auto& a : v.at("artifacts").as_array()) expect_shape(a, artifact_shape, "artifact");
    return v;
}

TEST(SummaryJson, SuccessfulRun) {
    run_summary s;
    s.sha = "latest";
    s.resolved_sha = "0123456789abcdef0123456789abcdef01234567";
    s.repo = "pytorch/pytorch";
    s.source = "github";
    s.files = {{.suite = "inductor_timm",
                .phase = "training",
                .status = file_status::written,
                .shard_count = 2,
                .changes = ue::report::change_counts{1, 2, 3}},
               {.baseline = baseline::rocm,
                .suite = "inductor_timm",
                .phase = "inference",
                .status = file_status::unchanged,
                .shard_count = 2,
                .changes = ue::report::change_counts{}}};
    s.artifacts = {{.url = "https://gha/x_1.zip",
                    .suite = "inductor_timm",
                    .shard = 1,
                    .shard_count = 2,
                    .store = ue::report::artifact_store::github,
                    .run_id = 15,
                    .run_attempt = 2,
                    .job_id = 41,
                    .bytes = 1000,
                    .attempts = 2,
                    .elapsed = 1234ms},
                   {.url = "https://gha/x_2.zip",
                    .suite = "inductor_timm",
                    .shard = 2,
                    .shard_count = 2,
                    .store = ue::report::artifact_store::cache}};
    s.elapsed = 1900ms;
    const auto v = parse_checked(s);
    EXPECT_EQ(v.at("version"), 2);
    EXPECT_EQ(v.at("sha"), "latest");
    EXPECT_EQ(v.at("resolved_sha"), "0123456789abcdef0123456789abcdef01234567");
    EXPECT_EQ(v.at("exit_code"), 0);
    EXPECT_TRUE(v.at("error").is_null());
    EXPECT_EQ(v.at("milliseconds"), 1900);
    const auto& t = v.at("totals");
    EXPECT_EQ(t.at("files_written"), 1);
    EXPECT_EQ(t.at("files_unchanged"), 1);
    EXPECT_EQ(t.at("artifacts_read"), 2);
    EXPECT_EQ(t.at("artifacts_from_cache"), 1);
    EXPECT_EQ(t.at("artifacts_from_github"), 1);
    EXPECT_EQ(t.at("bytes"), 1000);
    EXPECT_EQ(t.at("attempts"), 2);
    const auto& f = v.at("files").as_array();
    EXPECT_EQ(f[0].at("path"), "inductor_timm_training.csv");
    EXPECT_EQ(f[0].at("status"), "written");
    EXPECT_EQ(f[0].at("changes").at("removed"), 2);
    EXPECT_EQ(f[1].at("path"), "rocm/inductor_timm_inference.csv");
    EXPECT_EQ(f[1].at("baseline"), "rocm");
    const auto& a = v.at("artifacts").as_array();
    EXPECT_EQ(a[0].at("url"), "https://gha/x_1.zip");
    EXPECT_EQ(a[0].at("status"), "read");
    EXPECT_EQ(a[0].at("milliseconds"), 1234);
    EXPECT_EQ(a[0].at("store"), "github");
    EXPECT_EQ(a[0].at("from_cache"), false);
    EXPECT_EQ(a[0].at("run_id"), 15);
    EXPECT_EQ(a[0].at("run_attempt"), 2);
    EXPECT_EQ(a[0].at("job_id"), 41);
    EXPECT_EQ(a[1].at("store"), "cache");
    EXPECT_EQ(a[1].at("from_cache"), true);
}

TEST(SummaryJson, FailedRunKeepsNoCredentials) {
    run_summary s;
    s.sha = "0123456";
    s.repo = "pytorch/pytorch";
    s.source = "clickhouse";
    s.dry_run = true;
    s.files = {{.suite = "inductor_timm",
                .phase = "training",
                .status = file_status::incomplete,
                .shard_count = 3,
                .missing_shards = {2},
                .pending_shards = {3}},
               {.suite = "inductor_timm",
                .phase = "inference",
                .status = file_status::failed,
                .shard_count = 3,
                .reason = "shard 1/3: https://u:pw@gha/x_1.zip?sig=abc: bad CRC in entry test/x.csv"}};
    s.artifacts = {{.url = "https://u:pw@gha/x_1.zip?sig=abc",
                    .status = artifact_status::failed,
                    .attempts = 5,
                    .error = "bad CRC"},
                   {.url = "https://gha/x_2.zip", .status = artifact_status::not_found, .attempts = 1, .error = "403"}};
    s.exit_code = 1;
    s.error = "";
    const auto text = ue::report::to_json(s);
    EXPECT_EQ(text.find("pw"), std::string::npos);
    EXPECT_EQ(text.find("abc"), std::string::npos);
    const auto v = parse_checked(s);
    EXPECT_TRUE(v.at("resolved_sha").is_null());
    EXPECT_EQ(v.at("dry_run"), true);
    EXPECT_EQ(v.at("exit_code"), 1);
    const auto& f = v.at("files").as_array();
    EXPECT_EQ(f[0].at("status"), "incomplete");
    EXPECT_EQ(f[0].at("missing_shards"), json::parse("[2]"));
    EXPECT_EQ(f[0].at("pending_shards"), json::parse("[3]"));
    EXPECT_TRUE(f[0].at("changes").is_null());
    EXPECT_EQ(f[1].at("reason"), "shard 1/3: https://gha/x_1.zip?sig=REDACTED: bad CRC in entry test/x.csv");
    const auto& a = v.at("artifacts").as_array();
    EXPECT_EQ(a[0].at("url"), "https://gha/x_1.zip?sig=REDACTED");
    EXPECT_EQ(a[0].at("status"), "failed");
    EXPECT_EQ(a[1].at("status"), "not_found");
    EXPECT_EQ(v.at("totals").at("artifacts_failed"), 1);
    EXPECT_EQ(v.at("totals").at("artifacts_not_found"), 1);
    EXPECT_EQ(v.at("totals").at("files_incomplete"), 1);
    EXPECT_EQ(v.at("totals").at("files_failed"), 1);
}

TEST(SummaryJson, RunStoppedEarly) {
    run_summary s;
    s.sha = "latest";
    s.repo = "pytorch/pytorch";
    s.source = "github";
    s.exit_code = 3;
    s.error = "GET https://api.github.com/repos/pytorch/pytorch/actions/runs: rate limit until 17:42";
    const auto v = parse_checked(s);
    EXPECT_EQ(v.at("exit_code"), 3);
    EXPECT_EQ(v.at("error").as_string(), s.error);
    EXPECT_TRUE(v.at("files").as_array().empty());
    EXPECT_TRUE(v.at("artifacts").as_array().empty());
}

}  // namespace
