// The GitHub source against a scripted GitHub API on the local test server.

#include "update_expected/sources/github.hpp"

#include "update_expected/jobs/error.hpp"
#include "test_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace ue::sources {
namespace {

using std::chrono::seconds;

const std::string sha = "0123456789abcdef0123456789abcdef01234567";
const std::string token = "ghp_TOPSECRET";
// The wall clock the tests pretend: 2026-11-24 18:00:00 UTC.
const std::int64_t epoch = 1795543200;

std::string run_json(std::uint64_t id, std::string_view name, std::string_view event,
                     std::string_view status = "completed", std::string_view head = sha) {
    return fmt::format(R"({{"id":{},"name":"{}","run_attempt":1,"status":"{}","conclusion":null,"event":"{}",)"
                       R"("head_sha":"{}","repository":{{"full_name":"o/r"}}}})",
                       id, name, status, event, head);
}

std::string job_json(std::uint64_t id, std::string_view name, unsigned attempt, std::string_view status) {
    return fmt::format(R"({{"id":{},"run_attempt":{},"name":"{}","status":"{}","conclusion":{},"steps":[]}})", id,
                       attempt, name, status, status == "completed" ? R"("success")" : "null");
}

std::string runs_body(std::initializer_list<std::string> runs) {
    std::string list;
    for (const auto& r : runs) list += (list.empty() ? "" : ",") + r;
    return fmt::format(R"({{"total_count":{},"workflow_runs":[{}]}})", runs.size(), list);
}

std::string jobs_body(std::initializer_list<std::string> jobs) {
    std::string list;
    for (const auto& j : jobs) list += (list.empty() ? "" : ",") + j;
    return fmt::format(R"({{"total_count":{},"jobs":[{}]}})", jobs.size(), list);
}

testing::header_list link_next(const std::string& url) { return {{"Link", fmt::format(R"(<{}>; rel="next")", url)}}; }

const std::string runs_target = "/repos/o/r/actions/runs?head_sha=" + sha + "&per_page=100";
std::string jobs_target(std::uint64_t run) {
    return fmt::format("/repos/o/r/actions/runs/{}/jobs?filter=all&per_page=100", run);
}

class GithubSource : public ::testing::Test {
protected:
    GithubSource() {
        net::client_options options;
        options.tls.ca_file = server_.ca_file().string();
        options.timeouts = net::deadlines::all(std::chrono::milliseconds(10'000));
        client_.emplace(io_, options);
        settings_.api_base = net::url::from(server_.base_url());
        settings_.repo = "o/r";
        settings_.token = token;
        settings_.now = [] { return std::chrono::system_clock::time_point(seconds(epoch)); };
        settings_.notice = [this](const std::string& line) { notices_.push_back(line); };
    }

    rows_answer rows(std::vector<std::string> workflows = {"inductor", "inductor-periodic"}) {
        std::optional<rows_answer> answer;
        fetch_github_rows(io_, *client_, {settings_, sha, std::move(workflows)}, [&](rows_answer a) {
            answer = std::move(a);
            io_.stop();  // idle pooled connections would keep run_for() busy
        });
        run();
        EXPECT_TRUE(answer.has_value()) << "fetch_github_rows did not finish";
        return answer.value_or(rows_answer{});
    }

    sha_answer resolve(std::string ref) {
        std::optional<sha_answer> answer;
        resolve_commit(io_, *client_, settings_, std::move(ref), [&](sha_answer a) {
            answer = std::move(a);
            io_.stop();
        });
        run();
        EXPECT_TRUE(answer.has_value()) << "resolve_commit did not finish";
        return answer.value_or(sha_answer{});
    }

    sha_answer latest(std::string workflow, std::string branch) {
        std::optional<sha_answer> answer;
        latest_commit(io_, *client_, settings_, std::move(workflow), std::move(branch), [&](sha_answer a) {
            answer = std::move(a);
            io_.stop();
        });
        run();
        EXPECT_TRUE(answer.has_value()) << "latest_commit did not finish";
        return answer.value_or(sha_answer{});
    }

    artifacts_answer artifacts(std::uint64_t run_id) {
        std::optional<artifacts_answer> answer;
        list_run_artifacts(io_, *client_, settings_, run_id, [&](artifacts_answer a) {
            answer = std::move(a);
            io_.stop();
        });
        run();
        EXPECT_TRUE(answer.has_value()) << "list_run_artifacts did not finish";
        return answer.value_or(artifacts_answer{});
    }

    void run() {
        io_.restart();
        io_.run_for(seconds(60));
    }

    std::vector<std::string> targets(const testing::server& s) const {
        std::vector<std::string> out;
        for (const auto& r : s.requests()) out.push_back(r.target);
        return out;
    }

    // Every request carries GitHub's headers; the token goes to the API's server and nowhere else.
    void expect_headers(const testing::server& s, bool with_token) const {
        for (const auto& r : s.requests()) {
            EXPECT_EQ(r.method, "GET");
            EXPECT_FALSE(r.header("User-Agent").empty()) << r.target;
            EXPECT_EQ(r.header("Accept"), "application/vnd.github+json") << r.target;
            EXPECT_EQ(r.header("X-GitHub-Api-Version"), "2022-11-28") << r.target;
            EXPECT_EQ(r.header("Authorization"), with_token ? "Bearer " + token : "") << r.target;
        }
    }

    void expect_no_token_in(const std::string& text) const { EXPECT_EQ(text.find(token), std::string::npos) << text; }

    testing::server server_;
    boost::asio::io_context io_;
    std::optional<net::client> client_;
    github_settings settings_;
    std::vector<std::string> notices_;
};

TEST_F(GithubSource, RowsFollowLinkCursorsSkipDecoysAndKeepJobStatus) {
    // Page links carry opaque cursors: building `&page=2` would get the server's 404.
    const std::string runs_page2 =
        "/repositories/9/actions/runs?head_sha=" + sha + "&per_page=100&after=Y3Vyc29yOjE%3D";
    server_.add_response(
        "GET", runs_target, 200,
        runs_body({run_json(100, "inductor", "push"), run_json(101, "inductor", "workflow_run"),
                   run_json(102, "pull", "pull_request"), run_json(104, "inductor", "repository_dispatch")}),
        link_next(server_.url(runs_page2)));
    server_.add_response(
        "GET", runs_page2, 200,
        runs_body({run_json(103, "inductor-periodic", "schedule", "in_progress"), run_json(100, "inductor", "push")}));
    const std::string jobs_page2 = "/repositories/9/actions/runs/100/jobs?filter=all&per_page=100&cursor=Zm9vYmFy";
    server_.add_response("GET", jobs_target(100), 200,
                         jobs_body({job_json(1001, "cuda / test (inductor_timm, 1, 2, m)", 1, "completed"),
                                    job_json(1002, "cuda / test (inductor_timm, 2, 2, m)", 1, "completed")}),
                         link_next(server_.url(jobs_page2)));
    server_.add_response("GET", jobs_page2, 200,
                         jobs_body({job_json(1003, "cuda / test (inductor_timm, 2, 2, m)", 2, "in_progress")}));
    // The decoys' jobs would give wrong rows if they were ever asked for.
    for (std::uint64_t decoy : {101u, 102u, 104u}) {
        server_.add_response("GET", jobs_target(decoy), 200,
                             jobs_body({job_json(6666, "cuda / test (inductor_timm, 1, 2, m)", 9, "completed")}));
    }
    server_.add_response("GET", jobs_target(103), 200,
                         jobs_body({job_json(1031, "cpu / test (cpu_inductor_timm, 1, 1, c)", 1, "queued")}));

    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    ASSERT_EQ(answer.rows.size(), 4u);
    const std::vector<std::uint64_t> ids{answer.rows[0].id, answer.rows[1].id, answer.rows[2].id, answer.rows[3].id};
    EXPECT_EQ(ids, (std::vector<std::uint64_t>{1001, 1002, 1003, 1031}));
    EXPECT_EQ(answer.rows[0].workflow_name, "inductor");
    EXPECT_EQ(answer.rows[0].workflow_id, 100u);
    EXPECT_EQ(answer.rows[0].job_name, "cuda / test (inductor_timm, 1, 2, m)");
    EXPECT_TRUE(answer.rows[1].completed);
    EXPECT_EQ(answer.rows[2].run_attempt, 2u);
    EXPECT_FALSE(answer.rows[2].completed);
    EXPECT_EQ(answer.rows[3].workflow_name, "inductor-periodic");
    EXPECT_EQ(answer.rows[3].workflow_id, 103u);
    EXPECT_FALSE(answer.rows[3].completed);

    auto asked = targets(server_);
    std::sort(asked.begin(), asked.end());
    std::vector<std::string> expected{runs_target, runs_page2, jobs_target(100), jobs_page2, jobs_target(103)};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(asked, expected);
    expect_headers(server_, true);
}

// An answer with an ETag, then 304 to a request that names it (as GitHub's API does).
testing::server::handler conditional(std::string etag, std::string body, testing::header_list headers = {}) {
    return [etag, body, headers](const testing::recorded_request& q) {
        if (q.header("if-none-match") == etag) return testing::answer{304, "", {{"ETag", etag}}};
        auto all = headers;
        all.emplace_back("ETag", etag);
        return testing::answer{200, body, all};
    };
}

std::vector<std::string> if_none_match(const testing::server& s) {
    std::vector<std::string> out;
    for (const auto& q : s.requests()) out.push_back(q.header("if-none-match"));
    return out;
}

class RememberingGithubSource : public GithubSource {
protected:
    RememberingGithubSource() {
        settings_.memory.recall = [this](const std::string& url) -> std::optional<remembered_answer> {
            const auto found = memory_.find(url);
            if (found == memory_.end()) return std::nullopt;
            return found->second;
        };
        settings_.memory.keep = [this](const std::string& url, remembered_answer a) { memory_[url] = std::move(a); };
    }
    std::map<std::string, remembered_answer> memory_;
};

// docs/command.md, "The rerun cache": a rerun asks with If-None-Match; when the runs listing is
// unchanged and its wanted runs had completed, their jobs are known without asking.
TEST_F(RememberingGithubSource, AnUnchangedListingOfCompletedRunsCostsOneConditionalRequest) {
    const std::string jobs_page2 = "/repositories/9/actions/runs/100/jobs?filter=all&per_page=100&cursor=Zm9v";
    server_.add_handler("GET", "/repos/o/r/actions/runs",
                        conditional("W/\"runs1\"", runs_body({run_json(100, "inductor", "push")})));
    server_.add_handler(
        "GET", "/repos/o/r/actions/runs/100/jobs",
        conditional("\"jobs1\"", jobs_body({job_json(1001, "b / test (inductor_timm, 1, 2, m)", 1, "completed")}),
                    link_next(server_.url(jobs_page2))));
    server_.add_handler(
        "GET", "/repositories/9/actions/runs/100/jobs",
        conditional("\"jobs2\"", jobs_body({job_json(1002, "b / test (inductor_timm, 2, 2, m)", 1, "completed")})));
    const auto first = rows();
    ASSERT_TRUE(first.ok()) << first.message;
    ASSERT_EQ(first.rows.size(), 2u);
    EXPECT_EQ(memory_.size(), 3u);
    EXPECT_EQ(if_none_match(server_), (std::vector<std::string>{"", "", ""}));

    server_.clear_requests();
    const auto again = rows();
    ASSERT_TRUE(again.ok()) << again.message;
    EXPECT_EQ(again.rows, first.rows);
    EXPECT_EQ(targets(server_), std::vector<std::string>{runs_target});
    EXPECT_EQ(if_none_match(server_), std::vector<std::string>{"W/\"runs1\""});
    for (const auto& [url, a] : memory_) EXPECT_EQ(a.body.find(token), std::string::npos) << url;
}

// Remembered jobs that do not show the run's completed state (kept while it ran, under another
// runs listing) are asked for again, however unchanged the runs listing.
TEST_F(RememberingGithubSource, RememberedJobsOfAnOlderStateAreAskedForAgain) {
    const std::string runs_url = server_.url(runs_target);
    const std::string jobs_url = server_.url(jobs_target(100));
    memory_[runs_url] = {"\"r1\"", "", runs_body({run_json(100, "inductor", "push")})};
    memory_[jobs_url] = {"\"j1\"", "", jobs_body({job_json(1001, "b / test (inductor_timm, 1, 1, m)", 1, "queued")})};
    server_.add_handler("GET", "/repos/o/r/actions/runs", conditional("\"r1\"", "{}"));
    server_.add_handler(
        "GET", "/repos/o/r/actions/runs/100/jobs",
        conditional("\"j2\"", jobs_body({job_json(1001, "b / test (inductor_timm, 1, 1, m)", 1, "completed")})));
    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    ASSERT_EQ(answer.rows.size(), 1u);
    EXPECT_TRUE(answer.rows[0].completed);
    EXPECT_EQ(if_none_match(server_), (std::vector<std::string>{"\"r1\"", "\"j1\""}));
}

// A runs listing is kept only with its jobs: one whose jobs could not be had is not remembered.
TEST_F(RememberingGithubSource, ARunsListingWhoseJobsFailedIsNotKept) {
    server_.add_handler("GET", "/repos/o/r/actions/runs",
                        conditional("\"r2\"", runs_body({run_json(100, "inductor", "push")})));
    server_.add_response("GET", jobs_target(100), 500, "{}");
    EXPECT_FALSE(rows().ok());
    EXPECT_EQ(memory_.count(server_.url(runs_target)), 0u);
}

// A damaged remembered answer is forgotten: asked for again, whole.
TEST_F(RememberingGithubSource, ARememberedAnswerThatDoesNotDecodeIsAskedForAgain) {
    memory_[server_.url(runs_target)] = {"\"r1\"", "", "{\"workflow_runs\": [tru"};
    server_.add_handler("GET", "/repos/o/r/actions/runs", conditional("\"r1\"", runs_body({})));
    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(if_none_match(server_), (std::vector<std::string>{"\"r1\"", ""}));
}

TEST_F(RememberingGithubSource, ARunNotCompletedHasItsJobsAskedAgainConditionally) {
    server_.add_handler("GET", "/repos/o/r/actions/runs",
                        conditional("\"runs1\"", runs_body({run_json(100, "inductor", "push", "in_progress")})));
    server_.add_handler(
        "GET", "/repos/o/r/actions/runs/100/jobs",
        conditional("\"jobs1\"", jobs_body({job_json(1001, "b / test (inductor_timm, 1, 1, m)", 1, "queued")})));
    ASSERT_TRUE(rows().ok());
    server_.clear_requests();
    const auto again = rows();
    ASSERT_TRUE(again.ok()) << again.message;
    ASSERT_EQ(again.rows.size(), 1u);
    EXPECT_FALSE(again.rows[0].completed);
    EXPECT_EQ(targets(server_), (std::vector<std::string>{runs_target, jobs_target(100)}));
    EXPECT_EQ(if_none_match(server_), (std::vector<std::string>{"\"runs1\"", "\"jobs1\""}));

    // A listing that changed is the new answer, and is remembered in place of the old one.
    server_.add_handler(
        "GET", "/repos/o/r/actions/runs/100/jobs",
        conditional("\"jobs2\"", jobs_body({job_json(1001, "b / test (inductor_timm, 1, 1, m)", 1, "completed")})));
    const auto changed = rows();
    ASSERT_TRUE(changed.ok()) << changed.message;
    EXPECT_TRUE(changed.rows.at(0).completed);
    EXPECT_EQ(memory_.at(server_.url(jobs_target(100))).etag, "\"jobs2\"");
}

TEST_F(GithubSource, ACommitWithoutWantedRunsGivesNoRows) {
    server_.add_response("GET", runs_target, 200, runs_body({run_json(7, "lint", "push")}));
    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_TRUE(answer.rows.empty());
    EXPECT_EQ(targets(server_), std::vector<std::string>{runs_target});
}

TEST_F(GithubSource, TheTokenNeverLeavesTheApiOrigin) {
    // A Link to another origin, and a redirect there: both followed, neither with the token.
    testing::server_options plain;
    plain.tls = false;
    testing::server other(plain);
    server_.add_response("GET", runs_target, 200, runs_body({}), link_next(other.url("/runs/2")));
    other.add_response("GET", "/runs/2", 200, runs_body({run_json(5, "inductor", "push")}));
    server_.add_response("GET", jobs_target(5), 301, "", {{"Location", other.url("/jobs/5")}});
    other.add_response("GET", "/jobs/5", 200,
                       jobs_body({job_json(51, "b / test (inductor_timm, 1, 1, m)", 1, "completed")}));

    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    ASSERT_EQ(answer.rows.size(), 1u);
    EXPECT_EQ(answer.rows[0].id, 51u);
    EXPECT_EQ(targets(server_), (std::vector<std::string>{runs_target, jobs_target(5)}));
    EXPECT_EQ(targets(other), (std::vector<std::string>{"/runs/2", "/jobs/5"}));
    expect_headers(server_, true);
    expect_headers(other, false);
}

TEST_F(GithubSource, WaitsForARateLimitResetTwoSecondsAway) {
    server_.add_response("GET", runs_target, 403, R"({"message":"API rate limit exceeded"})",
                         {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(epoch + 2)}});
    // The answer changes while the call waits, as GitHub's does at the reset.
    settings_.notice = [this](const std::string& line) {
        notices_.push_back(line);
        server_.add_response("GET", runs_target, 200, runs_body({}));
    };
    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(targets(server_), (std::vector<std::string>{runs_target, runs_target}));
    ASSERT_EQ(notices_.size(), 1u);
    EXPECT_NE(notices_[0].find("rate limited, waiting 3 s"), std::string::npos) << notices_[0];
    expect_no_token_in(notices_[0]);
    expect_headers(server_, true);
}

TEST_F(GithubSource, GivesUpOnARateLimitAnHourAwayNamingTheReset) {
    server_.add_response("GET", runs_target, 429, R"({"message":"API rate limit exceeded"})",
                         {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(epoch + 3600)}});
    settings_.token.clear();
    const auto answer = rows();
    EXPECT_EQ(answer.code, error::rate_limited);
    EXPECT_NE(answer.message.find("until 2026-11-24 19:00:01 UTC"), std::string::npos) << answer.message;
    EXPECT_NE(answer.message.find("GITHUB_TOKEN"), std::string::npos) << answer.message;
    EXPECT_NE(answer.message.find(server_.url(runs_target)), std::string::npos) << answer.message;
    EXPECT_EQ(server_.requests().size(), 1u);
    expect_headers(server_, false);
}

TEST_F(GithubSource, ARateLimitWaitEndsAtOnceWhenCancelled) {
    server_.add_response("GET", runs_target, 403, R"({"message":"API rate limit exceeded"})",
                         {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(epoch + 50)}});
    settings_.canceller = std::make_shared<wait_canceller>();
    settings_.notice = [this](const std::string&) {
        // As a SIGINT handler would, once the call waits.
        boost::asio::post(io_, [this] {
            settings_.canceller->cancel();
            client_->cancel();
        });
    };
    const auto answer = rows();
    EXPECT_EQ(answer.code, net::error::cancelled);
    // Without the canceller the wait would run its 51 s and the retry fail in the client instead.
    EXPECT_NE(answer.message.find("cancelled while waiting for the rate limit"), std::string::npos) << answer.message;
    EXPECT_EQ(server_.requests().size(), 1u);
}

