#include "update_expected/sources/github_api.hpp"

#include "update_expected/jobs/error.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdlib>

namespace ue::sources {
namespace {

namespace json = boost::json;

const net::url api = net::url::from("https://api.github.com");

std::string header(const net::request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) return v;
    }
    return {};
}

TEST(GithubUrls, FollowTheDocumentedEndpoints) {
    EXPECT_EQ(runs_url(api, "pytorch/pytorch", "0123abc").target,
              "/repos/pytorch/pytorch/actions/runs?head_sha=0123abc&per_page=100");
    EXPECT_EQ(jobs_url(api, "pytorch/pytorch", 123456789012).target,
              "/repos/pytorch/pytorch/actions/runs/123456789012/jobs?filter=all&per_page=100");
    EXPECT_EQ(commit_url(api, "pytorch/pytorch", "abc1").target, "/repos/pytorch/pytorch/commits/abc1?per_page=1");
    EXPECT_EQ(workflow_runs_url(api, "pytorch/pytorch", "inductor", "main").target,
              "/repos/pytorch/pytorch/actions/workflows/inductor.yml/runs?branch=main&event=push&status=completed"
              "&per_page=100");
    EXPECT_EQ(run_artifacts_url(api, "pytorch/pytorch", 123456789012).target,
              "/repos/pytorch/pytorch/actions/runs/123456789012/artifacts?per_page=100");
    EXPECT_EQ(artifact_zip_url(api, "pytorch/pytorch", 2345678901).target,
              "/repos/pytorch/pytorch/actions/artifacts/2345678901/zip");
    EXPECT_EQ(runs_url(api, "a/b", "x").origin(), "https://api.github.com");
}

TEST(GithubUrls, KeepAnEnterprisePathPrefixAndDropItsQuery) {
    EXPECT_EQ(runs_url(net::url::from("https://ghe.example/api/v3/?x=1"), "o/r", "s").target,
              "/api/v3/repos/o/r/actions/runs?head_sha=s&per_page=100");
    EXPECT_EQ(commit_url(net::url::from("http://127.0.0.1:8080/gh"), "o/r", "a").text(),
              "http://127.0.0.1:8080/gh/repos/o/r/commits/a?per_page=1");
}

TEST(GithubUrls, PercentEncodeWhatCouldChangeTheRequest) {
    EXPECT_EQ(workflow_runs_url(api, "o/r", "in ductor", "release/2.5&x=#y").target,
              "/repos/o/r/actions/workflows/in%20ductor.yml/runs?branch=release%2F2.5%26x%3D%23y&event=push"
              "&status=completed&per_page=100");
    EXPECT_EQ(commit_url(api, "o/r", "../x?").target, "/repos/o/r/commits/..%2Fx%3F?per_page=1");
    EXPECT_EQ(commit_url(api, "o w/r?", "a").target, "/repos/o%20w/r%3F/commits/a?per_page=1");
}

TEST(ApiRequest, SendsTheGithubHeaders) {
    const auto r = api_request(runs_url(api, "o/r", "s"), api, "");
    EXPECT_EQ(r.method, boost::beast::http::verb::get);
    EXPECT_EQ(header(r, "Accept"), "application/vnd.github+json");
    EXPECT_EQ(header(r, "X-GitHub-Api-Version"), "2022-11-28");
    EXPECT_EQ(header(r, "Authorization"), "");
    EXPECT_TRUE(r.body.empty());
}

TEST(ApiRequest, SendsTheTokenToTheApiOriginOnly) {
    const std::string token = "ghp_secret";
    EXPECT_EQ(header(api_request(net::url::from("https://api.github.com/repositories/1/x?page=2"), api, token),
                     "Authorization"),
              "Bearer ghp_secret");
    for (const char* other : {"https://example.com/x", "http://api.github.com/x", "https://api.github.com:444/x",
                              "https://api.github.com.evil.example/x", "https://objects.githubusercontent.com/x"}) {
        EXPECT_EQ(header(api_request(net::url::from(other), api, token), "Authorization"), "") << other;
    }
}

