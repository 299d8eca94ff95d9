#include "ranges.hpp"
#include "script_file.hpp"
#include "test_client.hpp"
#include "test_server.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include <fstream>
#include <thread>

namespace ue::testing {
namespace {

namespace http = boost::beast::http;

server_options options(bool tls) {
    server_options o;
    o.tls = tls;
    return o;
}

// A scratch directory with one file of known bytes, removed at the end.
class served_dir {
public:
    served_dir() {
        path_ = std::filesystem::temp_directory_path() /
                ("ue-server-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
        std::filesystem::create_directories(path_ / "sub");
        content_ = generated_bytes(7, 0, 300'000);
        std::ofstream{path_ / "sub" / "a.zip", std::ios::binary} << content_;
    }
    ~served_dir() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }
    const std::string& content() const { return content_; }

private:
    static inline int counter_ = 0;
    std::filesystem::path path_;
    std::string content_;
};

TEST(Ranges, DecidesLikeRfc9110) {
    const auto d = [](std::string_view range, std::string_view if_range = {}) {
        return decide_range(range, if_range, "\"e\"", 100);
    };
    EXPECT_EQ(d("").kind, range_kind::full);
    EXPECT_EQ(d("").length, 100u);
    EXPECT_EQ(d("bytes=10-").kind, range_kind::partial);
    EXPECT_EQ(d("bytes=10-").first, 10u);
    EXPECT_EQ(d("bytes=10-").length, 90u);
    EXPECT_EQ(d("bytes=10-19").length, 10u);
    EXPECT_EQ(d("bytes=90-500").length, 10u);  // clamped at the end
    EXPECT_EQ(d("bytes=-30").first, 70u);
    EXPECT_EQ(d("bytes=-500").length, 100u);
    EXPECT_EQ(d("bytes=100-").kind, range_kind::unsatisfiable);
    EXPECT_EQ(d("bytes=-0").kind, range_kind::unsatisfiable);
    EXPECT_EQ(d("bytes=20-10").kind, range_kind::full);  // invalid: ignored
    EXPECT_EQ(d("bytes=0-1,5-6").kind, range_kind::full);
    EXPECT_EQ(d("items=0-1").kind, range_kind::full);
    EXPECT_EQ(d("bytes=x-").kind, range_kind::full);
    EXPECT_EQ(d("bytes=10-", "\"e\"").kind, range_kind::partial);
    EXPECT_EQ(d("bytes=10-", "\"other\"").kind, range_kind::full);
    EXPECT_EQ(decide_range("bytes=0-", {}, "\"e\"", 0).kind, range_kind::unsatisfiable);
}

TEST(GeneratedBody, AnyRangeMatchesTheWhole) {
    const std::string whole = generated_bytes(42, 0, 1000);
    EXPECT_EQ(generated_bytes(42, 13, 500), whole.substr(13, 500));
    EXPECT_NE(generated_bytes(43, 0, 1000), whole);
    EXPECT_EQ(generated_crc32(42, 0, 1000),
              crc32(0, reinterpret_cast<const Bytef*>(whole.data()), static_cast<uInt>(whole.size())));
}

class Files : public ::testing::TestWithParam<bool> {};  // over https and http

TEST_P(Files, ServesFilesWithRangesAndETag) {
    served_dir dir;
    server_options o = options(GetParam());
    o.root = dir.path();
    server srv{o};
    test_client client{srv};

    auto full = client.get("/sub/a.zip");
    ASSERT_FALSE(full.error) << full.stage << ": " << full.error.message();
    EXPECT_EQ(full.message.result_int(), 200);
    EXPECT_EQ(full.message.body(), dir.content());
    EXPECT_EQ(full.message[http::field::accept_ranges], "bytes");
    const std::string etag{full.message[http::field::etag]};
    ASSERT_TRUE(etag.starts_with('"') && etag.ends_with('"')) << etag;

    auto tail = client.get("/sub/a.zip", {{"Range", "bytes=100000-"}});
    EXPECT_EQ(tail.message.result_int(), 206);
    EXPECT_EQ(tail.message[http::field::content_range], "bytes 100000-299999/300000");
    EXPECT_EQ(tail.message.body(), dir.content().substr(100000));

    auto middle = client.get("/sub/a.zip", {{"Range", "bytes=5-9"}, {"If-Range", etag}});
    EXPECT_EQ(middle.message.result_int(), 206);
    EXPECT_EQ(middle.message.body(), dir.content().substr(5, 5));

    auto changed = client.get("/sub/a.zip", {{"Range", "bytes=5-9"}, {"If-Range", "\"stale\""}});
    EXPECT_EQ(changed.message.result_int(), 200);
    EXPECT_EQ(changed.message.body().size(), dir.content().size());

    auto past = client.get("/sub/a.zip", {{"Range", "bytes=300000-"}});
    EXPECT_EQ(past.message.result_int(), 416);
    EXPECT_EQ(past.message[http::field::content_range], "bytes */300000");

    http::request<http::string_body> head{http::verb::head, "/sub/a.zip", 11};
    auto headers_only = client.send(head);
    EXPECT_EQ(headers_only.message.result_int(), 200);
    EXPECT_EQ(headers_only.message[http::field::content_length], "300000");

    EXPECT_EQ(client.get("/sub/missing.zip").message.result_int(), 404);
    EXPECT_EQ(client.get("/sub").message.result_int(), 404);
    EXPECT_EQ(client.get("/../etc/passwd").message.result_int(), 404);

    // Every answer above came on the one keep-alive connection.
    EXPECT_EQ(srv.stats().connections_accepted, 1u);
    EXPECT_EQ(srv.stats().requests_total, 9u);
}

INSTANTIATE_TEST_SUITE_P(Server, Files, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "https" : "http"; });

TEST(Server, MissingCanLookLikeS3AccessDenied) {
    server_options o = options(false);
    o.missing = missing_reply::access_denied;
    server srv{o};
    auto reply = test_client{srv}.get("/nope.zip");
    EXPECT_EQ(reply.message.result_int(), 403);
    EXPECT_NE(reply.message.body().find("<Code>AccessDenied</Code>"), std::string::npos);
}

TEST(Server, GeneratedBodyStreamsWithRanges) {
    server srv;
    constexpr std::uint64_t size = 3 * 1024 * 1024 + 17;
    srv.add_generated("/big.bin", size, 99);
    test_client client{srv};
    auto whole = client.get("/big.bin?x-id=1");
    ASSERT_FALSE(whole.error) << whole.stage << ": " << whole.error.message();
    ASSERT_EQ(whole.message.body().size(), size);
    const auto& body = whole.message.body();
    EXPECT_EQ(crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())),
              generated_crc32(99, 0, size));
    auto part = client.get("/big.bin", {{"Range", "bytes=1000000-1000099"}});
    EXPECT_EQ(part.message.result_int(), 206);
    EXPECT_EQ(part.message.body(), generated_bytes(99, 1000000, 100));
}

