#include "update_expected/report/summary_json.hpp"

#include <boost/json.hpp>

namespace ue::report {
namespace {

namespace json = boost::json;

// boost::json::object keeps insertion order, which is what makes the key order stable.
json::value text_or_null(const std::string& text) {
    if (text.empty()) return nullptr;
    return json::string(redact_urls_in(text));
}

std::string_view to_string(jobs::baseline base) { return base == jobs::baseline::rocm ? "rocm" : "standard"; }

json::array shard_array(const std::vector<unsigned>& shards) {
    json::array out;
    for (const auto s : shards) out.emplace_back(s);
    return out;
}

json::object file_json(const file_result& f) {
    json::object o;
    o["baseline"] = to_string(f.baseline);
    o["suite"] = f.suite;
    o["phase"] = f.phase;
    o["path"] = f.path();
    o["status"] = to_string(f.status);
    o["shard_count"] = f.shard_count;
    o["missing_shards"] = shard_array(f.missing_shards);
    o["pending_shards"] = shard_array(f.pending_shards);
    o["merged"] = f.merged;
    o["reason"] = text_or_null(f.reason);
    if (f.changes) {
        json::object c;
        c["added"] = f.changes->added;
        c["removed"] = f.changes->removed;
        c["changed"] = f.changes->changed;
        o["changes"] = std::move(c);
    } else {
        o["changes"] = nullptr;
    }
    return o;
}

json::object artifact_json(const artifact_result& a) {
    json::object o;
    o["url"] = redact_url(a.url);
    o["baseline"] = to_string(a.baseline);
    o["suite"] = a.suite;
    o["shard"] = a.shard;
    o["shard_count"] = a.shard_count;
    o["status"] = to_string(a.status);
    o["store"] = to_string(a.store);
    o["from_cache"] = a.store == artifact_store::cache;
    o["run_id"] = a.run_id;
    o["run_attempt"] = a.run_attempt;
    o["job_id"] = a.job_id;
    o["bytes"] = a.bytes;
    o["attempts"] = a.attempts;
    o["milliseconds"] = a.elapsed.count();
    o["error"] = text_or_null(a.error);
    return o;
}

json::object totals_json(const summary_totals& t) {
    json::object o;
    o["files_written"] = t.files_written;
    o["files_unchanged"] = t.files_unchanged;
    o["files_incomplete"] = t.files_incomplete;
    o["files_failed"] = t.files_failed;
    o["artifacts_read"] = t.artifacts_read;
    o["artifacts_from_cache"] = t.artifacts_from_cache;
    o["artifacts_from_github"] = t.artifacts_from_github;
    o["artifacts_not_found"] = t.artifacts_not_found;
    o["artifacts_failed"] = t.artifacts_failed;
    o["bytes"] = t.bytes;
    o["attempts"] = t.attempts;
    return o;
}

}  // namespace

std::string to_json(const run_summary& s) {
    json::object o;
    o["version"] = summary_json_version;
    o["sha"] = s.sha;
    o["resolved_sha"] = text_or_null(s.resolved_sha);
    o["repo"] = s.repo;
    o["source"] = s.source;
    o["dry_run"] = s.dry_run;
    o["exit_code"] = s.exit_code;
    o["error"] = text_or_null(s.error);
    o["milliseconds"] = s.elapsed.count();
    o["totals"] = totals_json(totals(s));
    json::array files;
    for (const auto& f : s.files) files.push_back(file_json(f));
    o["files"] = std::move(files);
    json::array artifacts;
    for (const auto& a : s.artifacts) artifacts.push_back(artifact_json(a));
    o["artifacts"] = std::move(artifacts);
    return json::serialize(o) + "\n";
}

}  // namespace ue::report
