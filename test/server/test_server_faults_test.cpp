// The fault-injecting side of the test server and the CONNECT proxy, as the server sees them.

#include "connect_proxy.hpp"
#include "fault_spec.hpp"
#include "script_file.hpp"
#include "test_client.hpp"
#include "test_server.hpp"

#include <boost/json/parse.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>

namespace ue::testing {
namespace {

namespace http = boost::beast::http;
using namespace std::chrono_literals;

server_options plain_http() {
    server_options o;
    o.tls = false;
    return o;
}

constexpr std::uint64_t body_size = 200'000;

TEST(Faults, StatusFaultsAreConsumedInOrderThenServiceResumes) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", body_size, 3);
    srv.add_faults("/a.zip", {fault::error(500), fault::retry_after(503, "2"), fault::retry_after(429, "1"),
                              fault::error(403, "<Error><Code>AccessDenied</Code></Error>"), fault::error(404)});
    test_client client{srv};
    const auto first = client.get("/a.zip");
    EXPECT_EQ(first.message.result_int(), 500);
    const auto second = client.get("/a.zip?attempt=2");  // the query does not matter
    EXPECT_EQ(second.message.result_int(), 503);
    EXPECT_EQ(second.message[http::field::retry_after], "2");
    const auto third = client.get("/a.zip");
    EXPECT_EQ(third.message.result_int(), 429);
    EXPECT_EQ(third.message[http::field::retry_after], "1");
    const auto fourth = client.get("/a.zip");
    EXPECT_EQ(fourth.message.result_int(), 403);
    EXPECT_EQ(fourth.message[http::field::content_type], "application/xml");
    EXPECT_EQ(client.get("/a.zip").message.result_int(), 404);
    EXPECT_EQ(srv.faults_left("/a.zip"), 0u);
    const auto served = client.get("/a.zip");
    EXPECT_EQ(served.message.result_int(), 200);
    EXPECT_EQ(served.message.body(), generated_bytes(3, 0, body_size));
    EXPECT_EQ(srv.requests().size(), 6u);
}

TEST(Faults, ResetAfterBytesSendsRst) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", body_size, 3);
    srv.add_faults("/a.zip", {fault::reset_after(70'000)});
    test_client client{srv};
    const auto cut = client.get("/a.zip");
    EXPECT_EQ(cut.stage, "read");
    EXPECT_EQ(cut.error, boost::asio::error::connection_reset) << cut.error.message();
    EXPECT_EQ(cut.message.body(), generated_bytes(3, 0, 70'000));  // every byte before the reset
    // The next attempt resumes where a client would, on a new connection.
    const auto rest = client.get("/a.zip", {{"Range", "bytes=70000-"}});
    EXPECT_EQ(rest.message.result_int(), 206);
    EXPECT_EQ(rest.message.body(), generated_bytes(3, 70'000, body_size - 70'000));
    EXPECT_EQ(srv.stats().connections_accepted, 2u);
}

class Truncation : public ::testing::TestWithParam<bool> {};

TEST_P(Truncation, ClosesCleanlyShortOfContentLength) {
    server_options o;
    o.tls = GetParam();
    server srv{o};
    srv.add_generated("/a.zip", body_size, 3);
    srv.add_faults("/a.zip", {fault::truncate_after(1000)});
    test_client client{srv};
    const auto cut = client.get("/a.zip");
    EXPECT_EQ(cut.stage, "read");
    EXPECT_EQ(cut.error, http::error::partial_message) << cut.error.message();
    EXPECT_EQ(client.get("/a.zip").message.body().size(), body_size);
}

INSTANTIATE_TEST_SUITE_P(Faults, Truncation, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "https" : "http"; });

TEST(Faults, StallsHoldTheRequest) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", body_size, 3);
    srv.add_faults("/a.zip", {fault::stall_before_headers(), fault::stall_after(10)});
    test_client client{srv};
    http::request<http::string_body> get{http::verb::get, "/a.zip", 11};
    EXPECT_EQ(client.send(get, 200ms).error, boost::beast::error::timeout);
    const auto mid = client.send(get, 200ms);
    EXPECT_EQ(mid.error, boost::beast::error::timeout);
    EXPECT_EQ(client.send(get).message.body().size(), body_size);
}

TEST(Faults, DripDeliversTheSameBytes) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", 5000, 3);
    srv.add_faults("/a.zip", {fault::drip(1000, 5ms)});
    EXPECT_EQ(test_client{srv}.get("/a.zip").message.body(), generated_bytes(3, 0, 5000));
    EXPECT_THROW(fault::drip(0, 1ms), std::invalid_argument);
}

TEST(Faults, CorruptByteFlipsExactlyThatOffset) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", body_size, 3);
    srv.add_faults("/a.zip", {fault::corrupt_byte(123'456), fault::corrupt_byte(10)});
    test_client client{srv};
    std::string expected = generated_bytes(3, 0, body_size);
    const std::string damaged = client.get("/a.zip").message.body();
    ASSERT_EQ(damaged.size(), body_size);
    EXPECT_EQ(damaged[123'456], static_cast<char>(~expected[123'456]));
    expected[123'456] = damaged[123'456];
    EXPECT_EQ(damaged, expected);
    // The offset is in the content: a range that starts after it is untouched.
    EXPECT_EQ(client.get("/a.zip", {{"Range", "bytes=100-"}}).message.body(), generated_bytes(3, 100, body_size - 100));
}

TEST(Faults, IgnoreRangeServesTheWholeBody) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", 1000, 3);
    srv.add_faults("/a.zip", {fault::ignore_range()});
    test_client client{srv};
    const auto whole = client.get("/a.zip", {{"Range", "bytes=100-"}});
    EXPECT_EQ(whole.message.result_int(), 200);
    EXPECT_EQ(whole.message.body(), generated_bytes(3, 0, 1000));
    EXPECT_EQ(client.get("/a.zip", {{"Range", "bytes=100-"}}).message.result_int(), 206);
}

TEST(Faults, RedirectChainAcrossServers) {
    server first{plain_http()}, second{plain_http()};
    second.add_response("GET", "/final", 200, R"({"ok":true})");
    first.add_faults("/start", {fault::redirect(301, "/middle")});
    first.add_faults("/middle", {fault::redirect(307, second.url("/final"))});
    test_client client{first};
    const auto hop1 = client.get("/start");
    EXPECT_EQ(hop1.message.result_int(), 301);
    EXPECT_EQ(hop1.message[http::field::location], "/middle");
    const auto hop2 = client.get("/middle");
    EXPECT_EQ(hop2.message.result_int(), 307);
    EXPECT_EQ(hop2.message[http::field::location], second.url("/final"));
    EXPECT_EQ(test_client{second}.get("/final").message.body(), R"({"ok":true})");
}

TEST(Faults, GarbageJsonIsNotJson) {
    server srv{plain_http()};
    srv.add_response("POST", "/query", 200, R"({"rows":[]})");
    srv.add_faults("/query", {fault::garbage_json()});
    test_client client{srv};
    http::request<http::string_body> post{http::verb::post, "/query", 11};
    const auto garbage = client.send(post);
    EXPECT_EQ(garbage.message.result_int(), 200);
    EXPECT_EQ(garbage.message[http::field::content_type], "application/json");
    boost::system::error_code ec;
    boost::json::parse(garbage.message.body(), ec);
    EXPECT_TRUE(ec);
    EXPECT_EQ(client.send(post).message.body(), R"({"rows":[]})");
    srv.add_faults("/query", {fault::error(500)});
    srv.clear_faults();
    EXPECT_EQ(client.send(post).message.result_int(), 200);
}

TEST(FaultSpec, ParsesEveryKindAndRepeats) {
    const auto faults = parse_faults(
        "503:retry-after=2*2,500,reset:70000,truncate:5,stall,stall:9,drip:100:3,corrupt:7,"
        "redirect:302:http://127.0.0.1:1/x?a=1,garbage,full");
    ASSERT_EQ(faults.size(), 12u);
    EXPECT_EQ(faults[0].what, fault::kind::status);
    EXPECT_EQ(faults[1].status, 503u);
    EXPECT_EQ(faults[1].headers, (header_list{{"Retry-After", "2"}}));
    EXPECT_EQ(faults[2].status, 500u);
    EXPECT_TRUE(faults[2].headers.empty());
    EXPECT_EQ(faults[3].what, fault::kind::reset);
    EXPECT_EQ(faults[3].bytes, 70'000u);
    EXPECT_EQ(faults[4].what, fault::kind::truncate);
    EXPECT_EQ(faults[5].what, fault::kind::stall_headers);
    EXPECT_EQ(faults[6].what, fault::kind::stall_body);
    EXPECT_EQ(faults[6].bytes, 9u);
    EXPECT_EQ(faults[7].what, fault::kind::drip);
    EXPECT_EQ(faults[7].pause, 3ms);
    EXPECT_EQ(faults[8].what, fault::kind::corrupt);
    EXPECT_EQ(faults[9].what, fault::kind::redirect);
    EXPECT_EQ(faults[9].status, 302u);
    EXPECT_EQ(faults[9].headers, (header_list{{"Location", "http://127.0.0.1:1/x?a=1"}}));
    EXPECT_EQ(faults[10].what, fault::kind::garbage_json);
    EXPECT_EQ(faults[11].what, fault::kind::ignore_range);

    const auto [path, list] = parse_fault_option("/a/b.zip=404");
    EXPECT_EQ(path, "/a/b.zip");
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].status, 404u);
    for (const char* bad :
         {"", "reset", "reset:x", "drip:0:1", "600", "503:later", "teapot", "500*0", "redirect:301", ","})
        EXPECT_THROW(parse_faults(bad), std::invalid_argument) << bad;
    EXPECT_THROW(parse_fault_option("a.zip=500"), std::invalid_argument);
    EXPECT_THROW(parse_fault_option("/a.zip"), std::invalid_argument);
}

TEST(FaultSpec, ScriptFileQueuesFaults) {
    server srv{plain_http()};
    apply_script(srv, R"({"generated": [{"path": "/a.zip", "size": 1000, "seed": 1}],
                          "faults": [{"path": "/a.zip", "spec": "503*2"}]})");
    EXPECT_EQ(srv.faults_left("/a.zip"), 2u);
    test_client client{srv};
    EXPECT_EQ(client.get("/a.zip").message.result_int(), 503);
    EXPECT_EQ(client.get("/a.zip").message.result_int(), 503);
    EXPECT_EQ(client.get("/a.zip").message.body(), generated_bytes(1, 0, 1000));
}

