// End-to-end tests of the default source: the real binary against a scripted GitHub REST API on
// one local server and the artifacts on another, checking every request (GitHub's headers, the
// token only where it belongs), the exit codes, the streams and the files byte for byte. Also
// --allow-partial and the credential hygiene of the other sources.

#include "e2e_fixture.hpp"
#include "zip_writer.hpp"

#include <algorithm>
#include <csignal>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <thread>

namespace fs = std::filesystem;

namespace ue::test {
namespace {

const std::string token = "ghp_e2eT0KEN0123456789abcdefSECRET";
const std::string runs_target = "/repos/pytorch/pytorch/actions/runs?head_sha=" + std::string(sha) + "&per_page=100";
const std::string gpu_build = "linux-jammy-cuda12.8-py3.10-gcc9-sm86";

std::string jobs_target(std::uint64_t run) {
    return "/repos/pytorch/pytorch/actions/runs/" + std::to_string(run) + "/jobs?filter=all&per_page=100";
}

// Opaque cursors, as GitHub's Link URLs carry: a client that builds `&page=2` itself gets a 404.
std::string cursor_target(std::string_view listing, int page) {
    return "/repositories/65600975/" + std::string(listing) + "?per_page=100&after=Y3Vyc29y" +
           std::to_string(page * 7919);
}

std::string epoch_text(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buffer;
}

struct api_job {
    std::uint64_t id = 0;
    std::string name;
    int attempt = 1;
    std::string status = "completed";
};

struct api_run {
    std::uint64_t id = 0;
    std::string name;
    std::string event = "push";
    std::string head_sha{sha};
    std::string status = "completed";
    std::vector<api_job> jobs{};
};

std::string run_json(const api_run& r) {
    int attempt = 1;
    for (const auto& j : r.jobs) attempt = std::max(attempt, j.attempt);
    return "{\"id\":" + std::to_string(r.id) + ",\"name\":\"" + r.name +
           "\",\"run_attempt\":" + std::to_string(attempt) + ",\"status\":\"" + r.status +
           "\",\"conclusion\":" + (r.status == "completed" ? "\"success\"" : "null") + ",\"event\":\"" + r.event +
           "\",\"head_sha\":\"" + r.head_sha + "\",\"repository\":{\"full_name\":\"pytorch/pytorch\"}}";
}

std::string runs_body(const std::vector<const api_run*>& runs) {
    std::string list;
    for (const auto* r : runs) list += (list.empty() ? "" : ",") + run_json(*r);
    return "{\"total_count\":" + std::to_string(runs.size()) + ",\"workflow_runs\":[" + list + "]}";
}

std::string job_json(const api_job& j) {
    return "{\"id\":" + std::to_string(j.id) + ",\"run_attempt\":" + std::to_string(j.attempt) + ",\"name\":\"" +
           j.name + "\",\"status\":\"" + j.status +
           "\",\"conclusion\":" + (j.status == "completed" ? "\"success\"" : "null") + ",\"steps\":[]}";
}

testing::header_list link_next(const testing::server& s, const std::string& target) {
    return {{"Link", "<" + s.url(target) + ">; rel=\"next\", <" + s.url(target + "&last=1") + ">; rel=\"last\""}};
}

class GithubE2e : public RefreshE2e {
protected:
    void SetUp() override {
        RefreshE2e::SetUp();
        local_github_ = false;  // the fallback asks --query-url, the scripted API
        serve(small_spec());
        api_ = std::make_unique<testing::server>();
        make_runs();
    }

