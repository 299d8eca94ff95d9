#include "update_expected/sources/job_source.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace ue::sources {
namespace {

query clickhouse(std::string endpoint) {
    query q;
    q.kind = query_kind::clickhouse;
    q.endpoint = net::url::from(endpoint);
    q.repo = "pytorch/pytorch";
    q.sha = "abc";
    return q;
}

std::string header(const net::request& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        if (k == name) return v;
    }
    return {};
}

TEST(MakeRequest, ClickhouseAddsFormatJsonUnlessAFormatIsGiven) {
    EXPECT_EQ(make_request(clickhouse("https://ch.example/query")).target.target, "/query?format=JSON");
    EXPECT_EQ(make_request(clickhouse("https://ch.example/q?x=1")).target.target, "/q?x=1&format=JSON");
    EXPECT_EQ(make_request(clickhouse("https://ch.example/q?format=JSONEachRow")).target.target,
              "/q?format=JSONEachRow");
    EXPECT_EQ(make_request(clickhouse("https://ch.example/q?a=1&format=JSON")).target.target, "/q?a=1&format=JSON");
    EXPECT_EQ(make_request(clickhouse("https://ch.example/q?informat=1")).target.target, "/q?informat=1&format=JSON");
}

TEST(MakeRequest, ClickhousePostsQueryVariablesWithBasicAuth) {
    auto q = clickhouse("https://ch.example/query");
    q.key_id = "Aladdin";
    q.key_secret = "open sesame";
    q.sha = "a\"b";  // escaped, not breaking the document
    const auto r = make_request(q);
    EXPECT_EQ(r.method, boost::beast::http::verb::post);
    EXPECT_EQ(r.body, R"({"queryVariables":{"sha":"a\"b","repo":"pytorch/pytorch"}})");
    EXPECT_EQ(header(r, "Authorization"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    EXPECT_EQ(header(r, "Content-Type"), "application/json");
}

TEST(MakeRequest, ClickhouseWithoutCredentialsSendsNoAuthorization) {
    EXPECT_EQ(header(make_request(clickhouse("https://ch.example/query")), "Authorization"), "");
}

TEST(MakeRequest, Base64PadsEveryLength) {
    auto q = clickhouse("https://ch.example/query");
    q.key_secret = "";
    for (const auto& [id, expected] : std::vector<std::pair<std::string, std::string>>{
             {"", "Basic Og=="}, {"a", "Basic YTo="}, {"ab", "Basic YWI6"}, {"abc", "Basic YWJjOg=="}}) {
        q.key_id = id;
        EXPECT_EQ(header(make_request(q), "Authorization"), id.empty() ? "" : expected) << id;
    }
}

TEST(MakeRequest, RocksetPostsParametersWithoutCredentials) {
    query q = clickhouse("https://lambda.example/run?x=1");
    q.kind = query_kind::rockset;
    q.key_id = "unused";
    const auto r = make_request(q);
    EXPECT_EQ(r.target.target, "/run?x=1");
    EXPECT_EQ(r.body, R"({"parameters":[{"name":"sha","type":"string","value":"abc"},)"
                      R"({"name":"repo","type":"string","value":"pytorch/pytorch"}]})");
    EXPECT_EQ(header(r, "Authorization"), "");
}

class JobsFile : public ::testing::Test {
protected:
    std::filesystem::path write(const std::string& content) {
        std::ofstream(path_, std::ios::binary) << content;
        return path_;
    }
    void TearDown() override { std::filesystem::remove(path_); }
    std::filesystem::path path_ = std::filesystem::temp_directory_path() /
                                  ("ue-jobs-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
};

TEST_F(JobsFile, ReadsEveryShape) {
    const std::string row = R"({"workflowName":"inductor","jobName":"j","id":"5","runAttempt":1,"workflowId":9})";
    for (const auto& doc : {"[" + row + "]", R"({"data":[)" + row + "]}", R"({"results":[)" + row + "]}"}) {
        const auto answer = read_jobs_file(write(doc));
        ASSERT_TRUE(answer.ok()) << answer.message;
        ASSERT_EQ(answer.rows.size(), 1u);
        EXPECT_EQ(answer.rows[0].id, 5u);
    }
}

TEST_F(JobsFile, CountsIncompleteRows) {
    const auto answer = read_jobs_file(write(R"([{"workflowName":"inductor","jobName":"j","id":5}])"));
    ASSERT_TRUE(answer.ok()) << answer.message;
    EXPECT_TRUE(answer.rows.empty());
    EXPECT_EQ(answer.skipped.total(), 1u);
}

TEST_F(JobsFile, MalformedJsonNamesTheFile) {
    const auto answer = read_jobs_file(write(R"({"data": [)"));
    EXPECT_FALSE(answer.ok());
    EXPECT_NE(answer.message.find(path_.string()), std::string::npos) << answer.message;
    EXPECT_NE(answer.message.find("malformed job rows"), std::string::npos) << answer.message;
}

TEST(ReadJobsFile, AMissingFileIsUnreadable) {
    const auto answer = read_jobs_file("/nonexistent/jobs.json");
    EXPECT_EQ(answer.code, error::unreadable_jobs_file);
    EXPECT_NE(answer.message.find("/nonexistent/jobs.json"), std::string::npos);
}

}  // namespace
}  // namespace ue::sources