TEST(TokenFromEnvironment, PrefersGithubTokenThenGhToken) {
    const char* saved_github = std::getenv("GITHUB_TOKEN");
    const char* saved_gh = std::getenv("GH_TOKEN");
    const std::string github = saved_github ? saved_github : "";
    const std::string gh = saved_gh ? saved_gh : "";
    ::setenv("GITHUB_TOKEN", "one", 1);
    ::setenv("GH_TOKEN", "two", 1);
    EXPECT_EQ(token_from_environment(), "one");
    ::setenv("GITHUB_TOKEN", "", 1);
    EXPECT_EQ(token_from_environment(), "two");
    ::unsetenv("GITHUB_TOKEN");
    ::unsetenv("GH_TOKEN");
    EXPECT_EQ(token_from_environment(), "");
    if (saved_github) ::setenv("GITHUB_TOKEN", github.c_str(), 1);
    if (saved_gh) ::setenv("GH_TOKEN", gh.c_str(), 1);
}

TEST(NextLink, ReturnsTheNextUrlExactlyAsGiven) {
    EXPECT_EQ(link_target(
                  R"(<https://api.github.com/repositories/1/actions/runs?head_sha=a&per_page=100&page=2>; rel="next", )"
                  R"(<https://api.github.com/repositories/1/actions/runs?head_sha=a&per_page=100&page=5>; rel="last")",
                  "next"),
              "https://api.github.com/repositories/1/actions/runs?head_sha=a&per_page=100&page=2");
    EXPECT_EQ(
        link_target(R"(<https://h/x?after=Y3Vyc29y%3D%3D>; rel="prev", <https://h/x?after=b,c>; rel="next")", "next"),
        "https://h/x?after=b,c");
}

TEST(NextLink, AcceptsUnquotedMultipleAndAnyCaseRelations) {
    EXPECT_EQ(link_target("<https://h/a>; rel=next", "next"), "https://h/a");
    EXPECT_EQ(link_target("<https://h/a>;REL=\"Next\"", "next"), "https://h/a");
    EXPECT_EQ(link_target(R"(<https://h/a>; title="x, rel=next"; rel="last next")", "next"), "https://h/a");
    EXPECT_EQ(link_target(R"(<https://h/a>; rel="last", <https://h/b>; type="text/html"; rel="next")", "next"),
              "https://h/b");
}

TEST(NextLink, FindsNothingWithoutANextRelation) {
    EXPECT_EQ(link_target("", "next"), std::nullopt);
    EXPECT_EQ(link_target(R"(<https://h/a>; rel="prev", <https://h/b>; rel="first")", "next"), std::nullopt);
    EXPECT_EQ(link_target(R"(<https://h/a>; rel="nextpage")", "next"), std::nullopt);
    EXPECT_EQ(link_target(R"(<https://h/a>; title="rel=next")", "next"), std::nullopt);
    EXPECT_EQ(link_target("<https://h/a; rel=next", "next"), std::nullopt);
    EXPECT_EQ(link_target("garbage; rel=next", "next"), std::nullopt);
    EXPECT_EQ(link_target("<https://h/a>; rel", "next"), std::nullopt);
}

TEST(LinkTarget, FindsTheLastLinkToo) {
    EXPECT_EQ(link_target(R"(<https://h/a?page=2>; rel="next", <https://h/a?page=5>; rel="last")", "last"),
              "https://h/a?page=5");
    EXPECT_EQ(link_target(R"(<https://h/a?page=2>; rel="next")", "last"), std::nullopt);
}

TEST(NumberedPages, GithubsNumberedLinksDifferOnlyInPage) {
    const auto pages = numbered_pages(
        net::url::from("https://api.github.com/repositories/1/actions/runs/7/jobs?filter=all&per_page=100&page=2"),
        net::url::from("https://api.github.com/repositories/1/actions/runs/7/jobs?filter=all&per_page=100&page=3"));
    ASSERT_TRUE(pages.has_value());
    EXPECT_EQ(pages->next, 2u);
    EXPECT_EQ(pages->last, 3u);
    EXPECT_EQ(page_url(net::url::from("https://h/r/jobs?filter=all&page=2&per_page=100"), 7).text(),
              "https://h/r/jobs?filter=all&page=7&per_page=100");
}