    // The snapshot's jobs as GitHub lists them: one run per workflow run of the snapshot, the
    // unwanted workflows in runs of their own, and two decoy runs of the `inductor` workflow whose
    // jobs would win every shard they name (highest run id) with a poisoned artifact.
    void make_runs() {
        std::map<std::pair<std::string, std::uint64_t>, api_run> by_run;
        for (const auto& j : snap_.jobs) {
            if (j.missing_workflow_id) continue;  // a source glitch; GitHub always knows the run
            const bool wanted = j.workflow == "inductor" || j.workflow == "inductor-periodic";
            auto [it, added] = by_run.try_emplace({j.workflow, j.workflow_id});
            api_run& run = it->second;
            if (added) {
                // Another workflow's jobs are another run.
                run.id = wanted ? j.workflow_id : j.workflow_id + 100 + by_run.size();
                run.name = j.workflow;
                run.event = j.workflow == "inductor-periodic" ? "schedule"
                            : j.workflow == "pull"            ? "pull_request"
                                                              : "push";
            }
            run.jobs.push_back({j.id, j.name, j.attempt});
        }
        for (auto& [key, run] : by_run) runs_.push_back(std::move(run));
        std::uint64_t decoy_id = 18000000000ULL;
        for (const char* event : {"workflow_run", "repository_dispatch"}) {
            api_run decoy{decoy_id, "inductor", event};
            const std::uint64_t job_id = 59000000000ULL + decoy_id % 100;
            decoy.jobs.push_back(
                {job_id, gpu_build + " / test (inductor_huggingface, 1, 1, linux.g5.4xlarge.nvidia.gpu)"});
            zip_writer zip;
            zip.add("test/test-reports/training_huggingface.csv",
                    "dev,name,batch_size,accuracy,graph_breaks\ncuda,PoisonModelFromADecoyRun,1,pass,0\n");
            write_file(
                artifacts_ / ("pytorch/pytorch/" + std::to_string(decoy_id) +
                              "/1/artifact/test-reports-test-inductor_huggingface-1-1-linux.g5.4xlarge.nvidia.gpu_" +
                              std::to_string(job_id) + ".zip"),
                zip.finish());
            runs_.push_back(std::move(decoy));
            ++decoy_id;
        }
    }

    api_run& run_named(std::string_view name, std::string_view event = "") {
        for (auto& r : runs_) {
            if (r.name == name && (event.empty() || r.event == event)) return r;
        }
        throw std::logic_error("no such run");
    }

    api_job& job_named(std::string_view part) {
        for (auto& r : runs_) {
            for (auto& j : r.jobs) {
                if (j.name.find(part) != std::string::npos) return j;
            }
        }
        throw std::logic_error("no such job");
    }

    // Scripts the runs listing in two pages and each run's jobs in pages of five, every page after
    // the first reachable only through the Link of the one before; with `etags`, each page has an
    // ETag and answers 304 to a request that names it. Returns the targets a correct client asks
    // for: the listing pages and the jobs pages of the wanted runs.
    std::set<std::string> script_api(bool etags = false) {
        const auto answer = [this, etags](const std::string& target, const std::string& body,
                                          testing::header_list headers = {}) {
            if (etags) headers.emplace_back("ETag", "\"" + std::to_string(std::hash<std::string>{}(target)) + "\"");
            api_->add_response("GET", target, 200, body, std::move(headers));
        };
        std::set<std::string> wanted{runs_target};
        std::vector<const api_run*> page1, page2;
        for (const auto& r : runs_) (page1.size() < runs_.size() / 2 ? page1 : page2).push_back(&r);
        page2.push_back(&run_named("inductor", "push"));  // listed twice, as when a new run shifts the pages
        const std::string runs_page2 = cursor_target("actions/runs", 2);
        first_runs_page_ = runs_body(page1);
        answer(runs_target, first_runs_page_, link_next(*api_, runs_page2));
        answer(runs_page2, runs_body(page2));
        wanted.insert(runs_page2);

        for (const auto& r : runs_) {
            const bool is_wanted = (r.name == "inductor" || r.name == "inductor-periodic") &&
                                   r.event != "workflow_run" && r.event != "repository_dispatch";
            std::string target = jobs_target(r.id);
            for (std::size_t first = 0, page = 1; first < r.jobs.size() || page == 1; first += 5, ++page) {
                std::string list;
                for (std::size_t i = first; i < std::min(first + 5, r.jobs.size()); ++i) {
                    list += (list.empty() ? "" : ",") + job_json(r.jobs[i]);
                }
                const std::string body =
                    "{\"total_count\":" + std::to_string(r.jobs.size()) + ",\"jobs\":[" + list + "]}";
                const std::string next =
                    cursor_target("actions/runs/" + std::to_string(r.id) + "/jobs", static_cast<int>(page + 1));
                if (is_wanted) wanted.insert(target);
                if (first + 5 < r.jobs.size()) {
                    answer(target, body, link_next(*api_, next));
                } else {
                    answer(target, body);
                }
                target = next;
            }
        }
        return wanted;
    }