TEST_F(GithubSource, BacksOffFromASecondaryRateLimit) {
    settings_.rate_limits.secondary_wait = std::chrono::milliseconds(10);
    server_.add_response("GET", runs_target, 403, R"({"message":"You have exceeded a secondary rate limit."})",
                         {{"x-ratelimit-remaining", "4990"}});
    settings_.notice = [this](const std::string& line) {
        notices_.push_back(line);
        if (notices_.size() == 2) server_.add_response("GET", runs_target, 200, runs_body({}));
    };
    const auto answer = rows();
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(server_.requests().size(), 3u);
    ASSERT_EQ(notices_.size(), 2u);
    EXPECT_NE(notices_[1].find("secondary rate limit, waiting 1 s"), std::string::npos) << notices_[1];
}

TEST_F(GithubSource, RefusedCredentialsFailWithoutShowingThem) {
    server_.add_response("GET", runs_target, 401, R"({"message":"Bad credentials"})");
    auto answer = rows();
    EXPECT_EQ(answer.code, error::authentication_refused);
    EXPECT_NE(answer.message.find("HTTP 401"), std::string::npos) << answer.message;
    expect_no_token_in(answer.message);

    server_.add_response("GET", runs_target, 403, R"({"message":"Resource not accessible by integration"})",
                         {{"x-ratelimit-remaining", "4999"}});
    answer = rows();
    EXPECT_EQ(answer.code, error::authentication_refused);
    expect_no_token_in(answer.message);
}