TEST(NumberedPages, AnyOtherDifferenceIsACursorListing) {
    const auto numbered = [](std::string_view next, std::string_view last) {
        return numbered_pages(net::url::from(next), net::url::from(last)).has_value();
    };
    EXPECT_FALSE(numbered("https://h/r?page=2&after=a", "https://h/r?page=3&after=b"));
    EXPECT_FALSE(numbered("https://h/r?page=2", "https://h/s?page=3"));
    EXPECT_FALSE(numbered("https://h/r?page=2", "https://g/r?page=3"));
    EXPECT_FALSE(numbered("https://h/r?page=2", "http://h/r?page=3"));
    EXPECT_FALSE(numbered("https://h/r?page=2", "https://h/r?page=3&x=1"));
    EXPECT_FALSE(numbered("https://h/r?page=3", "https://h/r?page=2"));
    EXPECT_FALSE(numbered("https://h/r?page=2", "https://h/r?page=x"));
    EXPECT_FALSE(numbered("https://h/r?page=0", "https://h/r?page=2"));
    EXPECT_FALSE(numbered("https://h/r?cursor=2", "https://h/r?cursor=3"));
    EXPECT_FALSE(numbered("https://h/r", "https://h/r"));
    EXPECT_TRUE(numbered("https://h/r?page=2", "https://h/r?page=2"));
}

TEST(NextLink, LooksAtEveryLinkFieldOfAResponse) {
    net::response_head head;
    head.fields = {{"Content-Type", "application/json"},
                   {"Link", R"(<https://h/p>; rel="prev")"},
                   {"link", R"(<https://h/n>; rel="next")"}};
    EXPECT_EQ(link_target(head, "next"), "https://h/n");
    head.fields.pop_back();
    EXPECT_EQ(link_target(head, "next"), std::nullopt);
}

// Feeds `doc` split at every offset and demands the same value as the whole.
json::value parse_ground(std::string_view doc) {
    json::value whole;
    for (std::size_t cut = 0; cut <= doc.size(); ++cut) {
        json_answer answer;
        EXPECT_FALSE(answer.feed(doc.substr(0, cut))) << cut;
        EXPECT_FALSE(answer.feed(doc.substr(cut))) << cut;
        EXPECT_FALSE(answer.finish()) << cut;
        auto v = answer.take();
        if (cut == 0) {
            whole = v;
        } else {
            EXPECT_EQ(v, whole) << cut;
        }
    }
    return whole;
}

TEST(JsonAnswer, GivesTheSameDocumentForAnySplit) {
    const auto v = parse_ground(R"({"workflow_runs":[{"id":1,"name":"inductor"}],"total_count":1})");
    EXPECT_EQ(v.at("workflow_runs").at(0).at("name"), "inductor");
}

TEST(JsonAnswer, NamesSyntaxErrorsWithAnOffset) {
    json_answer answer;
    EXPECT_FALSE(answer.feed(R"({"jobs":[)"));
    EXPECT_EQ(answer.feed("}"), jobs::error::malformed_json);
    EXPECT_NE(answer.message().find("byte 9"), std::string::npos) << answer.message();
    EXPECT_EQ(answer.finish(), jobs::error::malformed_json);  // the first error sticks

    json_answer truncated;
    EXPECT_FALSE(truncated.feed(R"({"jobs":[)"));
    EXPECT_EQ(truncated.finish(), jobs::error::malformed_json);

    json_answer trailing;
    EXPECT_NE(trailing.feed("{} {}"), std::error_code());
}

TEST(JsonAnswer, EnforcesItsLimits) {
    json_answer small({.max_bytes = 10, .max_depth = 64});
    EXPECT_FALSE(small.feed(R"({"a":)"));
    EXPECT_EQ(small.feed(R"("123456")"), jobs::error::too_large);
    json_answer shallow({.max_bytes = 1000, .max_depth = 3});
    EXPECT_EQ(shallow.feed("[[[[1]]]]"), jobs::error::too_deep);
}

json::value runs_doc() {
    return json::parse(R"({"total_count":5,"workflow_runs":[
    {"id":11,"name":"inductor","run_attempt":2,"status":"completed","conclusion":"failure","event":"push",
     "head_sha":"aaaa","repository":{"id":1,"owner":{"login":"pytorch"}}},
    {"id":12,"name":null,"run_attempt":1,"status":null,"event":"push","head_sha":null},
    {"id":"13","name":"x","event":"push"},
    {"name":"no id","event":"push"},
    7,
    {"id":14,"name":"inductor-periodic","event":"workflow_run","status":"queued","head_sha":"aaaa"}
  ]})");
}