TEST(Server, ScriptedAnswersAndRequestLog) {
    server srv;
    srv.add_response("POST", "/query", 200, R"({"rows":[]})", {{"X-Extra", "1"}});
    srv.add_response("GET", "/api/jobs?page=2", 200, R"({"page":2})");
    srv.add_response("GET", "/api/jobs", 200, R"({"page":"any"})");
    test_client client{srv};

    http::request<http::string_body> post{http::verb::post, "/query", 11};
    post.set(http::field::authorization, "Bearer t0ken");
    post.set(http::field::user_agent, "update-expected/test");
    post.body() = R"({"sql":"select 1"})";
    auto answer = client.send(post);
    EXPECT_EQ(answer.message.result_int(), 200);
    EXPECT_EQ(answer.message.body(), R"({"rows":[]})");
    EXPECT_EQ(answer.message["X-Extra"], "1");
    EXPECT_EQ(answer.message[http::field::content_type], "application/json");

    EXPECT_EQ(client.get("/api/jobs?page=2").message.body(), R"({"page":2})");
    EXPECT_EQ(client.get("/api/jobs?page=3").message.body(), R"({"page":"any"})");
    EXPECT_EQ(client.get("/query").message.result_int(), 404);  // scripted for POST only, no file

    const auto log = srv.requests();
    ASSERT_EQ(log.size(), 4u);
    EXPECT_EQ(log[0].method, "POST");
    EXPECT_EQ(log[0].target, "/query");
    EXPECT_EQ(log[0].body, R"({"sql":"select 1"})");
    EXPECT_EQ(log[0].header("authorization"), "Bearer t0ken");
    EXPECT_EQ(log[0].header("User-Agent"), "update-expected/test");
    EXPECT_EQ(log[1].path(), "/api/jobs");
    EXPECT_EQ(log[2].target, "/api/jobs?page=3");
    EXPECT_EQ(log[3].connection, log[0].connection);
    srv.clear_requests();
    EXPECT_TRUE(srv.requests().empty());
}