TEST_F(GithubSource, AMalformedAnswerFailsNamingTheUrl) {
    server_.add_response("GET", runs_target, 200, R"({"workflow_runs":[{"id":1,)");
    auto answer = rows();
    EXPECT_EQ(answer.code, jobs::error::malformed_json);
    EXPECT_NE(answer.message.find(server_.url(runs_target)), std::string::npos) << answer.message;

    server_.add_response("GET", runs_target, 200, R"({"message":"Not Found"})");
    answer = rows();
    EXPECT_EQ(answer.code, jobs::error::wrong_shape);
    EXPECT_NE(answer.message.find("workflow_runs"), std::string::npos) << answer.message;
}

TEST_F(GithubSource, AFailingJobsListingFailsTheRowsAfterTheOthersEnd) {
    server_.add_response("GET", runs_target, 200,
                         runs_body({run_json(1, "inductor", "push"), run_json(2, "inductor", "push")}));
    server_.add_response("GET", jobs_target(1), 500, "oops");
    server_.add_response("GET", jobs_target(2), 200, jobs_body({}));
    const auto answer = rows();
    EXPECT_EQ(answer.code, error::source_refused);
    EXPECT_NE(answer.message.find("HTTP 500"), std::string::npos) << answer.message;
    EXPECT_TRUE(answer.rows.empty());
    EXPECT_EQ(server_.requests().size(), 3u);
}