TEST(DecodeRuns, KeepsWhatChoosingRunsNeedsAndCountsTheRest) {
    runs_page page;
    std::string message;
    ASSERT_FALSE(decode_runs(runs_doc(), page, message));
    ASSERT_EQ(page.runs.size(), 3u);
    EXPECT_EQ(page.runs[0], (workflow_run{11, "inductor", 2, "completed", "push", "aaaa"}));
    EXPECT_EQ(page.runs[1], (workflow_run{12, "", 1, "", "push", ""}));
    EXPECT_EQ(page.runs[2], (workflow_run{14, "inductor-periodic", 1, "queued", "workflow_run", "aaaa"}));
    EXPECT_EQ(page.skipped[jobs::skip_reason::bad_field], 1u);
    EXPECT_EQ(page.skipped[jobs::skip_reason::missing_field], 1u);
    EXPECT_EQ(page.skipped[jobs::skip_reason::not_an_object], 1u);
}

TEST(DecodeRuns, RefusesAnotherShape) {
    for (const char* doc : {"[]", R"({"jobs":[]})", R"({"workflow_runs":{}})", R"({"message":"Not Found"})"}) {
        runs_page page;
        std::string message;
        EXPECT_EQ(decode_runs(json::parse(doc), page, message), jobs::error::wrong_shape) << doc;
        EXPECT_NE(message.find("workflow_runs"), std::string::npos);
    }
}

TEST(WantedRun, SkipsOtherWorkflowsOtherCommitsAndUnrelatedEvents) {
    const std::vector<std::string> wanted{"inductor", "inductor-periodic"};
    const std::string sha = "abcdef";
    workflow_run run{1, "inductor", 1, "completed", "push", "abcdef"};
    EXPECT_TRUE(wanted_run(run, sha, wanted));
    EXPECT_TRUE(wanted_run(run, "ABCDEF", wanted));
    for (const char* event : {"pull_request", "schedule", "workflow_dispatch"}) {
        run.event = event;
        EXPECT_TRUE(wanted_run(run, sha, wanted)) << event;
    }
    for (const char* event : {"workflow_run", "repository_dispatch"}) {
        run.event = event;
        EXPECT_FALSE(wanted_run(run, sha, wanted)) << event;
    }
    run.event = "push";
    run.name = "Inductor";
    EXPECT_FALSE(wanted_run(run, sha, wanted));
    run.name = "inductor-periodic";
    EXPECT_TRUE(wanted_run(run, sha, wanted));
    run.head_sha = "0000";
    EXPECT_FALSE(wanted_run(run, sha, wanted));
}

TEST(DecodeJobs, GivesRowsNamedAfterTheRunWithTheirStatus) {
    const workflow_run run{4242, "inductor", 2, "in_progress", "push", "aaaa"};
    const auto doc = json::parse(R"J({"total_count":4,"jobs":[
    {"id":900000000001,"run_id":4242,"run_attempt":1,"name":"cuda / test (inductor_timm, 1, 2, m)",
     "status":"completed","conclusion":"failure","workflow_name":"ignored","steps":[{"name":"x"}]},
    {"id":900000000002,"run_attempt":2,"name":"cuda / test (inductor_timm, 2, 2, m)","status":"in_progress",
     "conclusion":null},
    {"id":3,"run_attempt":2,"name":"no status"},
    {"id":-4,"run_attempt":2,"name":"bad id","status":"completed"},
    []
  ]})J");
    std::vector<jobs::job_row> rows;
    jobs::skip_counts skipped;
    std::string message;
    ASSERT_FALSE(decode_jobs(doc, run, rows, skipped, message));
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].workflow_name, "inductor");
    EXPECT_EQ(rows[0].job_name, "cuda / test (inductor_timm, 1, 2, m)");
    EXPECT_EQ(rows[0].id, 900000000001u);
    EXPECT_EQ(rows[0].run_attempt, 1u);
    EXPECT_EQ(rows[0].workflow_id, 4242u);
    EXPECT_EQ(rows[0].status, "completed");
    EXPECT_EQ(rows[0].conclusion, "failure");
    EXPECT_TRUE(rows[0].completed);
    EXPECT_EQ(rows[1].run_attempt, 2u);
    EXPECT_EQ(rows[1].status, "in_progress");
    EXPECT_EQ(rows[1].conclusion, std::nullopt);
    EXPECT_FALSE(rows[1].completed);
    EXPECT_EQ(skipped[jobs::skip_reason::missing_field], 1u);
    EXPECT_EQ(skipped[jobs::skip_reason::bad_field], 1u);
    EXPECT_EQ(skipped[jobs::skip_reason::not_an_object], 1u);

    EXPECT_EQ(decode_jobs(json::parse(R"({"workflow_runs":[]})"), run, rows, skipped, message),
              jobs::error::wrong_shape);
}