    // The SHA, both servers, and the output directory.
    std::vector<std::string> api_args(std::vector<std::string> extra = {}) const {
        auto args = base_args();
        args.insert(args.end(), {"--query-url", api_->base_url()});
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    process_result run_with_token(const std::vector<std::string>& args, const std::string& variable = "GITHUB_TOKEN") {
        return run(args, {{variable, token}});
    }

    std::vector<std::string> api_targets() const {
        std::vector<std::string> out;
        for (const auto& r : api_->requests()) out.push_back(r.target);
        return out;
    }

    // Every API request is a GET with GitHub's headers and the token; no artifact request has any
    // credential; no output shows the token.
    void expect_hygiene(const process_result& r, bool with_token = true) const {
        for (const auto& q : api_->requests()) {
            EXPECT_EQ(q.method, "GET") << q.target;
            EXPECT_FALSE(q.header("User-Agent").empty()) << q.target;
            EXPECT_EQ(q.header("Accept"), "application/vnd.github+json") << q.target;
            EXPECT_EQ(q.header("X-GitHub-Api-Version"), "2022-11-28") << q.target;
            EXPECT_EQ(q.header("Authorization"), with_token ? "Bearer " + token : "") << q.target;
        }
        for (const auto& q : server_->requests()) {
            EXPECT_EQ(q.header("Authorization"), "") << "a credential went to the artifact host: " << q.target;
            for (const auto& [name, value] : q.headers) EXPECT_EQ(value.find(token), std::string::npos) << name;
        }
        EXPECT_EQ(r.out.find(token), std::string::npos) << r.out;
        EXPECT_EQ(r.err.find(token), std::string::npos) << r.err;
    }

    bool artifact_requested(std::string_view part) const {
        for (const auto& q : server_->requests()) {
            if (q.target.find(part) != std::string::npos) return true;
        }
        return false;
    }

    // Waits (bounded) until the binary says a rate limit makes it wait: the refusal has arrived.
    static bool wait_for_rate_limit_notice(child_process& child) {
        for (int i = 0; i < 2000; ++i) {
            if (child.peek_err().find("rate limited, waiting") != std::string::npos) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }

    std::unique_ptr<testing::server> api_;
    std::vector<api_run> runs_;
    std::string first_runs_page_;  // the body script_api() answers the runs listing with
};

TEST_F(GithubE2e, RowsComeFromLinkPagesOfWantedRunsOnlyAndEveryFileIsWritten) {
    const auto wanted = script_api();
    const auto r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_EQ(snap_.expected.size(), all_files().size());
    const auto asked = api_targets();
    EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()), wanted);
    EXPECT_EQ(asked.size(), wanted.size()) << "a page was asked twice";
    for (const auto& decoy :
         {run_named("inductor", "workflow_run").id, run_named("inductor", "repository_dispatch").id}) {
        EXPECT_EQ(std::count(asked.begin(), asked.end(), jobs_target(decoy)), 0);
    }
    EXPECT_FALSE(artifact_requested("18000000000"));
    EXPECT_EQ(read_file(out_ / "inductor_huggingface_training.csv").find("Poison"), std::string::npos);
    expect_hygiene(r);
    // A full SHA is used as given: nothing printed before the summary.
    EXPECT_EQ(r.out.find("commit "), std::string::npos) << r.out;
}

// docs/command.md, "The rerun cache": the cron rerun of a commit whose runs had completed asks the
// API once, conditionally (free of rate limit with a token), and nothing else.
TEST_F(GithubE2e, ARerunAsksTheRunsListingConditionallyAndNothingElse) {
    const auto wanted = script_api(true);
    auto r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const auto& q : api_->requests()) EXPECT_EQ(q.header("If-None-Match"), "") << q.target;
    // The answers are kept beside the artifacts, private to the user, without the token.
    std::size_t private_files = 0;
    const auto owner_only = fs::perms::owner_read | fs::perms::owner_write;
    for (const auto& e : fs::directory_iterator(cache_dir())) {
        const std::string content = read_file(e.path());
        EXPECT_EQ(content.find(token), std::string::npos) << e.path();
        if (!content.starts_with("update-expected api answer")) continue;  // an artifact's rows
        EXPECT_EQ(fs::status(e.path()).permissions() & fs::perms::all, owner_only) << e.path();
        ++private_files;
    }
    EXPECT_EQ(private_files, wanted.size());

