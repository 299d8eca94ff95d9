// End-to-end tests of running update-expected every day: the rerun cache, the what-changed
// report, the progress line, and --summary-json, with the real binary against the local server.

#include "e2e_fixture.hpp"

#include "update_expected/cache/artifact_cache.hpp"
#include "update_expected/expected/directory_lock.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace ue::test {
namespace {

class OperabilityE2e : public RefreshE2e {
protected:
    // The artifact paths requested since request number `from`, in order.
    std::vector<std::string> artifact_gets(std::size_t from = 0) const {
        std::vector<std::string> gets;
        const auto all = server_->requests();
        for (std::size_t i = from; i < all.size(); ++i) {
            if (all[i].method == "GET" && all[i].path().ends_with(".zip")) gets.push_back(all[i].path());
        }
        return gets;
    }
    std::string artifact_url(std::string_view suite, int shard) const {
        return server_->url("/" + snap_.find_artifact(suite, shard)->path);
    }
    std::string summary_path() const { return (dir_ / "summary.json").string(); }
    json::object read_summary() const {
        const auto text = read_file(summary_path());
        EXPECT_FALSE(text.empty());
        EXPECT_EQ(text.back(), '\n');
        return json::parse(text).as_object();
    }
};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// The report without its last line (the summary line), with the dry run's wording made the real
// run's, so that both can be compared.
std::string report_part(std::string out, bool dry_run) {
    out = out.substr(0, out.rfind("update-expected "));
    if (dry_run) {
        out = replace_all(out, "would change ", "changed ");
        out = replace_all(out, "would create ", "created ");
        out = replace_all(out, "would stay unchanged", "unchanged");
    }
    return out;
}

// `[ 37/82]`, the start of a progress line.
bool has_bar(const std::string& err) {
    for (auto open = err.find('['); open != std::string::npos; open = err.find('[', open + 1)) {
        const auto close = err.find(']', open);
        if (close == std::string::npos) return false;
        const auto inside = err.substr(open + 1, close - open - 1);
        const auto slash = inside.find('/');
        if (slash != std::string::npos && inside.find_first_not_of(" 0123456789/") == std::string::npos &&
            slash + 1 < inside.size()) {
            return true;
        }
    }
    return false;
}

TEST_F(OperabilityE2e, ARerunAfterAPartialFailureDownloadsOnlyTheMissingArtifact) {
    serve(small_spec(), s3_like());
    const auto missing = *snap_.find_artifact("dynamic_aot_eager_huggingface", 2);
    remove_artifact("dynamic_aot_eager_huggingface", 2);
    auto r = run(file_args());
    ASSERT_EQ(r.exit_code, 1) << r.err;
    const auto first = artifact_gets();
    EXPECT_TRUE(std::count(first.begin(), first.end(), "/" + missing.path) >= 1);

    replace_artifact("dynamic_aot_eager_huggingface", 2, missing.bytes);
    const auto before = server_->requests().size();
    r = run(file_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(artifact_gets(before), std::vector<std::string>{"/" + missing.path});
    expect_all_written();
    EXPECT_NE(r.out.find("from cache"), std::string::npos) << r.out;
}

TEST_F(OperabilityE2e, ACorruptOrTruncatedCacheEntryIsIgnoredAndRefetched) {
    serve(small_spec());
    auto r = run(file_args());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const cache::artifact_cache cache(cache_dir());
    const auto corrupt = cache.path_for(artifact_url("inductor_timm", 2));
    const auto truncated = cache.path_for(artifact_url("cpu_inductor_torchbench", 3));
    ASSERT_TRUE(fs::exists(corrupt));
    ASSERT_TRUE(fs::exists(truncated));
    auto bytes = read_file(corrupt);
    bytes[bytes.size() / 2] ^= 0x20;
    write_file(corrupt, bytes);
    fs::resize_file(truncated, fs::file_size(truncated) / 2);
    for (const auto& f : all_files()) fs::remove(out_ / f);

    const auto before = server_->requests().size();
    r = run(file_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto gets = artifact_gets(before);
    std::sort(gets.begin(), gets.end());
    std::vector<std::string> want{"/" + snap_.find_artifact("inductor_timm", 2)->path,
                                  "/" + snap_.find_artifact("cpu_inductor_torchbench", 3)->path};
    std::sort(want.begin(), want.end());
    EXPECT_EQ(gets, want);
    expect_all_written();
    // Both were stored again, whole.
    EXPECT_NE(read_file(corrupt), bytes);
    EXPECT_TRUE(fs::exists(truncated));
}

TEST_F(OperabilityE2e, NoCacheFetchesEverythingAndLeavesTheCacheAlone) {
    serve(small_spec());
    auto r = run(file_args({"--no-cache"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_FALSE(fs::exists(cache_dir()));
    const auto all = artifact_gets().size();
    EXPECT_GT(all, 10u);

    r = run(file_args());  // fills the cache
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(cache_dir()));
    auto before = server_->requests().size();
    r = run(file_args({"--no-cache"}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(artifact_gets(before).size(), all);

    // --cache-dir elsewhere: a cache of its own, empty at first.
    before = server_->requests().size();
    r = run(file_args({"--cache-dir", (dir_ / "other-cache").string()}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(artifact_gets(before).size(), all);
    EXPECT_FALSE(fs::is_empty(dir_ / "other-cache"));
}

TEST_F(OperabilityE2e, DryRunWritesNothingAndReportsExactlyWhatTheRealRunThenChanges) {
    serve(small_spec());
    // An existing file with a changed value, a row the snapshot no longer has, and rows it lacks.
    const auto& rows = snap_.expected.at("inductor_timm_training.csv");
    ASSERT_GE(rows.size(), 3u);
    std::vector<std::string> lines{"name,accuracy,graph_breaks"};
    lines.push_back(rows[0].at("name") + ",was_failing," + rows[0].at("graph_breaks"));
    lines.push_back(rows[1].at("name") + "," + rows[1].at("accuracy") + "," + rows[1].at("graph_breaks"));
    lines.push_back("ZzzRetiredModel,pass,0");
    const auto old_timm = expected_layout(lines);
    write_file(out_ / "inductor_timm_training.csv", old_timm);
    const auto unchanged = snap_.expected_file("inductor_huggingface_training.csv");
    write_file(out_ / "inductor_huggingface_training.csv", unchanged);
    const auto before = all_files();

    const auto dry = run(file_args({"--dry-run"}));
    EXPECT_EQ(dry.exit_code, 0) << dry.err;
    EXPECT_EQ(all_files(), before);
    EXPECT_EQ(read_file(out_ / "inductor_timm_training.csv"), old_timm);
    EXPECT_FALSE(fs::exists(cache_dir())) << "a dry run changes nothing on disk, the cache included";
    EXPECT_NE(dry.out.find("would change inductor_timm_training.csv: "), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("~ " + rows[0].at("name") + ": accuracy was_failing -> " + rows[0].at("accuracy")),
              std::string::npos)
        << dry.out;
    EXPECT_NE(dry.out.find("- ZzzRetiredModel"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("would create rocm/inductor_timm_training.csv"), std::string::npos) << dry.out;
    EXPECT_NE(dry.out.find("1 file would stay unchanged"), std::string::npos) << dry.out;
    EXPECT_EQ(dry.out.find('\x1b'), std::string::npos) << "colour into a pipe";

    const auto real = run(file_args());
    EXPECT_EQ(real.exit_code, 0) << real.err;
    expect_all_written();
    EXPECT_EQ(report_part(dry.out, true), report_part(real.out, false));
    EXPECT_EQ(read_file(out_ / "inductor_huggingface_training.csv"), unchanged);

    // -q: the summary line alone.
    write_file(out_ / "inductor_timm_training.csv", old_timm);
    const auto quiet = run(file_args({"-q"}));
    EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(std::count(quiet.out.begin(), quiet.out.end(), '\n'), 1) << quiet.out;
    EXPECT_EQ(quiet.out.rfind("update-expected ", 0), 0u) << quiet.out;
}

TEST_F(OperabilityE2e, TheReportIsColouredOnATerminalUnlessNoColor) {
    serve(small_spec());
    auto r = run(file_args({"--dry-run"}), {}, {.out = true});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\x1b["), std::string::npos) << r.out;
    r = run(file_args({"--dry-run"}), {{"NO_COLOR", "1"}}, {.out = true});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("would create"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
}

TEST_F(OperabilityE2e, AProgressBarOnATerminalAndNoCarriageReturnElsewhere) {
    serve(small_spec());
    auto r = run(file_args({"--no-cache"}), {}, {.err = true});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find('\r'), std::string::npos) << r.err;
    EXPECT_TRUE(has_bar(r.err)) << r.err;
    // The bar is erased before the process ends: the last thing on the terminal is not a bar.
    EXPECT_TRUE(r.err.ends_with("\r\x1b[K")) << r.err;

    r = run(file_args({"--no-cache"}));  // stderr is a pipe: auto means no bar
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('['), std::string::npos) << r.err;

    r = run(file_args({"--no-cache", "--progress", "never"}), {}, {.err = true});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;

    r = run(file_args({"--no-cache", "--progress", "always"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find('\r'), std::string::npos) << r.err;

    EXPECT_EQ(run(file_args({"--progress", "sometimes"})).exit_code, 2);
}

// Every key docs/summary-json.md lists, in its order, with its type.
void expect_documented_shape(const json::object& doc) {
    const std::vector<std::string> top{"version",   "sha",   "resolved_sha", "repo",   "source", "dry_run",
                                       "exit_code", "error", "milliseconds", "totals", "files",  "artifacts"};
    std::vector<std::string> keys;
    for (const auto& kv : doc) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, top);
    EXPECT_EQ(doc.at("version").as_int64(), 2);
    EXPECT_TRUE(doc.at("sha").is_string());
    EXPECT_TRUE(doc.at("resolved_sha").is_string() || doc.at("resolved_sha").is_null());
    EXPECT_TRUE(doc.at("repo").is_string());
    EXPECT_TRUE(doc.at("source").is_string());
    EXPECT_TRUE(doc.at("dry_run").is_bool());
    EXPECT_TRUE(doc.at("exit_code").is_int64());
    EXPECT_TRUE(doc.at("error").is_string() || doc.at("error").is_null());
    EXPECT_TRUE(doc.at("milliseconds").is_int64());
    for (const char* key : {"files_written", "files_unchanged", "files_incomplete", "files_failed", "artifacts_read",
                            "artifacts_from_cache", "artifacts_from_github", "artifacts_not_found", "artifacts_failed",
                            "bytes", "attempts"}) {
        EXPECT_TRUE(doc.at("totals").as_object().at(key).is_int64()) << key;
    }
    const std::vector<std::string> file_keys{"baseline", "suite",       "phase",          "path",
                                             "status",   "shard_count", "missing_shards", "pending_shards",
                                             "merged",   "reason",      "changes"};
    for (const auto& f : doc.at("files").as_array()) {
        keys.clear();
        for (const auto& kv : f.as_object()) keys.emplace_back(kv.key());
        EXPECT_EQ(keys, file_keys);
        const auto& o = f.as_object();
        EXPECT_TRUE(o.at("baseline") == "standard" || o.at("baseline") == "rocm");
        const auto status = std::string(o.at("status").as_string());
        EXPECT_TRUE(status == "written" || status == "unchanged" || status == "incomplete" || status == "failed");
        EXPECT_TRUE(o.at("shard_count").is_int64());
        EXPECT_TRUE(o.at("missing_shards").is_array());
        EXPECT_TRUE(o.at("pending_shards").is_array());
        EXPECT_TRUE(o.at("merged").is_bool());
        EXPECT_TRUE(o.at("reason").is_string() || o.at("reason").is_null());
        if (o.at("changes").is_object()) {
            for (const char* key : {"added", "removed", "changed"})
                EXPECT_TRUE(o.at("changes").as_object().at(key).is_int64());
        } else {
            EXPECT_TRUE(o.at("changes").is_null());
        }
    }
    const std::vector<std::string> artifact_keys{"url",    "baseline", "suite",      "shard",        "shard_count",
                                                 "status", "store",    "from_cache", "run_id",       "run_attempt",
                                                 "job_id", "bytes",    "attempts",   "milliseconds", "error"};
    for (const auto& a : doc.at("artifacts").as_array()) {
        keys.clear();
        for (const auto& kv : a.as_object()) keys.emplace_back(kv.key());
        EXPECT_EQ(keys, artifact_keys);
        const auto& o = a.as_object();
        const auto status = std::string(o.at("status").as_string());
        EXPECT_TRUE(status == "read" || status == "not_found" || status == "failed");
        EXPECT_TRUE(o.at("from_cache").is_bool());
        const auto store = std::string(o.at("store").as_string());
        EXPECT_TRUE(store == "s3" || store == "github" || store == "cache") << store;
        for (const char* key :
             {"shard", "shard_count", "run_id", "run_attempt", "job_id", "bytes", "attempts", "milliseconds"})
            EXPECT_TRUE(o.at(key).is_int64()) << key;
        EXPECT_TRUE(o.at("error").is_string() || o.at("error").is_null());
    }
}

TEST_F(OperabilityE2e, SummaryJsonHasItsDocumentedShapeOnSuccess) {
    serve(small_spec());
    const auto r = run(file_args({"--summary-json", summary_path()}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = read_summary();
    expect_documented_shape(doc);
    EXPECT_EQ(doc.at("sha").as_string(), sha);
    EXPECT_EQ(doc.at("resolved_sha").as_string(), sha);
    EXPECT_EQ(doc.at("source"), "jobs-file");
    EXPECT_EQ(doc.at("exit_code"), 0);
    EXPECT_TRUE(doc.at("error").is_null());
    const auto& totals = doc.at("totals").as_object();
    EXPECT_EQ(totals.at("files_written").as_int64(), static_cast<std::int64_t>(snap_.expected.size()));
    EXPECT_EQ(doc.at("files").as_array().size(), snap_.expected.size());
    std::uint64_t bytes = 0;
    for (const auto& a : doc.at("artifacts").as_array()) {
        EXPECT_EQ(a.at("status"), "read");
        EXPECT_EQ(a.at("attempts"), 1);
        bytes += a.at("bytes").as_int64();
    }
    EXPECT_EQ(totals.at("bytes").as_int64(), static_cast<std::int64_t>(bytes));
    EXPECT_GT(bytes, 0u);
    for (const auto& f : doc.at("files").as_array()) {
        EXPECT_EQ(f.at("status"), "written");
        EXPECT_EQ(f.at("changes").at("added").as_int64(),
                  static_cast<std::int64_t>(snap_.expected.at(std::string(f.at("path").as_string())).size()));
    }
}

TEST_F(OperabilityE2e, SummaryJsonHasItsDocumentedShapeWhenTheRunFails) {
    serve(small_spec(), s3_like());
    remove_artifact("dynamic_aot_eager_huggingface", 2);
    auto r = run(file_args({"--summary-json", summary_path(), "--no-cache"}));
    ASSERT_EQ(r.exit_code, 1) << r.err;
    auto doc = read_summary();
    expect_documented_shape(doc);
    EXPECT_EQ(doc.at("exit_code"), 1);
    EXPECT_TRUE(doc.at("error").is_null());
    std::size_t incomplete = 0;
    for (const auto& f : doc.at("files").as_array()) {
        if (f.at("status") != "incomplete") continue;
        ++incomplete;
        EXPECT_EQ(f.at("suite"), "dynamic_aot_eager_huggingface");
        EXPECT_EQ(f.at("missing_shards"), json::array({2}));
        EXPECT_EQ(f.at("shard_count"), 3);
        EXPECT_TRUE(f.at("changes").is_null());
    }
    EXPECT_EQ(incomplete, 2u);
    // Not there at either place: S3 answered 403, the run's GitHub artifacts do not list it.
    std::vector<std::string> not_found;
    for (const auto& a : doc.at("artifacts").as_array()) {
        if (a.at("status") != "not_found") continue;
        not_found.emplace_back(a.at("store").as_string());
        EXPECT_EQ(a.at("shard"), 2);
        EXPECT_NE(std::string(a.at("error").as_string()).find(a.at("store") == "s3" ? "403" : "not among"),
                  std::string::npos)
            << a;
    }
    EXPECT_EQ(not_found, (std::vector<std::string>{"s3", "github"}));

    // A run stopped before any artifact: exit 75, the reason in `error`.
    auto lock = expected::directory_lock::acquire(out_, std::chrono::milliseconds(0));
    ASSERT_TRUE(lock);
    r = run(file_args({"--summary-json", summary_path()}));
    ASSERT_EQ(r.exit_code, 75) << r.err;
    doc = read_summary();
    expect_documented_shape(doc);
    EXPECT_EQ(doc.at("exit_code"), 75);
    EXPECT_TRUE(doc.at("error").is_string());
    EXPECT_TRUE(doc.at("files").as_array().empty());
}

}  // namespace
}  // namespace ue::test