TEST(DecodeArtifacts, KeepsIdNameSizeAndExpiryAndCountsTheRest) {
    const auto doc = json::parse(R"J({"total_count":6,"artifacts":[
    {"id":2345678901,"node_id":"MDg6","name":"test-reports-runattempt1-test-inductor_timm-1-2-m_99.zip",
     "size_in_bytes":123456,"url":"u","archive_download_url":"a","expired":false,
     "workflow_run":{"id":4242,"head_sha":"aaaa"}},
    {"id":2,"name":"logs-runattempt1-x","expired":true},
    {"id":3,"name":"no size or expiry"},
    {"name":"no id"},
    {"id":5,"name":"odd expiry","expired":"no"},
    7
  ]})J");
    artifacts_page page;
    std::string message;
    ASSERT_FALSE(decode_artifacts(doc, page, message));
    const std::vector<run_artifact> want{
        {2345678901, "test-reports-runattempt1-test-inductor_timm-1-2-m_99.zip", 123456, false},
        {2, "logs-runattempt1-x", 0, true},
        {3, "no size or expiry", 0, false},
    };
    EXPECT_EQ(page.artifacts, want);
    EXPECT_EQ(page.skipped[jobs::skip_reason::missing_field], 1u);
    EXPECT_EQ(page.skipped[jobs::skip_reason::bad_field], 1u);
    EXPECT_EQ(page.skipped[jobs::skip_reason::not_an_object], 1u);
    EXPECT_EQ(page.unreadable, std::vector<std::string>{"odd expiry"});

    EXPECT_EQ(decode_artifacts(json::parse(R"({"jobs":[]})"), page, message), jobs::error::wrong_shape);
    EXPECT_NE(message.find("\"artifacts\""), std::string::npos) << message;
}

TEST(DecodeCommitSha, ReturnsTheFullShaInLowerCase) {
    const std::string full = "0123456789ABCDEF0123456789abcdef01234567";
    std::string sha, message;
    ASSERT_FALSE(
        decode_commit_sha(json::parse(R"({"sha":")" + full + R"(","files":[]})"), "0123456789AbC", sha, message));
    EXPECT_EQ(sha, "0123456789abcdef0123456789abcdef01234567");
}

TEST(DecodeCommitSha, RefusesAShaThatIsNotThePrefixOrNotOne) {
    std::string sha, message;
    const std::string full = "0123456789abcdef0123456789abcdef01234567";
    EXPECT_EQ(decode_commit_sha(json::parse(R"({"sha":")" + full + "\"}"), "fff", sha, message),
              jobs::error::wrong_shape);
    EXPECT_NE(message.find("does not start with fff"), std::string::npos) << message;
    for (const char* doc : {R"({"sha":"0123"})", R"({"sha":1})", R"({"message":"x"})", "[]",
                            R"({"sha":"0123456789abcdef0123456789abcdef0123456g"})"}) {
        EXPECT_EQ(decode_commit_sha(json::parse(doc), "0123", sha, message), jobs::error::wrong_shape) << doc;
    }
    EXPECT_TRUE(sha.empty());
}

TEST(FirstCompletedSha, PassesOverRunsStillInProgress) {
    const std::string a(40, 'a'), b(40, 'b');
    runs_page page;
    page.runs = {{3, "inductor", 1, "in_progress", "push", a},
                 {2, "inductor", 1, "completed", "push", b},
                 {1, "inductor", 1, "completed", "push", a}};
    EXPECT_EQ(first_completed_sha(page), b);
    page.runs.erase(page.runs.begin() + 1, page.runs.end());
    EXPECT_EQ(first_completed_sha(page), std::nullopt);
}

TEST(IsFullSha, WantsFortyHexDigits) {
    EXPECT_TRUE(is_full_sha("0123456789abcdefABCDEF0123456789abcdef01"));
    EXPECT_FALSE(is_full_sha("0123456789abcdefABCDEF0123456789abcdef0"));
    EXPECT_FALSE(is_full_sha("0123456789abcdefABCDEF0123456789abcdef0g"));
    EXPECT_FALSE(is_full_sha("latest"));
}

}  // namespace
}  // namespace ue::sources