    api_->clear_requests();
    server_->clear_requests();
    r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    // The listing's two pages, each answered 304; no jobs page, no artifact.
    const std::vector<std::string> listing{runs_target, cursor_target("actions/runs", 2)};
    EXPECT_EQ(api_targets(), listing);
    for (const auto& q : api_->requests()) EXPECT_FALSE(q.header("If-None-Match").empty()) << q.target;
    EXPECT_TRUE(server_->requests().empty());
    expect_hygiene(r);

    // --dry-run reads the kept answers and keeps nothing new; --no-cache neither reads nor keeps.
    const auto kept = std::distance(fs::directory_iterator(cache_dir()), fs::directory_iterator());
    api_->clear_requests();
    r = run_with_token(api_args({"--dry-run"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(api_targets(), listing);
    api_->clear_requests();
    r = run_with_token(api_args({"--no-cache"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(api_targets().size(), wanted.size());
    for (const auto& q : api_->requests()) EXPECT_EQ(q.header("If-None-Match"), "") << q.target;
    EXPECT_EQ(std::distance(fs::directory_iterator(cache_dir()), fs::directory_iterator()), kept);
}

TEST_F(GithubE2e, GhTokenIsReadWhenGithubTokenIsNotSetAndNoTokenIsFine) {
    script_api();
    auto r = run_with_token(api_args(), "GH_TOKEN");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_hygiene(r);
    api_->clear_requests();
    server_->clear_requests();
    fs::remove_all(out_);
    fs::create_directories(out_);
    r = run(api_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    expect_hygiene(r, false);
}

TEST_F(GithubE2e, AJobInProgressLeavesItsSuitePendingExits75AndTheOthersAreWritten) {
    job_named(gpu_build + " / test (inductor_timm, 2, 2,").status = "in_progress";
    script_api();
    const std::string old_file = "name,accuracy,graph_breaks\n\n\n\nOld,pass,1\n";
    write_file(out_ / "inductor_timm_training.csv", old_file);
    for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--allow-partial"}}) {
        const auto r = run_with_token(api_args(extra));
        EXPECT_EQ(r.exit_code, 75) << r.err;
        EXPECT_EQ(read_file(out_ / "inductor_timm_training.csv"), old_file);
        EXPECT_FALSE(fs::exists(out_ / "inductor_timm_inference.csv"));
        // The ROCm namesake is another baseline: written.
        expect_all_written({"inductor_timm_training.csv", "inductor_timm_inference.csv"});
        EXPECT_NE(r.err.find("inductor_timm shard 2/2: job "), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("has not completed yet (in_progress)"), std::string::npos) << r.err;
        EXPECT_NE(r.out.find("inductor_timm_training: shard 2/2 pending"), std::string::npos) << r.out;
        // Its artifact is not asked for, nor an older job's in its place.
        EXPECT_FALSE(artifact_requested("test-reports-test-inductor_timm-2-2-linux.g5")) << "fetched a running job";
        expect_hygiene(r);
    }
}

// With the github source, the GitHub-artifacts fallback asks the same API (docs/command.md).
TEST_F(GithubE2e, AShardS3LacksIsLookedForAmongItsRunsArtifactsOnTheQueryUrl) {
    script_api();
    const auto* gone = snap_.find_artifact("inductor_huggingface", 1);
    ASSERT_NE(gone, nullptr);
    fs::remove(artifacts_ / gone->path);
    const std::uint64_t run = run_named("inductor", "push").id;
    const std::string listing =
        "/repos/pytorch/pytorch/actions/runs/" + std::to_string(run) + "/artifacts?per_page=100";
    api_->add_response("GET", listing, 200,
                       R"({"total_count":1,"artifacts":[{"id":1,"name":"logs-x","expired":false}]})");
    const auto r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto asked = api_targets();
    EXPECT_EQ(std::count(asked.begin(), asked.end(), listing), 1);
    EXPECT_NE(r.err.find("is not among the run's artifacts"), std::string::npos) << r.err;
    expect_all_written({"inductor_huggingface_training.csv", "inductor_huggingface_inference.csv"});
    expect_hygiene(r);
}

TEST_F(GithubE2e, ACommitWithoutWantedRunsYetExits75AndWritesNothing) {
    api_run lint{17500000000ULL, "lint", "push"};
    lint.jobs.push_back({1, "lintrunner"});
    api_->add_response("GET", runs_target, 200, runs_body({&lint}));
    const auto r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_EQ(api_targets(), std::vector<std::string>{runs_target});
    EXPECT_NE(r.err.find("no wanted jobs"), std::string::npos) << r.err;
    expect_hygiene(r);
}

TEST_F(GithubE2e, ARateLimitResetTwoSecondsAwayIsWaitedFor) {
    const auto wanted = script_api();
    // The first request meets the limit; once it has been answered, the listing is back.
    const auto reset = std::time(nullptr) + 2;
    api_->add_response("GET", runs_target, 403, "{\"message\":\"API rate limit exceeded for user ID 1.\"}",
                       {{"x-ratelimit-limit", "5000"},
                        {"x-ratelimit-remaining", "0"},
                        {"x-ratelimit-reset", std::to_string(reset)},
                        {"x-ratelimit-resource", "core"}});
    child_process child(binary_, api_args(), environment({{"GITHUB_TOKEN", token}}), dir_);
    ASSERT_TRUE(wait_for_rate_limit_notice(child)) << child.peek_err();
    api_->add_response("GET", runs_target, 200, first_runs_page_, link_next(*api_, cursor_target("actions/runs", 2)));
    const auto r = child.wait(std::chrono::seconds(60));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    const auto asked = api_targets();
    EXPECT_EQ(std::count(asked.begin(), asked.end(), runs_target), 2);
    EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()), wanted);
    EXPECT_NE(r.err.find("warning: GitHub API"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("rate limit"), std::string::npos) << r.err;
    expect_hygiene(r);
}

TEST_F(GithubE2e, ARateLimitAnHourAwayExits3NamingTheResetTime) {
    const auto reset = std::time(nullptr) + 3600;
    api_->add_response("GET", runs_target, 403, "{\"message\":\"API rate limit exceeded\"}",
                       {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(reset)}});
    // The reset time as the message names it: the policy waits one second past it.
    auto names_reset = [&](const std::string& err) {
        return err.find(epoch_text(reset)) != std::string::npos || err.find(epoch_text(reset + 1)) != std::string::npos;
    };
    auto r = run(api_args());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_TRUE(names_reset(r.err)) << r.err;
    EXPECT_NE(r.err.find("GITHUB_TOKEN"), std::string::npos) << "no hint at the higher limit: " << r.err;
    EXPECT_EQ(api_targets(), std::vector<std::string>{runs_target}) << "asked a rate-limited API again";
    expect_hygiene(r, false);

    api_->clear_requests();
    r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(names_reset(r.err)) << r.err;
    EXPECT_EQ(api_targets(), std::vector<std::string>{runs_target});
    expect_hygiene(r);

    // A 429 says the same, asked once too: the transport leaves a spent quota to the source's rules.
    api_->clear_requests();
    api_->add_response("GET", runs_target, 429, "{\"message\":\"API rate limit exceeded\"}",
                       {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(reset)}});
    r = run_with_token(api_args());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(names_reset(r.err)) << r.err;
    EXPECT_EQ(api_targets(), std::vector<std::string>{runs_target}) << "asked a rate-limited API again";
    EXPECT_TRUE(all_files().empty());
}

TEST_F(GithubE2e, SigintEndsARateLimitWaitAtOnce) {
    api_->add_response(
        "GET", runs_target, 403, "{\"message\":\"API rate limit exceeded\"}",
        {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(std::time(nullptr) + 50)}});
    child_process child(binary_, api_args(), environment({{"GITHUB_TOKEN", token}}), dir_);
    ASSERT_TRUE(wait_for_rate_limit_notice(child)) << child.peek_err();
    const auto sent = std::chrono::steady_clock::now();
    child.send_signal(SIGINT);
    const auto r = child.wait(std::chrono::seconds(20));
    EXPECT_FALSE(r.timed_out);
    EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10)) << "waited for the limit anyway";
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_TRUE(all_files().empty());
    expect_hygiene(r);
}

TEST_F(GithubE2e, TheApiHostIsWarmedForEachWantedWorkflowWhileTheRunsListingIsOnItsWay) {
    script_api();
    // The listing never answers: any other connection the API host sees was opened ahead of need.
    api_->stall(testing::stall_point::before_headers, "/repos/pytorch/pytorch/actions/runs");
    child_process child(binary_, api_args(), environment(), dir_);
    // The listing's connection, and one per wanted workflow; all there while the listing waits.
    bool warmed = false;
    for (int i = 0; i < 1000 && !warmed; ++i) {
        warmed = api_->stats().connections_accepted >= 3 && !api_->requests().empty();
        if (!warmed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(warmed) << api_->stats().connections_accepted << " connection(s) to the API host";
    child.send_signal(SIGTERM);
    const auto r = child.wait(std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 143) << r.err;
    EXPECT_EQ(api_targets(), std::vector<std::string>{runs_target}) << "a warmed connection sent a request";
}

TEST_F(GithubE2e, AShortShaIsResolvedPrintedAndUsed) {
    auto wanted = script_api();
    const std::string commit_target = "/repos/pytorch/pytorch/commits/0123456?per_page=1";
    api_->add_response("GET", commit_target, 200,
                       "{\"sha\":\"" + std::string(sha) + "\",\"commit\":{\"message\":\"x\"},\"files\":[]}");
    wanted.insert(commit_target);
    auto args = api_args();
    args[0] = "0123456";
    const auto r = run_with_token(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_TRUE(r.out.starts_with("commit " + std::string(sha) + " (resolved from 0123456)\n")) << r.out;
    EXPECT_NE(r.out.find("update-expected " + std::string(sha).substr(0, 12)), std::string::npos) << r.out;
    const auto asked = api_targets();
    ASSERT_FALSE(asked.empty());
    EXPECT_EQ(asked.front(), commit_target);
    EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()), wanted);
    expect_hygiene(r);
}

TEST_F(GithubE2e, AnUnknownShortShaExits3NamingIt) {
    api_->add_response("GET", "/repos/pytorch/pytorch/commits/fedcba9?per_page=1", 422,
                       "{\"message\":\"No commit found for SHA: fedcba9\"}");
    auto args = api_args();
    args[0] = "fedcba9";
    const auto r = run_with_token(args);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("fedcba9"), std::string::npos) << r.err;
    EXPECT_TRUE(all_files().empty());
    expect_hygiene(r);
}

TEST_F(GithubE2e, LatestSkipsRunsStillInProgressAndFollowsTheBranch) {
    auto wanted = script_api();
    const std::string newer = "fedcba9876543210fedcba9876543210fedcba98";
    const std::string target =
        "/repos/pytorch/pytorch/actions/workflows/inductor.yml/"
        "runs?branch=viable%2Fstrict&event=push&status=completed&per_page=100";
    const std::string page2 = cursor_target("actions/workflows/inductor.yml/runs", 2);
    api_run running{17900000000ULL, "inductor", "push", newer, "in_progress"};
    api_run done{17000000001ULL, "inductor", "push", std::string(sha), "completed"};
    api_->add_response("GET", target, 200, runs_body({&running}), link_next(*api_, page2));
    api_->add_response("GET", page2, 200, runs_body({&done}));
    wanted.insert(target);
    wanted.insert(page2);
    auto args = api_args({"--branch", "viable/strict"});
    args[0] = "latest";
    const auto r = run_with_token(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_TRUE(
        r.out.starts_with("commit " + std::string(sha) + " (latest completed inductor push run on viable/strict)\n"))
        << r.out;
    const auto asked = api_targets();
    EXPECT_EQ(std::set<std::string>(asked.begin(), asked.end()), wanted);
    for (const auto& t : asked) EXPECT_EQ(t.find(newer), std::string::npos) << t;
    expect_hygiene(r);
}

TEST_F(GithubE2e, RefusedOrEchoingAnswersNeverShowTheToken) {
    // A 401 whose body echoes the request, and a 422 (not retried) that does the same on a jobs page.
    const std::string echo = "{\"message\":\"Bad credentials\",\"request\":\"Authorization: Bearer " + token + "\"}";
    api_->add_response("GET", runs_target, 401, echo);
    auto r = run_with_token(api_args({"--verbose"}));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("authentication refused"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(api_->url("/repos/pytorch/pytorch/actions/runs")), std::string::npos) << r.err;
    expect_hygiene(r);

    script_api();
    api_->add_response("GET", jobs_target(run_named("inductor", "push").id), 422, echo);
    r = run_with_token(api_args({"--verbose"}));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("HTTP 422"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("<redacted>"), std::string::npos) << r.err;
    EXPECT_TRUE(all_files().empty());
    expect_hygiene(r);
}

TEST_F(GithubE2e, AVerboseRunShowsNoToken) {
    script_api();
    const auto r = run_with_token(api_args({"--verbose"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("candidate 1 of"), std::string::npos) << r.err;
    expect_hygiene(r);
}

TEST_F(GithubE2e, TheClickhouseSecretNeverShowsEvenWhenEchoed) {
    const std::string basic = "cmVhZGVyOnMzY3IzdC12YWx1ZQ==";  // reader:s3cr3t-value
    api_->add_response("POST", "/query", 400,
                       "bad request; Authorization: Basic " + basic + " (password s3cr3t-value)");
    auto args = base_args();
    args.insert(args.end(), {"--source", "clickhouse", "--query-url", api_->url("/query"), "--verbose"});
    const auto r = run(args, {{"CH_KEY_ID", "reader"}, {"CH_KEY_SECRET", "s3cr3t-value"}, {"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("HTTP 400"), std::string::npos) << r.err;
    for (const std::string& secret : {basic, std::string("s3cr3t-value"), token}) {
        EXPECT_EQ(r.err.find(secret), std::string::npos) << r.err;
        EXPECT_EQ(r.out.find(secret), std::string::npos) << r.out;
    }
    const auto requests = api_->requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].header("Authorization"), "Basic " + basic);  // the key goes to its own host only
    for (const auto& q : server_->requests()) EXPECT_EQ(q.header("Authorization"), "") << q.target;
}

// --allow-partial: the suite's shards 1 and 3 deliver, shard 2 is not there. Rows that arrived
// replace their namesakes in the existing file; every other row stays; the exit status is still 1.
TEST_F(GithubE2e, AllowPartialMergesWhatArrivedIntoTheExistingFileAndExits1) {
    const std::string suite = "dynamic_aot_eager_huggingface";
    auto shard_zip = [](const std::string& training_rows, const std::string& inference_rows) {
        zip_writer zip;
        zip.add("test/test-reports/training_huggingface.csv",
                "dev,name,batch_size,accuracy,graph_breaks\n" + training_rows);
        zip.add("test/test-reports/inference_huggingface.csv",
                "dev,name,batch_size,accuracy,graph_breaks\n" + inference_rows);
        return zip.finish();
    };
    replace_artifact(suite, 1,
                     shard_zip("cuda,AlbertForMaskedLM,4,pass,3\ncuda,BertForMaskedLM,4,fail_accuracy,0\n",
                               "cuda,AlbertForMaskedLM,4,pass,1\n"));
    replace_artifact(suite, 3, shard_zip("cuda,T5Small,4,pass,\n", "cuda,T5Small,4,pass,2\n"));
    remove_artifact(suite, 2);
    const std::string existing =
        expected_layout({"name,accuracy,graph_breaks,calls_captured", "AlbertForMaskedLM,pass,9,40",
                         "DistilBertForMaskedLM,pass,5,12", "T5Small,fail_to_run,0,7"});
    write_file(out_ / (suite + "_training.csv"), existing);

    // S3 only: this fixture has no GitHub for the jobs file's runs.
    auto r = run(file_args({"--no-github-artifacts"}));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(read_file(out_ / (suite + "_training.csv")), existing) << "merged without --allow-partial";

    r = run(file_args({"--no-github-artifacts", "--allow-partial"}));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(
        read_file(out_ / (suite + "_training.csv")),
        expected_layout({"name,accuracy,graph_breaks,calls_captured", "AlbertForMaskedLM,pass,3,",
                         "BertForMaskedLM,fail_accuracy,0,", "DistilBertForMaskedLM,pass,5,12", "T5Small,pass,0,"}));
    // No existing file: the rows that arrived.
    EXPECT_EQ(read_file(out_ / (suite + "_inference.csv")),
              expected_layout({"name,accuracy,graph_breaks", "AlbertForMaskedLM,pass,1", "T5Small,pass,2"}));
    expect_all_written({suite + "_training.csv", suite + "_inference.csv"});
    EXPECT_NE(r.out.find(suite + "_training: shard 2/3 not there, merged"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ue::test