TEST(Server, AScriptedAnswerWithAnETagIsConditional) {
    server srv;
    srv.add_response("GET", "/api/runs", 200, R"({"runs":[]})", {{"ETag", "W/\"v1\""}});
    test_client client{srv};
    EXPECT_EQ(client.get("/api/runs").message.result_int(), 200);
    EXPECT_EQ(client.get("/api/runs", {{"If-None-Match", "\"v0\""}}).message.result_int(), 200);
    const auto same = client.get("/api/runs", {{"If-None-Match", "W/\"v1\""}});
    EXPECT_EQ(same.message.result_int(), 304);
    EXPECT_EQ(same.message["ETag"], "W/\"v1\"");
    EXPECT_TRUE(same.message.body().empty());
}

TEST(Server, HandlersAnswerFromTheRequest) {
    server srv;
    srv.add_response("GET", "/who", 200, "scripted");
    srv.add_handler("GET", "/who", [](const recorded_request& r) {
        return answer{r.header("authorization").empty() ? 401u : 200u, r.target, {{"X-Seen", "1"}}};
    });
    test_client client{srv};
    const auto anonymous = client.get("/who?a=1");
    EXPECT_EQ(anonymous.message.result_int(), 401);
    EXPECT_EQ(anonymous.message.body(), "/who?a=1");
    EXPECT_EQ(anonymous.message["X-Seen"], "1");
    EXPECT_EQ(client.get("/who", {{"Authorization", "Bearer t"}}).message.result_int(), 200);
    EXPECT_EQ(srv.requests().size(), 2u);
}

TEST(Server, SignedPathsWantAGoodSignatureAndNoAuthorization) {
    server_options o = options(true);
    o.refuse_authorization = true;
    server srv{o};
    srv.add_generated("/blob/a.zip", 1000, 3);
    test_client client{srv};
    EXPECT_EQ(client.get("/blob/a.zip").message.result_int(), 200);  // not signed yet: served

    const std::string signed_url = srv.sign("/blob/a.zip", 2);
    const std::string target = signed_url.substr(srv.base_url().size());
    EXPECT_EQ(target, "/blob/a.zip?sig=1");
    const auto refused = [](const test_client::result& r, std::string_view why) {
        EXPECT_EQ(r.message.result_int(), 403);
        EXPECT_NE(r.message.body().find("<Code>AuthenticationFailed</Code>"), std::string::npos);
        EXPECT_NE(r.message.body().find(why), std::string::npos) << r.message.body();
    };
    refused(client.get("/blob/a.zip"), "did not match");
    refused(client.get("/blob/a.zip?sig=2"), "did not match");
    refused(client.get(target, {{"Authorization", "Bearer t"}}), "Authorization");
    EXPECT_EQ(client.get(target).message.result_int(), 200);
    EXPECT_EQ(client.get(target, {{"Range", "bytes=10-"}}).message.result_int(), 206);
    refused(client.get(target), "expired");
    EXPECT_EQ(client.get(srv.sign("/blob/a.zip", 1).substr(srv.base_url().size())).message.result_int(), 200);
}

