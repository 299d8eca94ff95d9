// End-to-end tests of the GitHub-artifacts fallback (docs/pytorch-ci.md section 3): shards whose S3
// object is not there, with their reports as GitHub Actions artifacts of their run. A scripted
// GitHub API lists each run's artifacts in pages (with unrelated and expired ones) and answers a
// download with 302 to a signed URL on a second origin, the blob host, which refuses any
// Authorization field and a spent signature. The jobs file is the source: the fallback holds for
// every source.

#include "e2e_fixture.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <atomic>
#include <ctime>
#include <map>
#include <memory>
#include <set>

namespace fs = std::filesystem;

namespace ue::test {
namespace {

const std::string token = "ghp_artifactsT0KEN0123456789SECRET";

struct github_artifact {
    std::uint64_t id = 0;
    std::string name;
    bool expired = false;
    std::string bytes;  // served by the blob host
    bool gone = false;  // listed as live, but it expires before its download: 410
};

class GithubArtifactsE2e : public RefreshE2e {
protected:
    void SetUp() override {
        RefreshE2e::SetUp();
        local_github_ = false;
        auto spec = small_spec();
        spec.github_copies = true;
        serve(spec, s3_like());
        api_ = std::make_unique<testing::server>();
        fs::create_directories(dir_ / "blob");
        testing::server_options blob;
        blob.refuse_authorization = true;
        blob.root = dir_ / "blob";
        blob_ = std::make_unique<testing::server>(blob);
        // Every run has unrelated artifacts, and an expired namesake of a live one is passed over.
        for (const auto& j : snap_.jobs) {
            auto& list = runs_[j.workflow_id];
            if (!list.empty()) continue;
            list.push_back({next_id_++, "logs-runattempt1-" + std::to_string(j.workflow_id), false, "x"});
            list.push_back({next_id_++, "test-jsons-runattempt1-test-inductor_timm-1-2-m_1.zip", false, "x"});
        }
    }

    // The S3 object of (suite, shard) is not there; its run lists the same reports as a GitHub
    // artifact (expired: listed, but its bytes are gone).
    enum class state { live, expired, gone };
    const artifact_file& move_to_github(std::string_view suite, int shard, state how = state::live) {
        const auto* a = snap_.find_artifact(suite, shard);
        EXPECT_NE(a, nullptr);
        fs::remove(artifacts_ / a->path);
        runs_[a->run_id].push_back(
            {next_id_++, a->github_name, how == state::expired, a->github_bytes, how == state::gone});
        return *a;
    }

    // Scripts every run's listing in pages of two (each page after the first reachable only through
    // the Link of the one before) and every artifact's download.
    void script_github() {
        for (const auto& [run, artifacts] : runs_) {
            std::string target = listing_target(run);
            for (std::size_t first = 0, page = 1; first < artifacts.size(); first += 2, ++page) {
                std::string list;
                for (std::size_t i = first; i < std::min(first + 2, artifacts.size()); ++i) {
                    const auto& a = artifacts[i];
                    list += (list.empty() ? "" : ",") +
                            fmt::format(R"({{"id":{},"name":"{}","size_in_bytes":{},"expired":{},)"
                                        R"("archive_download_url":"{}"}})",
                                        a.id, a.name, a.bytes.size(), a.expired ? "true" : "false",
                                        api_->url(download_path(a.id)));
                }
                const std::string body =
                    fmt::format(R"({{"total_count":{},"artifacts":[{}]}})", artifacts.size(), list);
                const std::string next = fmt::format(
                    "/repositories/65600975/actions/runs/{}/artifacts?per_page=100"
                    "&after=Y3Vyc29y{}",
                    run, page * 7919);
                if (first + 2 < artifacts.size()) {
                    api_->add_response("GET", target, 200, body, {{"Link", "<" + api_->url(next) + ">; rel=\"next\""}});
                } else {
                    api_->add_response("GET", target, 200, body);
                }
                target = next;
            }
            for (const auto& a : artifacts) {
                write_file(dir_ / "blob" / blob_name(a.id), a.bytes);
                api_->add_handler("GET", download_path(a.id), [this, a](const testing::recorded_request& q) {
                    if (q.header("authorization").empty())
                        return testing::answer{401, R"({"message":"Requires authentication"})", {}};
                    if (a.expired || a.gone) return testing::answer{410, R"({"message":"Artifact has expired"})", {}};
                    return testing::answer{302, "", {{"Location", blob_->sign("/" + blob_name(a.id), 1)}}};
                });
            }
        }
    }

