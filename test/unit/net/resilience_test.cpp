// Retries, resume, redirects and proxies against the fault-injecting test server (test/server): the
// server's request log proves how many attempts were made and what each asked for. Faults are
// scripted per request, so nothing here depends on timing; every loop is bounded by run_for.

#include "update_expected/net/client.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include <gtest/gtest.h>
#include <zlib.h>

#include "connect_proxy.hpp"
#include "test_server.hpp"

namespace ue::net {
namespace {

using namespace std::chrono_literals;
namespace ts = ue::testing;
using ts::fault;

ts::server_options plain_http() {
    ts::server_options o;
    o.tls = false;
    return o;
}

client_options options_for(const ts::server& s, unsigned retries = 4) {
    client_options o;
    o.concurrency = 4;
    o.tls.ca_file = s.ca_file().string();
    o.retry.retries = retries;
    o.retry.base_delay = 1ms;  // backoff is the policy's business (policy_test); keep the runs short
    o.retry.max_delay = 1ms;
    return o;
}

request get(const std::string& u, std::vector<std::pair<std::string, std::string>> headers = {}) {
    request r;
    r.target = url::from(u);
    r.headers = std::move(headers);
    return r;
}

// What one transfer delivered, as a consumer sees it.
struct received {
    std::optional<outcome> result;
    std::uint64_t bytes = 0;  // since the last restart
    uLong crc = crc32(0, nullptr, 0);
    unsigned restarts = 0;
    std::vector<unsigned> statuses;  // of every head
    std::string etag;                // of the first head
    std::string body;                // kept only when small
};

received fetch(client& c, boost::asio::io_context& io, request req) {
    received r;
    body_sink sink;
    sink.on_head = [&r](const response_head& h) {
        r.statuses.push_back(h.status);
        if (r.etag.empty()) r.etag = std::string(h.field("etag").value_or(""));
    };
    sink.on_chunk = [&r](std::span<const std::byte> b) {
        r.crc = crc32(r.crc, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size()));
        r.bytes += b.size();
        if (r.bytes <= 4096) r.body.append(reinterpret_cast<const char*>(b.data()), b.size());
        return std::error_code{};
    };
    sink.on_restart = [&r] {
        ++r.restarts;
        r.bytes = 0;
        r.crc = crc32(0, nullptr, 0);
        r.body.clear();
    };
    c.fetch(std::move(req), std::move(sink), [&r](const outcome& o) { r.result = o; });
    io.run_for(60s);
    EXPECT_TRUE(io.stopped()) << "work still pending after the run bound";
    io.restart();
    EXPECT_TRUE(r.result.has_value());
    if (!r.result) r.result.emplace();
    return r;
}

// The requests the server read for `path`, in order.
std::vector<ts::recorded_request> requests_for(const ts::server& s, const std::string& path) {
    std::vector<ts::recorded_request> out;
    for (auto& r : s.requests())
        if (r.path() == path) out.push_back(r);
    return out;
}

// --- retries -------------------------------------------------------------------------------------

TEST(Retries, ServerErrorsAndRateLimitsAreRetriedUntilSuccess) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", 10'000, 1);
    s.add_faults("/a.zip",
                 {fault::error(500), fault::retry_after(503, "0"), fault::retry_after(429, "0"), fault::error(502)});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.result->attempt, 5u);
    EXPECT_EQ(requests_for(s, "/a.zip").size(), 5u);
    EXPECT_EQ(r.crc, ts::generated_crc32(1, 0, 10'000));
    EXPECT_EQ(r.restarts, 0u);
}

TEST(Retries, GiveUpAfterTheLastRetryWithTheLastStatus) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", 100, 1);
    s.add_faults("/a.zip", {fault::error(503, "SlowDown"), fault::error(503, "SlowDown"),
                            fault::error(500, "InternalError"), fault::error(500)});
    boost::asio::io_context io;
    client c(io, options_for(s, 2));
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_EQ(r.result->code, error::http_status);
    EXPECT_EQ(r.result->status, 500u);
    EXPECT_EQ(r.result->attempt, 3u);
    EXPECT_EQ(r.result->body_excerpt, "InternalError");
    EXPECT_EQ(requests_for(s, "/a.zip").size(), 3u);
}