TEST(Faults, RequestLogShowsCredentialAndRangeHeaders) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", 1000, 1);
    test_client client{srv};
    client.get("/a.zip", {{"Range", "bytes=10-"},
                          {"If-Range", "\"e\""},
                          {"Authorization", "Bearer t"},
                          {"Proxy-Authorization", "Basic x"}});
    const auto log = srv.requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].header("range"), "bytes=10-");
    EXPECT_EQ(log[0].header("if-range"), "\"e\"");
    EXPECT_EQ(log[0].header("authorization"), "Bearer t");
    EXPECT_EQ(log[0].header("proxy-authorization"), "Basic x");
}

TEST(Proxy, TunnelsHttpsAndLogsTheConnect) {
    server srv;
    srv.add_response("GET", "/x", 200, "{}");
    connect_proxy proxy;
    test_client client{srv};
    client.use_proxy(proxy.port());
    EXPECT_EQ(client.get("/x").message.result_int(), 200);
    EXPECT_EQ(client.get("/x").message.result_int(), 200);  // same tunnel
    const auto log = proxy.requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].method, "CONNECT");
    EXPECT_EQ(log[0].target, "localhost:" + std::to_string(srv.port()));
    EXPECT_EQ(proxy.stats().tunnels_opened, 1u);
    EXPECT_EQ(srv.stats().connections_accepted, 1u);
}