    static std::string listing_target(std::uint64_t run) {
        return fmt::format("/repos/pytorch/pytorch/actions/runs/{}/artifacts?per_page=100", run);
    }
    static std::string download_path(std::uint64_t id) {
        return fmt::format("/repos/pytorch/pytorch/actions/artifacts/{}/zip", id);
    }
    static std::string blob_name(std::uint64_t id) { return fmt::format("{}.zip", id); }

    std::vector<std::string> github_args(std::vector<std::string> extra = {}) const {
        auto args = file_args({"--github-api-url", api_->base_url()});
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }

    std::size_t requests_to(const testing::server& s, std::string_view target) const {
        std::size_t n = 0;
        for (const auto& q : s.requests()) n += q.target == target;
        return n;
    }

    // The token goes to the API only: never to the blob host or the artifact host, never shown.
    void expect_hygiene(const process_result& r) const {
        for (const auto* s : {blob_.get(), server_.get()}) {
            for (const auto& q : s->requests()) {
                EXPECT_EQ(q.header("Authorization"), "") << "a credential went to " << s->base_url() << q.target;
                for (const auto& [name, value] : q.headers) EXPECT_EQ(value.find(token), std::string::npos) << name;
            }
        }
        for (const auto& q : api_->requests()) EXPECT_EQ(q.header("Authorization"), "Bearer " + token) << q.target;
        EXPECT_EQ(r.out.find(token), std::string::npos) << r.out;
        EXPECT_EQ(r.err.find(token), std::string::npos) << r.err;
    }