TEST(Retries, NothingIsRetriedByDefault) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", 100, 1);
    s.add_faults("/a.zip", {fault::error(500)});
    boost::asio::io_context io;
    client c(io, options_for(s, 0));
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_EQ(r.result->status, 500u);
    EXPECT_EQ(requests_for(s, "/a.zip").size(), 1u);
}

TEST(Retries, ResetsAndTruncationsOfAnUnresumableBodyRestartIt) {
    // A scripted answer has neither ETag nor Accept-Ranges: the retry starts again from byte 0.
    ts::server s(plain_http());
    const std::string body = ts::generated_bytes(5, 0, 200'000);
    s.add_response("GET", "/plain", 200, body);
    s.add_faults("/plain", {fault::reset_after(1000), fault::truncate_after(150'000)});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/plain")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.result->attempt, 3u);
    EXPECT_EQ(r.restarts, 2u);
    EXPECT_EQ(r.bytes, body.size());
    EXPECT_EQ(r.crc, crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    const auto log = requests_for(s, "/plain");
    ASSERT_EQ(log.size(), 3u);
    for (const auto& q : log) EXPECT_EQ(q.header("range"), "");
}

TEST(Retries, StageTimeoutsAreRetried) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", 50'000, 2);
    s.add_faults("/a.zip", {fault::stall_before_headers(), fault::stall_after(0)});
    boost::asio::io_context io;
    client_options o = options_for(s);
    o.timeouts = deadlines::all(300ms);
    client c(io, o);
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.result->attempt, 3u);
    EXPECT_EQ(requests_for(s, "/a.zip").size(), 3u);
    EXPECT_EQ(r.crc, ts::generated_crc32(2, 0, 50'000));
}

class NotThere : public ::testing::TestWithParam<unsigned> {};

// As the refresh asks S3: 403 and 404 say the object is not there.
request get_missing_on_403_404(const std::string& u) {
    request r = get(u);
    r.missing_statuses = {403, 404};
    return r;
}

TEST_P(NotThere, IsRetriedOnceThenReported) {
    ts::server s(plain_http());
    s.add_faults("/gone.zip", {fault::error(GetParam()), fault::error(GetParam()), fault::error(GetParam())});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get_missing_on_403_404(s.url("/gone.zip")));
    EXPECT_EQ(r.result->code, error::http_status);
    EXPECT_EQ(r.result->status, GetParam());
    EXPECT_EQ(r.result->end, ending::missing);
    EXPECT_EQ(r.result->attempt, 2u);
    EXPECT_EQ(requests_for(s, "/gone.zip").size(), 2u);
}

TEST_P(NotThere, IsAnAnswerLikeAnyOtherWhereTheRequestDoesNotCountItAsMissing) {
    ts::server s(plain_http());
    s.add_faults("/gone.zip", {fault::error(GetParam()), fault::error(GetParam())});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/gone.zip")));
    EXPECT_EQ(r.result->status, GetParam());
    EXPECT_EQ(r.result->end, GetParam() == 403 ? ending::refused : ending::failed);
    EXPECT_EQ(requests_for(s, "/gone.zip").size(), 1u);
}

TEST_P(NotThere, ThatRetryCanFindIt) {
    ts::server s(plain_http());
    s.add_generated("/late.zip", 100, 1);
    s.add_faults("/late.zip", {fault::error(GetParam())});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get_missing_on_403_404(s.url("/late.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.result->end, ending::delivered);
    EXPECT_EQ(requests_for(s, "/late.zip").size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Net, NotThere, ::testing::Values(403u, 404u));

// --- resume --------------------------------------------------------------------------------------

constexpr std::uint64_t big = 300'000;

class Resume : public ::testing::TestWithParam<bool> {};  // over https and http

TEST_P(Resume, ACutBodyContinuesWithRangeAndIfRange) {
    ts::server_options so;
    so.tls = GetParam();
    ts::server s(so);
    s.add_generated("/a.zip", big, 7);
    s.add_faults("/a.zip", {fault::truncate_after(100'000), fault::reset_after(70'000)});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.restarts, 0u);
    EXPECT_EQ(r.bytes, big);
    EXPECT_EQ(r.crc, ts::generated_crc32(7, 0, big));
    EXPECT_EQ(r.statuses, (std::vector<unsigned>{200, 206, 206}));
    const auto log = requests_for(s, "/a.zip");
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].header("range"), "");
    EXPECT_EQ(log[1].header("range"), "bytes=100000-");
    EXPECT_EQ(log[1].header("if-range"), r.etag);
    EXPECT_FALSE(r.etag.empty());
    EXPECT_EQ(log[2].header("range"), "bytes=170000-");
    EXPECT_EQ(log[2].header("if-range"), r.etag);
}

INSTANTIATE_TEST_SUITE_P(Net, Resume, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "https" : "http"; });

TEST(ResumeRefused, AWhole200RestartsTheConsumerFromByteZero) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", big, 8);
    s.add_faults("/a.zip", {fault::truncate_after(100'000), fault::ignore_range()});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.restarts, 1u);
    EXPECT_EQ(r.bytes, big);
    EXPECT_EQ(r.crc, ts::generated_crc32(8, 0, big));
    EXPECT_EQ(r.statuses, (std::vector<unsigned>{200, 200}));
    const auto log = requests_for(s, "/a.zip");
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[1].header("range"), "bytes=100000-");
}

TEST(ResumeRefused, ACutAfterAFailedResumeStillResumes) {
    // 503 to the range request: the consumer keeps its bytes and the next attempt asks again.
    ts::server s(plain_http());
    s.add_generated("/a.zip", big, 9);
    s.add_faults("/a.zip", {fault::reset_after(1000), fault::error(503)});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.restarts, 0u);
    EXPECT_EQ(r.crc, ts::generated_crc32(9, 0, big));
    const auto log = requests_for(s, "/a.zip");
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[1].header("range"), "bytes=1000-");
    EXPECT_EQ(log[2].header("range"), "bytes=1000-");
}

// --- redirects -----------------------------------------------------------------------------------

TEST(Redirects, FollowsRelativeAndAbsoluteLocationsAndDropsCredentialsAcrossHosts) {
    ts::server s(plain_http());
    s.add_response("GET", "/final", 200, "arrived");
    const std::string other_host = "http://localhost:" + std::to_string(s.port());
    s.add_faults("/a/r1", {fault::redirect(301, "/a/r2")});
    s.add_faults("/a/r2", {fault::redirect(302, "r3?x=1")});
    s.add_faults("/a/r3", {fault::redirect(303, s.url("/a/r4"))});
    s.add_faults("/a/r4", {fault::redirect(308, "../b/r5")});
    s.add_faults("/b/r5", {fault::redirect(307, other_host + "/final")});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch(c, io, get(s.url("/a/r1"), {{"Authorization", "Bearer secret-token"}}));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.body, "arrived");
    EXPECT_EQ(r.result->url, s.url("/a/r1"));
    EXPECT_NE(r.result->describe().find(other_host + "/final"), std::string::npos) << r.result->describe();
    const auto log = s.requests();
    ASSERT_EQ(log.size(), 6u);
    const std::vector<std::string> targets{"/a/r1", "/a/r2", "/a/r3?x=1", "/a/r4", "/b/r5", "/final"};
    for (std::size_t i = 0; i < log.size(); ++i) {
        EXPECT_EQ(log[i].target, targets[i]);
        // Same host: the credentials go along; the other host never sees them.
        EXPECT_EQ(log[i].header("authorization"), i < 5 ? "Bearer secret-token" : "") << targets[i];
    }
    EXPECT_EQ(log[5].header("host"), "localhost:" + std::to_string(s.port()));
}

// A signed URL (another origin, as GitHub's artifact downloads redirect to) that refuses the
// retry resuming its body: the request's own URL is asked again, with its token, for a new one.
TEST(Redirects, ASignedUrlThatLapsesMidBodyIsRenewedOnceAtTheRequestsOwnUrl) {
    ts::server api(plain_http());
    ts::server blob;
    blob.add_generated("/blob/a.zip", big, 11);
    api.add_response("GET", "/artifacts/7/zip", 302, "", {{"Location", blob.url("/blob/a.zip?sig=1")}});
    blob.add_faults("/blob/a.zip", {fault::reset_after(100'000), fault::error(403, "<Error>expired</Error>")});
    boost::asio::io_context io;
    client c(io, options_for(blob));
    const auto r = fetch(c, io, get(api.url("/artifacts/7/zip"), {{"Authorization", "Bearer secret-token"}}));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.restarts, 1u);
    EXPECT_EQ(r.bytes, big);
    EXPECT_EQ(r.crc, ts::generated_crc32(11, 0, big));
    const auto asked = api.requests();
    ASSERT_EQ(asked.size(), 2u);
    for (const auto& q : asked) EXPECT_EQ(q.header("authorization"), "Bearer secret-token");
    const auto served = blob.requests();
    ASSERT_EQ(served.size(), 3u);
    EXPECT_EQ(served[1].header("range"), "bytes=100000-");
    EXPECT_EQ(served[2].header("range"), "");
    for (const auto& q : served) EXPECT_EQ(q.header("authorization"), "");

    // A retry after a 5xx, before any body byte, meets a lapsed signature too.
    blob.clear_requests();
    api.clear_requests();
    blob.add_faults("/blob/a.zip", {fault::error(503), fault::error(403, "<Error>expired</Error>")});
    const auto after_5xx = fetch(c, io, get(api.url("/artifacts/7/zip")));
    EXPECT_TRUE(after_5xx.result->ok()) << after_5xx.result->describe();
    EXPECT_EQ(after_5xx.crc, ts::generated_crc32(11, 0, big));
    EXPECT_EQ(api.requests().size(), 2u);
    EXPECT_EQ(blob.requests().size(), 3u);

    // A fresh signature refused at once is the answer, not a lapse.
    blob.clear_requests();
    api.clear_requests();
    blob.add_faults("/blob/a.zip", {fault::error(403, "<Error>AuthorizationFailure</Error>")});
    const auto refused = fetch(c, io, get(api.url("/artifacts/7/zip")));
    EXPECT_EQ(refused.result->status, 403u) << refused.result->describe();
    EXPECT_EQ(api.requests().size(), 1u);

    // Once only: a second lapse in the same transfer is the answer.
    blob.clear_requests();
    blob.add_faults("/blob/a.zip", {fault::reset_after(1000), fault::error(403), fault::reset_after(1000),
                                    fault::error(403, "<Error>expired again</Error>")});
    const auto twice = fetch(c, io, get(api.url("/artifacts/7/zip")));
    EXPECT_EQ(twice.result->status, 403u) << twice.result->describe();
    EXPECT_EQ(blob.requests().size(), 4u);
}

TEST(Redirects, FiveAreFollowedASixthIsAnErrorNamingTheLastUrl) {
    ts::server s(plain_http());
    for (int i = 0; i < 6; ++i)
        s.add_faults("/r" + std::to_string(i), {fault::redirect(302, "/r" + std::to_string(i + 1))});
    s.add_response("GET", "/r6", 200, "end");
    s.add_response("GET", "/r7", 200, "end");
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto five = fetch(c, io, get(s.url("/r1")));  // r1 -> ... -> r6: five redirects
    EXPECT_TRUE(five.result->ok()) << five.result->describe();
    EXPECT_EQ(five.body, "end");

    for (int i = 0; i < 6; ++i)
        s.add_faults("/r" + std::to_string(i), {fault::redirect(302, "/r" + std::to_string(i + 1))});
    const auto six = fetch(c, io, get(s.url("/r0")));  // r0 -> ... -> r6: six
    EXPECT_EQ(six.result->code, error::too_many_redirects) << six.result->describe();
    EXPECT_NE(six.result->describe().find(s.url("/r5")), std::string::npos) << six.result->describe();
    EXPECT_EQ(requests_for(s, "/r6").size(), 1u);  // only the first run reached it
}

TEST(Redirects, AreNotFollowedForPostAndNeedALocation) {
    ts::server s(plain_http());
    s.add_response("POST", "/query", 302, "", {{"Location", "/elsewhere"}});
    s.add_response("GET", "/nowhere", 302, "");
    boost::asio::io_context io;
    client c(io, options_for(s));
    request post = get(s.url("/query"));
    post.method = boost::beast::http::verb::post;
    post.body = "{}";
    const auto p = fetch(c, io, std::move(post));
    EXPECT_EQ(p.result->code, error::http_status);
    EXPECT_EQ(p.result->status, 302u);
    const auto n = fetch(c, io, get(s.url("/nowhere")));
    EXPECT_EQ(n.result->code, error::bad_redirect) << n.result->describe();
    EXPECT_EQ(s.requests().size(), 2u);
}

// --- proxies -------------------------------------------------------------------------------------

TEST(Proxy, HttpsGoesThroughACONNECTTunnel) {
    ts::server s;
    s.add_generated("/a.zip", 100'000, 4);
    ts::connect_proxy proxy;
    boost::asio::io_context io;
    client_options o = options_for(s);
    o.env = {{"HTTPS_PROXY", proxy.url()}};
    client c(io, o);
    const auto r = fetch(c, io, get(s.url("/a.zip"), {{"Authorization", "Bearer t"}}));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.crc, ts::generated_crc32(4, 0, 100'000));
    const auto log = proxy.requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].method, "CONNECT");
    EXPECT_EQ(log[0].target, "localhost:" + std::to_string(s.port()));
    EXPECT_EQ(log[0].header("authorization"), "");  // the origin's credentials stay inside the tunnel
    EXPECT_EQ(s.requests().at(0).header("authorization"), "Bearer t");
}

TEST(Proxy, CredentialsInTheProxyUrlBecomeProxyAuthorization) {
    ts::server s;
    s.add_response("GET", "/x", 200, "ok");
    ts::proxy_options po;
    po.user = "al ice";
    po.password = "p@ss:word";
    ts::connect_proxy proxy(po);
    boost::asio::io_context io;
    client_options o = options_for(s, 0);
    o.env = {{"https_proxy", "http://al%20ice:p%40ss%3Aword@127.0.0.1:" + std::to_string(proxy.port())}};
    client c(io, o);
    const auto r = fetch(c, io, get(s.url("/x")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(proxy.requests().at(0).header("proxy-authorization"), "Basic YWwgaWNlOnBAc3M6d29yZA==");
    EXPECT_EQ(s.requests().at(0).header("proxy-authorization"), "");
}

TEST(Proxy, ARefusedTunnelIsAClearErrorNamingTheProxyWithoutItsPassword) {
    ts::server s;
    ts::proxy_options po;
    po.user = "u";
    po.password = "right";
    ts::connect_proxy proxy(po);
    boost::asio::io_context io;
    client_options o = options_for(s);
    o.env = {{"https_proxy", "http://u:wrong@127.0.0.1:" + std::to_string(proxy.port())}};
    client c(io, o);
    const auto r = fetch(c, io, get(s.url("/x")));
    EXPECT_EQ(r.result->code, error::proxy_refused) << r.result->describe();
    EXPECT_EQ(r.result->end, ending::refused);
    EXPECT_EQ(r.result->proxy_status, 407u);
    EXPECT_EQ(r.result->status, 0u) << "the origin never answered";
    EXPECT_EQ(r.result->where, stage::tunnel);
    const std::string text = r.result->describe();
    const std::string proxy_at = "proxy 127.0.0.1:" + std::to_string(proxy.port());
    EXPECT_NE(text.find(proxy_at +
                        " answered 407 Proxy Authentication Required to CONNECT localhost:" + std::to_string(s.port())),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("check the user and password in HTTPS_PROXY or ALL_PROXY"), std::string::npos) << text;
    EXPECT_EQ(text.find("wrong"), std::string::npos) << text;
    EXPECT_EQ(proxy.requests().size(), 1u);  // not retried
    EXPECT_EQ(s.stats().connections_accepted, 0u);

    // tinyproxy answers a wrong password with 401, not 407: still the proxy's, with the same hint.
    for (unsigned status : {401u, 403u, 502u}) {
        ts::connect_proxy refusing;
        refusing.refuse_next(status);
        client_options oo = options_for(s);
        oo.env = {{"https_proxy", refusing.url()}};
        client cc(io, oo);
        const auto refused = fetch(cc, io, get(s.url("/x")));
        EXPECT_EQ(refused.result->code, error::proxy_refused) << refused.result->describe();
        EXPECT_EQ(refused.result->proxy_status, status);
        EXPECT_EQ(refused.result->status, 0u);
        const std::string said = refused.result->describe();
        EXPECT_NE(
            said.find("proxy 127.0.0.1:" + std::to_string(refusing.port()) + " answered " + std::to_string(status)),
            std::string::npos)
            << said;
        EXPECT_EQ(said.find("check the user and password") != std::string::npos, status == 401) << said;
    }
}

TEST(Proxy, AProxyThatClosesOrAnswersGarbageIsNamedAsTheCulprit) {
    ts::server s;
    boost::asio::io_context io;
    for (auto how : {ts::connect_proxy::misbehaviour::close, ts::connect_proxy::misbehaviour::garbage}) {
        ts::connect_proxy broken;
        broken.misbehave_next(how, 100);
        client_options o = options_for(s, 1);
        o.env = {{"https_proxy", broken.url()}};
        client c(io, o);
        const auto r = fetch(c, io, get(s.url("/x")));
        EXPECT_FALSE(r.result->ok());
        EXPECT_EQ(r.result->where, stage::tunnel);
        const std::string said = r.result->describe();
        const std::string who = "proxy 127.0.0.1:" + std::to_string(broken.port());
        EXPECT_NE(said.find(how == ts::connect_proxy::misbehaviour::close
                                ? who + " closed the connection before answering CONNECT"
                                : who + " gave no usable answer to CONNECT"),
                  std::string::npos)
            << said;
        EXPECT_EQ(r.result->cause().find("stage tunnel") != std::string::npos, true) << r.result->cause();
        EXPECT_EQ(s.stats().connections_accepted, 0u);
    }
}

TEST(Proxy, APlainRequestTheProxyRefusesIsTheProxysAnswer) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", 100, 1);
    ts::proxy_options po;
    po.user = "u";
    po.password = "right";
    ts::connect_proxy proxy(po);
    boost::asio::io_context io;
    client_options o = options_for(s);
    o.env = {{"http_proxy", "http://u:wrong@127.0.0.1:" + std::to_string(proxy.port())}};
    client c(io, o);
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_EQ(r.result->code, error::proxy_refused) << r.result->describe();
    EXPECT_EQ(r.result->proxy_status, 407u);
    EXPECT_EQ(r.result->status, 0u);
    const std::string said = r.result->describe();
    EXPECT_NE(said.find("proxy 127.0.0.1:" + std::to_string(proxy.port()) + " answered 407"), std::string::npos)
        << said;
    EXPECT_NE(said.find("http_proxy or ALL_PROXY"), std::string::npos) << said;
    EXPECT_EQ(said.find("wrong"), std::string::npos) << said;
}

TEST(Proxy, PlainHttpUsesAbsoluteFormThroughTheProxy) {
    ts::server s(plain_http());
    s.add_generated("/a.zip", 50'000, 6);
    ts::proxy_options po;
    po.user = "u";
    po.password = "p";
    ts::connect_proxy proxy(po);
    boost::asio::io_context io;
    client_options o = options_for(s);
    o.env = {{"http_proxy", proxy.url()}, {"HTTPS_PROXY", "http://127.0.0.1:1"}};
    client c(io, o);
    const auto r = fetch(c, io, get(s.url("/a.zip")));
    EXPECT_TRUE(r.result->ok()) << r.result->describe();
    EXPECT_EQ(r.crc, ts::generated_crc32(6, 0, 50'000));
    const auto log = proxy.requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].method, "GET");
    EXPECT_EQ(log[0].target, s.url("/a.zip"));
    EXPECT_EQ(log[0].header("proxy-authorization"), "Basic dTpw");
    EXPECT_EQ(s.requests().at(0).target, "/a.zip");
}

TEST(Proxy, NoProxyAndUnsupportedProxies) {
    ts::server s;
    s.add_response("GET", "/x", 200, "ok");
    ts::connect_proxy proxy;
    boost::asio::io_context io;
    client_options o = options_for(s);
    o.env = {{"HTTPS_PROXY", proxy.url()}, {"NO_PROXY", "example.com,.localhost"}};
    client c(io, o);
    EXPECT_TRUE(fetch(c, io, get(s.url("/x"))).result->ok());
    EXPECT_EQ(proxy.requests().size(), 0u);

    client_options bad = options_for(s);
    bad.env = {{"ALL_PROXY", "socks5://127.0.0.1:1080"}};
    client b(io, bad);
    const auto r = fetch(b, io, get(s.url("/x")));
    EXPECT_EQ(r.result->code, error::bad_proxy);
    EXPECT_NE(r.result->describe().find("ALL_PROXY"), std::string::npos) << r.result->describe();
    EXPECT_EQ(s.requests().size(), 1u);
}

// --- a failure every transfer to a host would meet ------------------------------------------------

// Outcomes of `n` transfers to `target` on one client, in completion order.
std::vector<outcome> fetch_all(client& c, boost::asio::io_context& io, const std::string& target, unsigned n) {
    std::vector<outcome> out;
    for (unsigned i = 0; i < n; ++i) {
        body_sink sink;
        sink.on_chunk = [](std::span<const std::byte>) { return std::error_code{}; };
        c.fetch(get(target + "/" + std::to_string(i)), std::move(sink), [&out](const outcome& o) { out.push_back(o); });
    }
    io.run_for(60s);
    EXPECT_TRUE(io.stopped()) << "work still pending after the run bound";
    io.restart();
    EXPECT_EQ(out.size(), n);
    return out;
}

// A port nothing listens on: bound, then closed.
std::uint16_t closed_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

TEST(HostWide, RefusedConnectionsEndEveryTransferOnceOneSpentItsRetries) {
    const std::string target = "http://127.0.0.1:" + std::to_string(closed_port());
    boost::asio::io_context io;
    client_options o;
    o.concurrency = 4;
    o.retry.retries = 3;
    o.retry.base_delay = 1ms;
    o.retry.max_delay = 1ms;
    client c(io, o);
    const auto outcomes = fetch_all(c, io, target, 20);
    unsigned attempts = 0, never_tried = 0;
    for (const auto& r : outcomes) {
        EXPECT_EQ(r.code, std::errc::connection_refused) << r.describe();
        EXPECT_EQ(r.cause(), outcomes.front().cause());
        attempts += r.attempt;
        never_tried += r.attempt == 0;
    }
    // Only the transfers in flight when the first one gave up made attempts: 20 x 4 before.
    EXPECT_LE(attempts, 4u * 4u);
    EXPECT_GE(never_tried, 16u);
}

TEST(HostWide, AnUntrustedCertificateEndsTheTransfersThatFollowWithoutAHandshake) {
    ts::server_options so;
    so.cert = ts::cert_kind::untrusted;
    ts::server s(so);
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto outcomes = fetch_all(c, io, s.url(""), 12);
    unsigned tried = 0;
    for (const auto& r : outcomes) {
        EXPECT_EQ(r.code, error::certificate_rejected) << r.describe();
        EXPECT_EQ(r.cause(), outcomes.front().cause());
        tried += r.attempt > 0;
    }
    EXPECT_LE(tried, 4u) << "the concurrency limit: those were under way";
    EXPECT_LE(s.stats().connections_accepted, 4u);
}

TEST(HostWide, AnotherHostIsNotConcerned) {
    ts::server good(plain_http());
    good.add_generated("/0", 10, 1);
    const std::string dead = "http://127.0.0.1:" + std::to_string(closed_port());
    boost::asio::io_context io;
    client_options o;
    o.concurrency = 2;
    client c(io, o);
    EXPECT_EQ(fetch_all(c, io, dead, 3).front().code, std::errc::connection_refused);
    const auto fine = fetch_all(c, io, good.url(""), 1);
    EXPECT_TRUE(fine.front().ok()) << fine.front().describe();
}

}  // namespace
}  // namespace ue::net