TEST_F(GithubSource, ALinkLoopIsBounded) {
    settings_.max_pages = 3;
    server_.add_response("GET", runs_target, 200, runs_body({}), link_next(server_.url(runs_target)));
    const auto answer = rows();
    EXPECT_EQ(answer.code, jobs::error::too_large);
    EXPECT_EQ(server_.requests().size(), 3u);
}

// GitHub's numbered listing of run 100's jobs: `page` of `pages`, linking to the next and the last.
std::string numbered_jobs_page(std::uint64_t page) {
    return fmt::format("/repositories/9/actions/runs/100/jobs?filter=all&per_page=100&page={}", page);
}
testing::header_list numbered_links(const testing::server& s, std::uint64_t next, std::uint64_t last) {
    return {{"Link", fmt::format(R"(<{}>; rel="next", <{}>; rel="last")", s.url(numbered_jobs_page(next)),
                                 s.url(numbered_jobs_page(last)))}};
}

std::vector<std::uint64_t> ids_of(const rows_answer& answer) {
    std::vector<std::uint64_t> ids;
    for (const auto& row : answer.rows) ids.push_back(row.id);
    return ids;
}

TEST_F(GithubSource, AsksTheNumberedPagesOfAListingAtOnce) {
    server_.add_response("GET", runs_target, 200, runs_body({run_json(100, "inductor", "push")}));
    server_.add_response("GET", jobs_target(100), 200, jobs_body({}), numbered_links(server_, 2, 4));
    for (std::uint64_t page = 2; page <= 4; ++page)
        server_.add_response("GET", numbered_jobs_page(page), 200, jobs_body({}));
    // Page 2 is never answered: pages 3 and 4 are asked only if they are asked beside it.
    server_.stall(testing::stall_point::before_headers, numbered_jobs_page(2));
    bool ended = false;
    fetch_github_rows(io_, *client_, {settings_, sha, {"inductor"}}, [&](rows_answer) {
        ended = true;
        io_.stop();
    });
    const auto asked = [this](std::uint64_t page) {
        const auto all = targets(server_);
        return std::find(all.begin(), all.end(), numbered_jobs_page(page)) != all.end();
    };
    boost::asio::steady_timer poll(io_);
    std::function<void()> look = [&] {
        if (asked(3) && asked(4)) return client_->cancel();  // ends the stalled request: the rows end
        poll.expires_after(std::chrono::milliseconds(5));
        poll.async_wait([&](boost::system::error_code) { look(); });
    };
    look();
    run();
    EXPECT_TRUE(asked(2));
    EXPECT_TRUE(asked(3) && asked(4)) << "pages 3 and 4 waited for page 2";
    EXPECT_TRUE(ended);
}