TEST(Script, LoadsResponsesAndGeneratedBodies) {
    server srv{options(false)};
    apply_script(srv, R"({
        "responses": [
            {"method": "POST", "target": "/q", "status": 201, "json": {"a": [1, 2]},
             "headers": {"X-Page": "2"}},
            {"target": "/text", "body": "plain", "headers": {"Content-Type": "text/plain"}}
        ],
        "generated": [{"path": "/g.bin", "size": 1000, "seed": 5}]
    })");
    test_client client{srv};
    http::request<http::string_body> post{http::verb::post, "/q", 11};
    auto created = client.send(post);
    EXPECT_EQ(created.message.result_int(), 201);
    EXPECT_EQ(created.message.body(), R"({"a":[1,2]})");
    EXPECT_EQ(created.message["X-Page"], "2");
    auto text = client.get("/text");
    EXPECT_EQ(text.message.body(), "plain");
    EXPECT_EQ(text.message[http::field::content_type], "text/plain");
    EXPECT_EQ(client.get("/g.bin").message.body(), generated_bytes(5, 0, 1000));
}

TEST(Script, BadEntriesAreNamed) {
    server srv{options(false)};
    try {
        apply_script(srv, R"({"responses": [{"target": "/a"}, {"status": 200}]})");
        FAIL() << "a response without a target was accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("responses[1]"), std::string::npos) << e.what();
    }
    EXPECT_THROW(apply_script(srv, "{not json"), std::runtime_error);
    EXPECT_THROW(load_script(srv, "/nonexistent/script.json"), std::runtime_error);
}

