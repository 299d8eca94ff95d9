#include "served_snapshot.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>

namespace ue::bench {
namespace {

namespace json = boost::json;
constexpr std::size_t page_size = 100;  // per_page=100, as the source asks

// Scripts `items` as pages of `listing` under `key`; every page but the last links to the next and
// the last, as GitHub's numbered listings do.
void script_pages(testing::server& server, const std::string& first_target, const std::string& key,
                  const json::array& items) {
    std::string target = first_target;
    const std::size_t pages = std::max<std::size_t>(1, (items.size() + page_size - 1) / page_size);
    const std::string last = server.url(fmt::format("{}&page={}", first_target, pages));
    for (std::size_t first = 0, page = 2; first == 0 || first < items.size(); first += page_size, ++page) {
        json::array part;
        for (std::size_t i = first; i < std::min(items.size(), first + page_size); ++i) part.push_back(items[i]);
        const json::object body{{"total_count", items.size()}, {key, std::move(part)}};
        const std::string next = fmt::format("{}&page={}", first_target, page);
        // GitHub gives every answer an ETag; a request naming it is answered 304 (test_server.hpp).
        testing::header_list headers{{"ETag", fmt::format("\"{:x}\"", std::hash<std::string>{}(target))}};
        if (first + page_size < items.size())
            headers.emplace_back("Link", fmt::format("<{}>; rel=\"next\", <{}>; rel=\"last\"", server.url(next), last));
        server.add_response("GET", target, 200, json::serialize(body), headers);
        target = next;
    }
}

}  // namespace

void script_github_api(testing::server& server, const std::vector<test::job>& jobs, const std::string& repo,
                       std::string_view sha, std::size_t jobs_per_run) {
    struct run {
        std::uint64_t id = 0;
        int attempt = 1;
        json::array jobs;
    };
    // Other workflows' jobs share a run id in the snapshot; on GitHub every workflow run has its own.
    // The first workflow seen with an id keeps it (artifact paths name it); the others get new ones.
    std::map<std::pair<std::string, std::uint64_t>, run> runs;
    std::set<std::uint64_t> taken;
    for (const auto& j : jobs) {
        if (j.missing_workflow_id) continue;  // a row glitch of the query sources; GitHub knows the run
        auto [it, added] = runs.try_emplace({j.workflow, j.workflow_id});
        run& r = it->second;
        if (added) {
            r.id = j.workflow_id;
            while (!taken.insert(r.id).second) r.id += 1000;
        }
        r.attempt = std::max(r.attempt, j.attempt);
        r.jobs.push_back(json::object{{"id", j.id},
                                      {"run_id", r.id},
                                      {"run_attempt", j.attempt},
                                      {"name", j.name},
                                      {"status", "completed"},
                                      {"conclusion", "success"}});
    }
    json::array listed;
    for (auto& [key, r] : runs) {
        const std::string& workflow = key.first;
        for (std::uint64_t build = 1; r.jobs.size() < jobs_per_run; ++build) {
            r.jobs.push_back(json::object{{"id", (std::uint64_t{1} << 40) + r.id * 1000 + build},
                                          {"run_id", r.id},
                                          {"run_attempt", r.attempt},
                                          {"name", fmt::format("linux-jammy-py3.10-gcc11 / build ({})", build)},
                                          {"status", "completed"},
                                          {"conclusion", "success"}});
        }
        listed.push_back(json::object{{"id", r.id},
                                      {"name", workflow},
                                      {"run_attempt", r.attempt},
                                      {"status", "completed"},
                                      {"conclusion", "success"},
                                      {"event", workflow == "inductor-periodic" ? "schedule" : "push"},
                                      {"head_sha", sha}});
        script_pages(server,
                     fmt::format("/repos/{}/actions/runs/{}/jobs?filter=all&per_page={}", repo, r.id, page_size),
                     "jobs", r.jobs);
    }
    script_pages(server, fmt::format("/repos/{}/actions/runs?head_sha={}&per_page={}", repo, sha, page_size),
                 "workflow_runs", listed);
}

served_snapshot::served_snapshot(const test::snapshot_spec& spec, std::chrono::milliseconds rtt,
                                 const std::filesystem::path& dir, api_shape api)
    : dir_(dir) {
    test::snapshot snap = test::make_snapshot(spec);
    snap.write_artifacts(dir / "artifacts");
    std::ofstream{dir / "jobs.json"} << snap.jobs_json();
    expected_files_ = snap.expected.size();
    std::vector<std::string> paths;
    for (const auto& s : spec.suites) {
        for (int shard = 1; shard <= s.shards; ++shard) {
            if (const auto* a = snap.find_artifact(s.suite(), shard, s.rocm)) {
                paths.push_back("/" + a->path);
                bytes_ += a->bytes.size();
            }
        }
    }
    snap.artifacts.clear();  // on disk now; gigabytes are not kept twice
    testing::server_options options;
    options.root = dir / "artifacts";
    options.missing = testing::missing_reply::access_denied;
    options.accept_delay = 2 * rtt;
    options.response_delay = rtt;
    options.answer_delay = api.answer_delay;
    server_ = std::make_unique<testing::server>(options);
    for (const auto& p : paths) urls_.push_back(server_->url(p));
    script_github_api(*server_, snap.jobs, spec.repo, bench_sha, api.jobs_per_run);
}

std::vector<std::string> served_snapshot::github_args() const {
    return {std::string(bench_sha), "--query-url", server_->base_url(),        "--artifacts-url",
            server_->base_url(),    "--ca-file",   server_->ca_file().string()};
}

std::vector<std::string> served_snapshot::jobs_file_args() const {
    return {std::string(bench_sha), "--jobs-file", (dir_ / "jobs.json").string(), "--artifacts-url",
            server_->base_url(),    "--ca-file",   server_->ca_file().string()};
}

}  // namespace ue::bench