    std::unique_ptr<testing::server> api_, blob_;
    std::map<std::uint64_t, std::vector<github_artifact>> runs_;
    std::uint64_t next_id_ = 5000000001ULL;
};

TEST_F(GithubArtifactsE2e, ShardsS3LacksComeFromTheirRunsGithubArtifactsExactlyAsFromS3) {
    // Two shards of one run (one of them a retried job's newest attempt), one of the periodic run,
    // one ROCm shard (its entries were test-reports/ already).
    const auto& retried = move_to_github("inductor_timm", 1);
    move_to_github("dynamic_aot_eager_huggingface", 2);
    const auto& periodic = move_to_github("cpu_inductor_torchbench", 3);
    const auto* rocm = snap_.find_artifact("inductor_timm", 2, true);
    fs::remove(artifacts_ / rocm->path);
    runs_[rocm->run_id].push_back({next_id_++, rocm->github_name, false, rocm->github_bytes});
    script_github();
    EXPECT_NE(retried.github_name.find("runattempt2-"), std::string::npos) << retried.github_name;

    const auto summary = dir_ / "summary.json";
    auto r = run(github_args({"--summary-json", summary.string()}), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    expect_hygiene(r);
    EXPECT_NE(r.out.find("(4 from GitHub artifacts)"), std::string::npos) << r.out;
    // One listing per run, however many of its shards needed it; every page of it once.
    EXPECT_EQ(requests_to(*api_, listing_target(retried.run_id)), 1u);
    EXPECT_EQ(requests_to(*api_, listing_target(periodic.run_id)), 1u);
    std::set<std::string> asked;
    for (const auto& q : api_->requests()) EXPECT_TRUE(asked.insert(q.target).second) << "asked twice: " << q.target;
    // The runs whose reports S3 had are not listed.
    for (const auto& [run, list] : runs_) {
        if (run != retried.run_id && run != periodic.run_id) {
            EXPECT_EQ(requests_to(*api_, listing_target(run)), 0u);
        }
    }

    const auto doc = boost::json::parse(read_file(summary));
    EXPECT_EQ(doc.at("version"), 2);
    EXPECT_EQ(doc.at("totals").at("artifacts_from_github"), 4);
    std::size_t from_github = 0;
    for (const auto& a : doc.at("artifacts").as_array()) {
        if (a.at("store") != "github" || a.at("status") != "read") continue;
        ++from_github;
        EXPECT_GT(a.at("run_id").as_int64(), 0);
        EXPECT_GT(a.at("job_id").as_int64(), 0);
        if (a.at("suite") == "inductor_timm" && a.at("shard") == 1 && a.at("baseline") == "standard") {
            EXPECT_EQ(a.at("run_attempt"), 2);
        }
    }
    EXPECT_EQ(from_github, 4u);

    // A rerun finds every shard in the rerun cache, the GitHub ones too: not one request.
    api_->clear_requests();
    blob_->clear_requests();
    server_->clear_requests();
    r = run(github_args(), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(api_->requests().empty());
    EXPECT_TRUE(blob_->requests().empty());
    EXPECT_TRUE(server_->requests().empty());
}

TEST_F(GithubArtifactsE2e, ASignedUrlThatExpiresMidDownloadIsRenewedThroughTheApiOnce) {
    const auto& moved = move_to_github("inductor_huggingface", 1);
    script_github();
    const auto id = runs_[moved.run_id].back().id;
    // The body breaks off; the Range retry meets the spent signature; the API hands out a new one.
    blob_->add_faults("/" + blob_name(id), {testing::fault::reset_after(moved.github_bytes.size() / 2)});
    const auto r = run(github_args(), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    expect_hygiene(r);
    EXPECT_EQ(requests_to(*api_, download_path(id)), 2u);
    std::vector<std::string> ranges;
    for (const auto& q : blob_->requests()) ranges.push_back(q.header("range"));
    ASSERT_EQ(ranges.size(), 3u);
    EXPECT_FALSE(ranges[1].empty()) << "the retry did not resume";
}

TEST_F(GithubArtifactsE2e, ARefusalBehindTheRedirectIsTheStorageHostsAndAnEchoedTokenIsNeverShown) {
    const auto& refused = move_to_github("inductor_huggingface", 1);
    const auto& echoed = move_to_github("dynamic_aot_eager_huggingface", 1);
    script_github();
    const auto id_of = [this](const artifact_file& f) {
        for (const auto& a : runs_[f.run_id])
            if (a.name == f.github_name) return a.id;
        return std::uint64_t{0};
    };
    const auto refused_id = id_of(refused);
    const auto echoed_id = id_of(echoed);
    blob_->add_faults("/" + blob_name(refused_id), {testing::fault::error(403, "<Error>AuthorizationFailure</Error>")});
    // An API that echoes the request's credentials in its error body.
    api_->add_handler("GET", download_path(echoed_id), [](const testing::recorded_request& q) {
        return testing::answer{
            422, "{\"message\":\"bad request\",\"authorization\":\"" + q.header("authorization") + "\"}", {}};
    });
    const auto summary = dir_ / "summary.json";
    const auto r = run(github_args({"--summary-json", summary.string(), "-v"}), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("inductor_huggingface shard 1/1: the signed download URL of its GitHub artifact was refused"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("rate limit"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("refused the token"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 422"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(summary).find(token), std::string::npos);
    expect_hygiene(r);
}

// The API's rate limit on a download is waited for as the GitHub source waits (docs/pytorch-ci.md
// section 1): the reset is a second away, then the download goes on.
TEST_F(GithubArtifactsE2e, ARateLimitOnADownloadIsWaitedForWhenItsResetIsNear) {
    const auto& moved = move_to_github("inductor_huggingface", 1);
    script_github();
    std::uint64_t id = 0;
    for (const auto& a : runs_[moved.run_id])
        if (a.name == moved.github_name) id = a.id;
    auto limited = std::make_shared<std::atomic<int>>(0);
    api_->add_handler("GET", download_path(id), [this, id, limited](const testing::recorded_request&) {
        if ((*limited)++ == 0) {
            return testing::answer{403,
                                   R"({"message":"API rate limit exceeded for user ID 1."})",
                                   {{"x-ratelimit-limit", "5000"},
                                    {"x-ratelimit-remaining", "0"},
                                    {"x-ratelimit-reset", std::to_string(std::time(nullptr) + 1)},
                                    {"x-ratelimit-resource", "core"}}};
        }
        return testing::answer{302, "", {{"Location", blob_->sign("/" + blob_name(id), 1)}}};
    });
    const auto r = run(github_args(), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_NE(r.err.find("rate limited, waiting"), std::string::npos) << r.err;
    EXPECT_EQ(requests_to(*api_, download_path(id)), 2u);
    expect_hygiene(r);
}

TEST_F(GithubArtifactsE2e, WithoutATokenTheErrorNamesGithubTokenAndEveryOtherSuiteIsWritten) {
    move_to_github("inductor_timm", 2);
    move_to_github("dynamic_aot_eager_huggingface", 1);
    script_github();
    const auto r = run(github_args());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    // Whichever shard ends first is named.
    EXPECT_TRUE(r.err.find("inductor_timm shard 2/2: its report exists as a GitHub artifact of run") !=
                    std::string::npos ||
                r.err.find("dynamic_aot_eager_huggingface shard 1/3: its report exists as a GitHub artifact of run") !=
                    std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("fetching it needs GITHUB_TOKEN"), std::string::npos) << r.err;
    // Said in full once; the second shard is counted.
    EXPECT_NE(r.err.find("1 more artifacts failed the same way"), std::string::npos) << r.err;
    expect_all_written({"inductor_timm_training.csv", "inductor_timm_inference.csv",
                        "dynamic_aot_eager_huggingface_training.csv", "dynamic_aot_eager_huggingface_inference.csv"});
    EXPECT_FALSE(fs::exists(out_ / "inductor_timm_training.csv"));
    EXPECT_TRUE(blob_->requests().empty());
}

TEST_F(GithubArtifactsE2e, AnExpiredOrAbsentArtifactIsMissingAndItsSuiteIsLeftAsItWas) {
    const std::string suite = "dynamic_aot_eager_huggingface";
    move_to_github(suite, 1, state::expired);
    move_to_github(suite, 3, state::gone);
    const auto* nowhere = snap_.find_artifact("cpu_inductor_torchbench", 2);
    fs::remove(artifacts_ / nowhere->path);  // neither on S3 nor on GitHub
    script_github();
    const std::string old_file = "name,accuracy,graph_breaks\n\n\n\nOld,pass,1\n";
    write_file(out_ / (suite + "_training.csv"), old_file);
    const auto r = run(github_args(), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(read_file(out_ / (suite + "_training.csv")), old_file);
    EXPECT_FALSE(fs::exists(out_ / (suite + "_inference.csv")));
    EXPECT_NE(r.err.find(suite + " shard 1/3: artifact not there: S3: GET"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(" has expired"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(suite + " shard 3/3: artifact not there: S3: GET"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 410"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("cpu_inductor_torchbench shard 2/4: artifact not there"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is not among the run's artifacts"), std::string::npos) << r.err;
    expect_all_written({suite + "_training.csv", suite + "_inference.csv", "cpu_inductor_torchbench_inference.csv"});
    EXPECT_NE(r.out.find(suite + "_training: shards 1/3, 3/3 not there"), std::string::npos) << r.out;
}

TEST_F(GithubArtifactsE2e, AListingThatFailsFailsItsShardsWithoutAnOlderCandidate) {
    // The retried shard's newest attempt is not on S3; its run's listing fails: attempt 1's
    // artifact, which S3 has, must not stand in for it.
    const auto& moved = move_to_github("inductor_timm", 1);
    script_github();
    api_->add_response("GET", listing_target(moved.run_id), 500, R"({"message":"Server Error"})");
    auto r = run(github_args({"--retries", "0"}), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("its run's GitHub artifacts cannot be listed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("HTTP 500"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out_ / "inductor_timm_training.csv"));
    const std::string older_attempt = "_" + std::to_string(snap_.jobs[0].id) + ".zip";
    for (const auto& q : server_->requests())
        EXPECT_EQ(q.target.find(older_attempt), std::string::npos) << "an older attempt stood in: " << q.target;

    // An API that cannot be reached: said once for every shard that needed it, in both runs.
    move_to_github("cpu_inductor_torchbench", 1);
    r = run(file_args({"--github-api-url", "https://127.0.0.1:1", "--retries", "0", "--no-cache"}),
            {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    std::size_t said = 0;
    for (std::size_t at = 0; (at = r.err.find("cannot be listed", at)) != std::string::npos; ++at) ++said;
    EXPECT_EQ(said, 1u) << r.err;
    EXPECT_NE(r.err.find("more artifacts failed the same way"), std::string::npos) << r.err;
}

TEST_F(GithubArtifactsE2e, NoGithubArtifactsLooksAtS3Only) {
    move_to_github("dynamic_aot_eager_huggingface", 1);
    script_github();
    const auto r = run(file_args({"--no-github-artifacts"}), {{"GITHUB_TOKEN", token}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(api_->requests().empty());
    EXPECT_NE(r.out.find("dynamic_aot_eager_huggingface_training: shard 1/3 not there"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ue::test