TEST(Server, CountsConnectionsAndRequests) {
    server srv{options(false)};
    srv.add_response("GET", "/x", 200, "{}");
    {
        test_client a{srv}, b{srv}, c{srv};
        EXPECT_EQ(a.get("/x").message.result_int(), 200);
        EXPECT_EQ(b.get("/x").message.result_int(), 200);
        EXPECT_EQ(c.get("/x").message.result_int(), 200);
        EXPECT_EQ(a.get("/x").message.result_int(), 200);
        const auto stats = srv.stats();
        EXPECT_EQ(stats.connections_accepted, 3u);
        EXPECT_EQ(stats.connections_open_max, 3u);
        EXPECT_EQ(stats.requests_total, 4u);
        EXPECT_EQ(stats.requests_in_flight_max, 1u);
        const auto log = srv.requests();
        EXPECT_EQ(log[0].connection, log[3].connection);
        EXPECT_NE(log[0].connection, log[1].connection);
    }
    // Closing is seen asynchronously: ask until the server has noticed (bounded by the test timeout).
    while (srv.stats().connections_open != 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_EQ(srv.stats().requests_in_flight, 0u);
}

TEST(Server, DelaysStillAnswer) {
    server_options o;
    o.accept_delay = o.response_delay = std::chrono::milliseconds(20);
    server srv{o};
    srv.add_response("GET", "/x", 204, "");
    EXPECT_EQ(test_client{srv}.get("/x").message.result_int(), 204);
}

TEST(Server, ScriptedAnswersTakeTheAnswerDelay) {
    server_options o;
    o.answer_delay = std::chrono::milliseconds(300);
    server srv{o};
    srv.add_response("GET", "/x", 204, "");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(test_client{srv}.get("/x").message.result_int(), 204);
    EXPECT_GE(std::chrono::steady_clock::now() - start, o.answer_delay);  // a lower bound: no load shortens a sleep
}

TEST(Tls, RefusedCertificatesFailTheHandshake) {
    for (const cert_kind kind : {cert_kind::wrong_host, cert_kind::untrusted}) {
        server_options o;
        o.cert = kind;
        server srv{o};
        auto reply = test_client{srv}.get("/x");
        EXPECT_EQ(reply.stage, "handshake");
        EXPECT_TRUE(reply.error) << "certificate kind " << static_cast<int>(kind);
    }
}

TEST(Tls, TrustedCertificateAlsoNamesTheLoopbackAddress) {
    server srv;
    srv.add_response("GET", "/x", 200, "{}");
    test_client by_ip{"127.0.0.1", srv.port(), true, srv.ca_pem()};
    EXPECT_EQ(by_ip.get("/x").message.result_int(), 200);
    std::ifstream file{srv.ca_file()};
    const std::string pem{std::istreambuf_iterator<char>(file), {}};
    EXPECT_EQ(pem, srv.ca_pem());
}

TEST(Stalls, EachStageHoldsTheClientUntilItsDeadline) {
    server srv;
    srv.add_generated("/body", 200'000, 1);
    srv.add_response("GET", "/ok", 200, "{}");
    const auto deadline = std::chrono::milliseconds(200);
    http::request<http::string_body> get_body{http::verb::get, "/body", 11};

    srv.stall(stall_point::before_handshake);
    auto r1 = test_client{srv}.send(get_body, deadline);
    EXPECT_EQ(r1.stage, "handshake");
    EXPECT_EQ(r1.error, boost::beast::error::timeout);
    srv.clear_stalls();

    srv.stall(stall_point::before_headers, "/body");
    test_client client{srv};
    auto r2 = client.send(get_body, deadline);
    EXPECT_EQ(r2.stage, "read");
    EXPECT_EQ(r2.error, boost::beast::error::timeout);
    EXPECT_EQ(client.get("/ok").message.result_int(), 200);  // other paths are served
    srv.clear_stalls();

    srv.stall(stall_point::mid_body, "/body", 70'000);
    auto r3 = client.send(get_body, deadline);
    EXPECT_EQ(r3.stage, "read");
    EXPECT_EQ(r3.error, boost::beast::error::timeout);
    srv.clear_stalls();
    EXPECT_EQ(client.get("/body").message.body(), generated_bytes(1, 0, 200'000));
    EXPECT_EQ(srv.stats().requests_total, 4u);  // stalled requests are read and logged too
}

TEST(Stalls, AStallForATargetHoldsOnlyThatQuery) {
    server srv;
    srv.add_response("GET", "/list", 200, "{}");
    srv.stall(stall_point::before_headers, "/list?page=2");
    test_client client{srv};
    http::request<http::string_body> page2{http::verb::get, "/list?page=2", 11};
    EXPECT_EQ(client.send(page2, std::chrono::milliseconds(200)).error, boost::beast::error::timeout);
    EXPECT_EQ(test_client{srv}.get("/list?page=3").message.result_int(), 200);
}

TEST(Stalls, ServerStopsWithStalledConnectionsOpen) {
    auto srv = std::make_unique<server>();
    srv->stall(stall_point::before_headers);
    test_client client{*srv};
    http::request<http::string_body> get{http::verb::get, "/x", 11};
    EXPECT_EQ(client.send(get, std::chrono::milliseconds(100)).error, boost::beast::error::timeout);
    srv.reset();  // must not hang on the open connection
}

TEST(Blackhole, ConnectNeverCompletes) {
    blackhole_listener hole;
    test_client client{"127.0.0.1", hole.port(), false, {}};
    auto reply = client.send({http::verb::get, "/", 11}, std::chrono::milliseconds(300));
    EXPECT_EQ(reply.stage, "connect");
    EXPECT_EQ(reply.error, boost::beast::error::timeout);
}

}  // namespace
}  // namespace ue::testing