TEST(Proxy, ForwardsAbsoluteFormHttp) {
    server srv{plain_http()};
    srv.add_generated("/a.zip", body_size, 4);
    connect_proxy proxy;
    test_client client{srv};
    client.use_proxy(proxy.port());
    EXPECT_EQ(client.get("/a.zip").message.body(), generated_bytes(4, 0, body_size));
    const auto ranged = client.get("/a.zip", {{"Range", "bytes=10-19"}});
    EXPECT_EQ(ranged.message.result_int(), 206);
    EXPECT_EQ(ranged.message.body(), generated_bytes(4, 10, 10));
    EXPECT_EQ(proxy.requests().at(0).target, srv.url("/a.zip"));
    EXPECT_EQ(proxy.stats().requests_forwarded, 2u);
    EXPECT_EQ(proxy.stats().connections_accepted, 1u);  // the client's connection stayed open
    EXPECT_EQ(srv.requests().at(0).target, "/a.zip");   // origin-form upstream
    EXPECT_EQ(srv.requests().at(0).header("Proxy-Authorization"), "");
}

TEST(Proxy, RequiresBasicAuthWhenConfigured) {
    server srv;
    srv.add_response("GET", "/x", 200, "{}");
    proxy_options options;
    options.user = "alice";
    options.password = "s3cret";
    connect_proxy proxy{options};
    EXPECT_EQ(proxy.url(), fmt::format("http://alice:s3cret@127.0.0.1:{}", proxy.port()));
    test_client client{srv};
    client.use_proxy(proxy.port());
    const auto refused = client.get("/x");
    EXPECT_EQ(refused.stage, "proxy");
    EXPECT_EQ(refused.message.result_int(), 407);
    client.use_proxy(proxy.port(), "Basic YWxpY2U6czNjcmV0");  // alice:s3cret
    EXPECT_EQ(client.get("/x").message.result_int(), 200);
    EXPECT_EQ(proxy.requests().back().header("proxy-authorization"), "Basic YWxpY2U6czNjcmV0");
    EXPECT_EQ(proxy.stats().refused, 1u);
}

TEST(Proxy, RefusesOnDemandAndNeverLeavesLoopback) {
    server srv;
    connect_proxy proxy;
    proxy.refuse_next(403);
    test_client client{srv};
    client.use_proxy(proxy.port());
    EXPECT_EQ(client.get("/x").message.result_int(), 403);
    test_client elsewhere{"example.com", 443, true, srv.ca_pem()};
    elsewhere.use_proxy(proxy.port());
    EXPECT_EQ(elsewhere.get("/").message.result_int(), 502);
    EXPECT_EQ(proxy.stats().refused, 2u);
}

}  // namespace
}  // namespace ue::testing