TEST_F(GithubSource, NumberedPagesGiveTheirRowsInPageOrderAndAGrownListingIsFollowedOn) {
    server_.add_response("GET", runs_target, 200, runs_body({run_json(100, "inductor", "push")}));
    server_.add_response("GET", jobs_target(100), 200,
                         jobs_body({job_json(1, "cuda / test (inductor_timm, 1, 4, m)", 1, "completed")}),
                         numbered_links(server_, 2, 3));
    server_.add_response("GET", numbered_jobs_page(2), 200,
                         jobs_body({job_json(2, "cuda / test (inductor_timm, 2, 4, m)", 1, "completed")}),
                         numbered_links(server_, 3, 3));
    // The run's jobs grew while it was read: its last page links on to a fourth.
    server_.add_response("GET", numbered_jobs_page(3), 200,
                         jobs_body({job_json(3, "cuda / test (inductor_timm, 3, 4, m)", 1, "completed")}),
                         numbered_links(server_, 4, 4));
    server_.add_response("GET", numbered_jobs_page(4), 200,
                         jobs_body({job_json(4, "cuda / test (inductor_timm, 4, 4, m)", 1, "completed")}));
    const auto answer = rows({"inductor"});
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(ids_of(answer), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(server_.requests().size(), 5u);  // each page once
}

TEST_F(GithubSource, ACursorListingIsReadOneNextLinkAtATime) {
    // Its links name pages but carry cursors too: a URL built with `page=3` alone is not a page.
    const auto cursor_page = [](std::uint64_t page) {
        return fmt::format("/repositories/9/actions/runs/100/jobs?filter=all&per_page=100&page={}&after=c{}", page,
                           page);
    };
    const auto links = [&](std::uint64_t next) {
        return testing::header_list{{"Link", fmt::format(R"(<{}>; rel="next", <{}>; rel="last")",
                                                         server_.url(cursor_page(next)), server_.url(cursor_page(3)))}};
    };
    server_.add_response("GET", runs_target, 200, runs_body({run_json(100, "inductor", "push")}));
    server_.add_response("GET", jobs_target(100), 200,
                         jobs_body({job_json(1, "cuda / test (inductor_timm, 1, 3, m)", 1, "completed")}), links(2));
    server_.add_response("GET", cursor_page(2), 200,
                         jobs_body({job_json(2, "cuda / test (inductor_timm, 2, 3, m)", 1, "completed")}), links(3));
    server_.add_response("GET", cursor_page(3), 200,
                         jobs_body({job_json(3, "cuda / test (inductor_timm, 3, 3, m)", 1, "completed")}));
    const auto answer = rows({"inductor"});
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(ids_of(answer), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(targets(server_),
              (std::vector<std::string>{runs_target, jobs_target(100), cursor_page(2), cursor_page(3)}));
}

TEST_F(GithubSource, AFailingNumberedPageFailsTheListingAndTooManyPagesAreNotAsked) {
    server_.add_response("GET", runs_target, 200, runs_body({run_json(100, "inductor", "push")}));
    server_.add_response("GET", jobs_target(100), 200, jobs_body({}), numbered_links(server_, 2, 3));
    server_.add_response("GET", numbered_jobs_page(2), 200, jobs_body({}));
    server_.add_response("GET", numbered_jobs_page(3), 200, R"({"jobs":7})");
    const auto failed = rows({"inductor"});
    EXPECT_EQ(failed.code, jobs::error::wrong_shape);
    EXPECT_NE(failed.message.find(numbered_jobs_page(3)), std::string::npos) << failed.message;
    EXPECT_TRUE(failed.rows.empty());

    server_.clear_requests();
    settings_.max_pages = 3;
    server_.add_response("GET", jobs_target(100), 200, jobs_body({}), numbered_links(server_, 2, 4));
    const auto too_many = rows({"inductor"});
    EXPECT_EQ(too_many.code, jobs::error::too_large);
    EXPECT_EQ(targets(server_), (std::vector<std::string>{runs_target, jobs_target(100)}));
}

TEST_F(GithubSource, AMalformedNextLinkFailsTheListingAndAMalformedLastIsOnlyNotUsed) {
    server_.add_response("GET", runs_target, 200, runs_body({run_json(100, "inductor", "push")}));
    server_.add_response(
        "GET", jobs_target(100), 200, jobs_body({}),
        {{"Link", fmt::format(R"(<{}>; rel="next", <::nonsense>; rel="last")", server_.url(numbered_jobs_page(2)))}});
    server_.add_response("GET", numbered_jobs_page(2), 200,
                         jobs_body({job_json(2, "cuda / test (inductor_timm, 1, 1, m)", 1, "completed")}));
    const auto read = rows({"inductor"});
    ASSERT_TRUE(read.ok()) << read.message;
    EXPECT_EQ(ids_of(read), (std::vector<std::uint64_t>{2}));

    server_.add_response("GET", jobs_target(100), 200, jobs_body({}), {{"Link", R"(<::nonsense>; rel="next")"}});
    const auto failed = rows({"inductor"});
    EXPECT_EQ(failed.code, jobs::error::wrong_shape);
    EXPECT_NE(failed.message.find(R"(the Link rel="next" is not a URL)"), std::string::npos) << failed.message;
}

TEST_F(GithubSource, ListsEveryPageOfARunsArtifacts) {
    const std::string first = "/repos/o/r/actions/runs/42/artifacts?per_page=100";
    const std::string second = "/repositories/65600975/actions/runs/42/artifacts?per_page=100&page=2";
    server_.add_response("GET", first, 200,
                         R"({"total_count":3,"artifacts":[{"id":1,"name":"logs-1","expired":false},{"name":"no id"}]})",
                         link_next(server_.url(second)));
    server_.add_response("GET", second, 200,
                         R"({"total_count":3,"artifacts":[{"id":2,"name":"test-reports-a.zip","expired":true,)"
                         R"("size_in_bytes":10}]})");
    const auto answer = artifacts(42);
    ASSERT_TRUE(answer.ok()) << answer.message;
    const std::vector<run_artifact> want{{1, "logs-1", 0, false}, {2, "test-reports-a.zip", 10, true}};
    EXPECT_EQ(answer.artifacts, want);
    EXPECT_EQ(answer.skipped.total(), 1u);
    EXPECT_EQ(targets(server_), (std::vector<std::string>{first, second}));
    expect_headers(server_, true);
}

TEST_F(GithubSource, AFailingArtifactsListingSaysWhyAndGivesNoArtifacts) {
    const std::string first = "/repos/o/r/actions/runs/42/artifacts?per_page=100";
    const std::string second = "/repos/o/r/actions/runs/42/artifacts?per_page=100&page=2";
    server_.add_response("GET", first, 200, R"({"artifacts":[{"id":1,"name":"a"}]})", link_next(server_.url(second)));
    server_.add_response("GET", second, 404, R"({"message":"Not Found"})");
    const auto answer = artifacts(42);
    EXPECT_EQ(answer.code, error::source_refused);
    EXPECT_EQ(answer.status, 404u);
    EXPECT_NE(answer.message.find("HTTP 404"), std::string::npos) << answer.message;
    EXPECT_TRUE(answer.artifacts.empty());
}

TEST_F(GithubSource, ResolvesAShortSha) {
    server_.add_response("GET", "/repos/o/r/commits/0123456?per_page=1", 200,
                         R"({"sha":")" + sha + R"(","commit":{"message":"x"},"files":[{"filename":"a"}]})");
    const auto answer = resolve("0123456");
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(answer.sha, sha);
    EXPECT_EQ(targets(server_), std::vector<std::string>{"/repos/o/r/commits/0123456?per_page=1"});
    expect_headers(server_, true);
}

TEST_F(GithubSource, AnUnknownShortShaIsAClearError) {
    for (unsigned status : {404u, 422u}) {
        server_.add_response("GET", "/repos/o/r/commits/fff0?per_page=1", status, R"({"message":"No commit found"})");
        const auto answer = resolve("fff0");
        EXPECT_EQ(answer.code, error::no_such_commit);
        EXPECT_NE(answer.message.find("no commit of o/r matches fff0"), std::string::npos) << answer.message;
    }
}

TEST_F(GithubSource, LatestIsTheNewestCompletedPushRun) {
    const std::string target =
        "/repos/o/r/actions/workflows/inductor.yml/runs?branch=main&event=push&status=completed&per_page=100";
    const std::string newer(40, 'b');
    server_.add_response("GET", target, 200, runs_body({run_json(9, "inductor", "push", "in_progress", newer)}),
                         link_next(server_.url("/repositories/9/wf?cursor=x")));
    server_.add_response("GET", "/repositories/9/wf?cursor=x", 200,
                         runs_body({run_json(8, "inductor", "push", "completed", sha),
                                    run_json(7, "inductor", "push", "completed", std::string(40, 'c'))}),
                         link_next(server_.url("/repositories/9/wf?cursor=y")));
    const auto answer = latest("inductor", "main");
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(answer.sha, sha);
    EXPECT_EQ(targets(server_), (std::vector<std::string>{target, "/repositories/9/wf?cursor=x"}));
    expect_headers(server_, true);
}

TEST_F(GithubSource, LatestReadsNumberedPagesOneAtATimeAndStopsAtTheFirstCompletedRun) {
    const std::string first =
        "/repos/o/r/actions/workflows/inductor.yml/runs?branch=main&event=push&status=completed&per_page=100";
    const auto page = [](unsigned n) { return fmt::format("/repositories/9/wf?per_page=100&page={}", n); };
    const auto links = [&](unsigned next) {
        return testing::header_list{{"Link", fmt::format(R"(<{}>; rel="next", <{}>; rel="last")",
                                                         server_.url(page(next)), server_.url(page(5)))}};
    };
    server_.add_response("GET", first, 200, runs_body({run_json(9, "inductor", "push", "in_progress")}), links(2));
    server_.add_response("GET", page(2), 200, runs_body({run_json(8, "inductor", "push", "completed", sha)}), links(3));
    for (unsigned n = 3; n <= 5; ++n) server_.add_response("GET", page(n), 200, runs_body({}));
    const auto answer = latest("inductor", "main");
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_EQ(answer.sha, sha);
    EXPECT_EQ(targets(server_), (std::vector<std::string>{first, page(2)}));
}

TEST_F(GithubSource, LatestWithoutACompletedRunIsAnError) {
    server_.add_response("GET", "/repos/o/r/actions/workflows/inductor.yml/runs", 200, runs_body({}));
    const auto answer = latest("inductor", "main");
    EXPECT_EQ(answer.code, error::no_completed_run);
    EXPECT_NE(answer.message.find("inductor.yml on branch main"), std::string::npos) << answer.message;
}

}  // namespace
}  // namespace ue::sources
