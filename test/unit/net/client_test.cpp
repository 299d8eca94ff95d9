// The client against the local test server (test/server): real sockets on 127.0.0.1, real TLS with
// the test CA. Every test runs its io_context with a bound (run_for) and checks it ran dry: no test
// can hang, and none measures time.

#include "update_expected/net/client.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/error.hpp>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <zlib.h>

#include "test_server.hpp"

namespace ue::net {
namespace {

using namespace std::chrono_literals;
namespace ts = ue::testing;

constexpr auto run_bound = 60s;

request get(const std::string& u) {
    request r;
    r.target = url::from(u);
    return r;
}

// A scratch directory of files with varied sizes (0 bytes to ~300 KiB), removed at the end.
class file_tree {
public:
    explicit file_tree(int count) {
        static int counter = 0;
        root_ = std::filesystem::temp_directory_path() /
                ("ue-net-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(root_ / "d");
        for (int i = 0; i < count; ++i) {
            const std::string name = "/d/f" + std::to_string(i) + ".zip";
            const auto size = static_cast<std::uint64_t>((i * 7919) % 300'000);
            files_[name] = ts::generated_bytes(static_cast<std::uint64_t>(i), 0, size);
            std::ofstream(root_ / name.substr(1), std::ios::binary) << files_[name];
        }
    }
    ~file_tree() { std::filesystem::remove_all(root_); }
    const std::filesystem::path& root() const { return root_; }
    const std::map<std::string, std::string>& files() const { return files_; }

private:
    std::filesystem::path root_;
    std::map<std::string, std::string> files_;
};

client_options options_for(const ts::server& s, unsigned concurrency = 4) {
    client_options o;
    o.concurrency = concurrency;
    o.tls.ca_file = s.ca_file().string();
    return o;
}

// Runs the loop until it has no work left, at most run_bound; fails the test if work remains.
void run_dry(boost::asio::io_context& io) {
    io.run_for(run_bound);
    EXPECT_TRUE(io.stopped()) << "work still pending after the run bound";
}

struct fetched {
    std::string body;
    std::size_t largest_chunk = 0;
    std::optional<outcome> result;
};

// Fetches every path, returns what each delivered.
std::map<std::string, fetched> fetch_all(client& c, const ts::server& s, const std::vector<std::string>& paths) {
    std::map<std::string, fetched> out;
    for (const auto& p : paths) {
        auto& f = out[p];
        body_sink sink;
        sink.on_chunk = [&f](std::span<const std::byte> b) {
            f.body.append(reinterpret_cast<const char*>(b.data()), b.size());
            f.largest_chunk = std::max(f.largest_chunk, b.size());
            return std::error_code{};
        };
        c.fetch(get(s.url(p)), std::move(sink), [&f](const outcome& o) { f.result = o; });
    }
    return out;
}

std::vector<std::string> paths_of(const file_tree& t) {
    std::vector<std::string> v;
    for (const auto& [p, body] : t.files()) v.push_back(p);
    return v;
}

class Concurrency : public ::testing::TestWithParam<unsigned> {};

TEST_P(Concurrency, DeliversIdenticalBytesWithinTheLimit) {
    const unsigned n = GetParam();
    file_tree tree(80);
    ts::server_options so;
    so.root = tree.root();
    ts::server s(so);
    boost::asio::io_context io;
    client_options o = options_for(s, n);
    o.chunk_size = 16 * 1024;
    client c(io, o);
    auto got = fetch_all(c, s, paths_of(tree));
    run_dry(io);

    for (const auto& [p, body] : tree.files()) {
        const auto& f = got[p];
        ASSERT_TRUE(f.result) << p;
        EXPECT_TRUE(f.result->ok()) << f.result->describe();
        EXPECT_EQ(f.body, body) << p;
        EXPECT_LE(f.largest_chunk, o.chunk_size);
    }
    const auto ss = s.stats();
    EXPECT_LE(ss.requests_in_flight_max, n);
    EXPECT_LE(ss.connections_open_max, n);
    EXPECT_LE(ss.connections_accepted, n);  // every later request reused a pooled connection
    EXPECT_EQ(ss.requests_total, tree.files().size());
    EXPECT_LE(c.stats().peak_in_flight, n);
    EXPECT_EQ(c.stats().connections_reused + c.stats().connections_opened, tree.files().size());
    EXPECT_EQ(c.stats().body_buffers_live, 0u);
    EXPECT_LE(c.stats().peak_body_buffers_live, n);
}

INSTANTIATE_TEST_SUITE_P(Net, Concurrency, ::testing::Values(1u, 64u));

TEST(Client, ResumesTlsSessionsOnNewConnections) {
    file_tree tree(3);
    ts::server_options so;
    so.root = tree.root();
    ts::server s(so);
    boost::asio::io_context io;
    client c(io, options_for(s, 2));
    // One transfer first (its connection receives the session ticket), then two at once: the
    // second connection resumes that session.
    auto first = fetch_all(c, s, {"/d/f1.zip"});
    run_dry(io);
    io.restart();
    auto more = fetch_all(c, s, {"/d/f1.zip", "/d/f2.zip"});
    run_dry(io);
    EXPECT_TRUE(more["/d/f2.zip"].result && more["/d/f2.zip"].result->ok());
    EXPECT_EQ(c.stats().tls_handshakes, 2u);
    EXPECT_EQ(c.stats().tls_resumed, 1u);
    EXPECT_EQ(s.stats().connections_accepted, 2u);
}

// Three files on a local server and a client warming three connections to it.
class WarmUp : public ::testing::Test {
protected:
    static ts::server_options serving(const file_tree& tree) {
        ts::server_options so;
        so.root = tree.root();
        return so;
    }
    file_tree tree{3};
    ts::server s{serving(tree)};
    boost::asio::io_context io;
    client c{io, options_for(s, 3)};
    void warm() { c.warm(url::from(s.base_url()), 3); }
};

TEST_F(WarmUp, OpensConnectionsAheadOfRequests) {
    warm();
    run_dry(io);
    EXPECT_EQ(s.stats().connections_accepted, 3u);
    EXPECT_EQ(s.stats().requests_total, 0u);
    io.restart();
    auto got = fetch_all(c, s, paths_of(tree));
    run_dry(io);
    EXPECT_EQ(s.stats().connections_accepted, 3u);
    EXPECT_EQ(c.stats().connections_reused, 3u);
    for (auto& [p, f] : got) EXPECT_TRUE(f.result && f.result->ok()) << p;
}

TEST_F(WarmUp, RequestsTakeTheConnectionsBeingWarmed) {
    // The requests come while the warm-ups still connect, as when a job source answers fast: they
    // wait for those connections instead of opening three more.
    warm();
    auto got = fetch_all(c, s, paths_of(tree));
    run_dry(io);
    for (auto& [p, f] : got) EXPECT_TRUE(f.result && f.result->ok()) << p;
    EXPECT_EQ(s.stats().connections_accepted, 3u);
    EXPECT_EQ(c.stats().connections_opened, 3u);
    EXPECT_EQ(c.stats().connections_reused, 3u);
}

// Plain http on purpose: TLS would add minutes of ASan-instrumented crypto on 2 CI cores and
// proves nothing more about memory; the body path after decryption is the same code.
TEST(Client, StreamsTwoGibibytesWithFlatMemory) {
    constexpr std::uint64_t size = 2ull << 30;
    ts::server_options so;
    so.tls = false;
    ts::server s(so);
    s.add_generated("/big.zip", size, 99);
    boost::asio::io_context io;
    client_options o;
    o.chunk_size = 64 * 1024;
    client c(io, o);

    uLong crc = crc32(0, nullptr, 0);
    std::uint64_t bytes = 0;
    std::size_t largest = 0;
    body_sink sink;
    sink.on_chunk = [&](std::span<const std::byte> b) {
        crc = crc32(crc, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size()));
        bytes += b.size();
        largest = std::max(largest, b.size());
        return std::error_code{};
    };
    std::optional<outcome> result;
    c.fetch(get(s.url("/big.zip")), std::move(sink), [&](const outcome& r) { result = r; });
    io.run_for(300s);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->ok()) << result->describe();
    EXPECT_EQ(bytes, size);
    EXPECT_EQ(result->bytes, size);
    EXPECT_EQ(crc, ts::generated_crc32(99, 0, size));
    // Flatness, counted: one body buffer for the whole transfer, no chunk above its size, and the
    // connection's read buffer never past its fixed bound.
    EXPECT_EQ(c.stats().body_buffers_allocated, 1u);
    EXPECT_LE(largest, o.chunk_size);
    EXPECT_LE(c.stats().peak_read_buffer, read_buffer_limit);
}

// --- stage deadlines: each stalled stage ends with its own named error --------------------------

outcome fetch_one(client& c, boost::asio::io_context& io, const std::string& u) {
    std::optional<outcome> result;
    body_sink sink;
    sink.on_chunk = [](std::span<const std::byte>) { return std::error_code{}; };
    c.fetch(get(u), std::move(sink), [&](const outcome& r) { result = r; });
    run_dry(io);
    EXPECT_TRUE(result.has_value());
    return result.value_or(outcome{});
}

TEST(Client, ReadsTlsBodiesInWholeRecords) {
    // The server writes 64 KiB pieces, so TLS records carry 16 KiB each. A client that hands the
    // consumer less per read (Beast's 512-byte reads into an unreserved buffer did) pays the whole
    // TLS and HTTP read machinery per few hundred bytes: 2048 reads for this body instead of 64.
    constexpr std::uint64_t size = 1 << 20;
    ts::server s;
    s.add_generated("/one.zip", size, 4);
    boost::asio::io_context io;
    client c(io, options_for(s));
    std::uint64_t bytes = 0;
    std::size_t pieces = 0;
    body_sink sink;
    sink.on_chunk = [&](std::span<const std::byte> b) {
        bytes += b.size();
        ++pieces;
        return std::error_code{};
    };
    std::optional<outcome> result;
    c.fetch(get(s.url("/one.zip")), std::move(sink), [&](const outcome& r) { result = r; });
    run_dry(io);
    ASSERT_TRUE(result);
    EXPECT_TRUE(result->ok()) << result->describe();
    EXPECT_EQ(bytes, size);
    EXPECT_LE(pieces, size / (8 * 1024));
}

TEST(Client, ABodyCutShortIsAPartialMessage) {
    ts::server_options so;
    so.tls = false;
    ts::server s(so);
    s.add_generated("/cut.zip", 100'000, 4);
    s.add_faults("/cut.zip", {ts::fault::truncate_after(30'000)});
    boost::asio::io_context io;
    client c(io, options_for(s));
    const outcome r = fetch_one(c, io, s.url("/cut.zip"));
    EXPECT_EQ(r.code, std::error_code(boost::beast::http::make_error_code(boost::beast::http::error::partial_message)))
        << r.describe();
    EXPECT_EQ(r.where, stage::body);
    EXPECT_EQ(r.bytes, 30'000u);
}

TEST(Client, ARequestAwaitingAFailedWarmUpOpensItsOwn) {
    // Nothing listens on the port: the warm-up fails silently, the request waiting for it tries
    // itself and reports the refusal.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor probe(io,
                                         boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    const auto port = probe.local_endpoint().port();
    probe.close();
    client c(io, client_options{});
    const std::string origin = "https://127.0.0.1:" + std::to_string(port);
    c.warm(url::from(origin), 1);
    const outcome r = fetch_one(c, io, origin + "/a.zip");
    EXPECT_EQ(r.code, std::error_code(boost::asio::error::make_error_code(boost::asio::error::connection_refused)))
        << r.describe();
    EXPECT_EQ(r.where, stage::connect);
}

TEST(Client, CancelEndsWarmUps) {
    ts::server_options so;
    so.accept_delay = std::chrono::minutes(10);  // connections are accepted, never handshaken
    ts::server s(so);
    boost::asio::io_context io;
    client c(io, options_for(s, 4));
    c.warm(url::from(s.base_url()), 2);
    c.cancel();  // before the warm-ups began: none connects
    run_dry(io);
    EXPECT_EQ(s.stats().connections_accepted, 0u);
    EXPECT_EQ(c.stats().connections_opened, 0u);

    io.restart();
    client d(io, options_for(s, 4));
    d.warm(url::from(s.base_url()), 2);
    io.run_for(200ms);  // connecting or waiting for the server's handshake (30 s deadline)
    d.cancel();
    io.run_for(10s);  // a warm-up cancel() did not reach would hold the loop until its deadline
    EXPECT_TRUE(io.stopped()) << "a warm-up outlived cancel()";
    EXPECT_EQ(d.stats().tls_handshakes, 0u);
}

client_options short_deadlines(const ts::server& s) {
    client_options o = options_for(s);
    o.timeouts = deadlines::all(200ms);
    return o;
}

TEST(Deadline, ConnectTimeout) {
    ts::blackhole_listener hole;
    ts::server s;  // only for its CA file
    boost::asio::io_context io;
    client c(io, short_deadlines(s));
    const auto r = fetch_one(c, io, "http://127.0.0.1:" + std::to_string(hole.port()) + "/x");
    EXPECT_EQ(r.code, error::connect_timeout) << r.describe();
    EXPECT_EQ(r.where, stage::connect);
}

TEST(Deadline, HandshakeTimeout) {
    ts::server s;
    s.stall(ts::stall_point::before_handshake);
    boost::asio::io_context io;
    client c(io, short_deadlines(s));
    const auto r = fetch_one(c, io, s.url("/x"));
    EXPECT_EQ(r.code, error::handshake_timeout) << r.describe();
    EXPECT_EQ(r.where, stage::handshake);
}

TEST(Deadline, HeadersTimeout) {
    ts::server s;
    s.add_response("GET", "/x", 200, "hello");
    s.stall(ts::stall_point::before_headers, "/x");
    boost::asio::io_context io;
    client c(io, short_deadlines(s));
    const auto r = fetch_one(c, io, s.url("/x"));
    EXPECT_EQ(r.code, error::headers_timeout) << r.describe();
    EXPECT_EQ(r.where, stage::headers);
}

TEST(Deadline, BodyIdleTimeout) {
    ts::server s;
    s.add_generated("/g.zip", 100'000, 1);
    s.stall(ts::stall_point::mid_body, "/g.zip", 1000);
    boost::asio::io_context io;
    client c(io, short_deadlines(s));
    const auto r = fetch_one(c, io, s.url("/g.zip"));
    EXPECT_EQ(r.code, error::body_idle_timeout) << r.describe();
    EXPECT_EQ(r.where, stage::body);
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.bytes, 1000u);
}

// --- TLS -----------------------------------------------------------------------------------------

TEST(Tls, RefusesAWrongHostCertificate) {
    ts::server_options so;
    so.cert = ts::cert_kind::wrong_host;
    ts::server s(so);
    s.add_response("GET", "/x", 200, "hello");
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch_one(c, io, s.url("/x"));
    EXPECT_EQ(r.code, error::certificate_rejected) << r.describe();
    EXPECT_EQ(r.where, stage::handshake);
    EXPECT_NE(r.describe().find("hostname mismatch"), std::string::npos) << r.describe();
    EXPECT_EQ(s.stats().requests_total, 0u);
}

TEST(Tls, RefusesAnUntrustedCertificate) {
    ts::server_options so;
    so.cert = ts::cert_kind::untrusted;
    ts::server s(so);
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch_one(c, io, s.url("/x"));
    EXPECT_EQ(r.code, error::certificate_rejected) << r.describe();
    EXPECT_NE(r.describe().find("self-signed"), std::string::npos) << r.describe();
}

TEST(Tls, RefusesTheTestCaWithoutTheCaOption) {
    ts::server s;
    boost::asio::io_context io;
    client c(io, client_options{});
    const auto r = fetch_one(c, io, s.url("/x"));
    EXPECT_EQ(r.code, error::certificate_rejected) << r.describe();
}

TEST(Tls, HonoursSslCertFile) {
    ts::server s;
    s.add_response("GET", "/x", 200, "hello");
    ::setenv("SSL_CERT_FILE", s.ca_file().c_str(), 1);
    boost::asio::io_context io;
    client c(io, client_options{});
    ::unsetenv("SSL_CERT_FILE");
    const auto r = fetch_one(c, io, s.url("/x"));
    EXPECT_TRUE(r.ok()) << r.describe();
}

// The system store is read like this: a directory whose certificates are found on demand under
// their subject's hash, never parsed up front. SSL_CERT_DIR points the same lookup elsewhere.
TEST(Tls, HonoursSslCertDirByHashedName) {
    ts::server s;
    s.add_response("GET", "/x", 200, "hello");
    const auto dir = std::filesystem::temp_directory_path() / ("ue-cert-dir-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::filesystem::copy_file(s.ca_file(), dir / "test-ca.pem", std::filesystem::copy_options::overwrite_existing);
    const auto fetch_trusting_dir = [&] {
        ::setenv("SSL_CERT_DIR", dir.c_str(), 1);
        boost::asio::io_context io;
        client c(io, client_options{});
        ::unsetenv("SSL_CERT_DIR");
        return fetch_one(c, io, s.url("/x"));
    };
    EXPECT_EQ(fetch_trusting_dir().code, error::certificate_rejected);  // not found by its file name

    FILE* pem = std::fopen(s.ca_file().c_str(), "r");
    ASSERT_NE(pem, nullptr);
    X509* ca = PEM_read_X509(pem, nullptr, nullptr, nullptr);
    std::fclose(pem);
    ASSERT_NE(ca, nullptr);
    char hashed[16];
    std::snprintf(hashed, sizeof hashed, "%08lx.0", X509_subject_name_hash(ca));
    X509_free(ca);
    std::filesystem::rename(dir / "test-ca.pem", dir / hashed);
    const auto r = fetch_trusting_dir();
    EXPECT_TRUE(r.ok()) << r.describe();
    std::filesystem::remove_all(dir);
}

TEST(Tls, AcceptsAnIpLiteralTheCertificateNames) {
    ts::server s;
    s.add_response("GET", "/x", 200, "hello");
    boost::asio::io_context io;
    client c(io, options_for(s));
    const auto r = fetch_one(c, io, "https://127.0.0.1:" + std::to_string(s.port()) + "/x");
    EXPECT_TRUE(r.ok()) << r.describe();
}

TEST(Tls, AnUnreadableCaFileIsAnError) {
    client_options o;
    o.tls.ca_file = "/nonexistent/ca.pem";
    boost::asio::io_context io;
    EXPECT_THROW(client(io, o), std::system_error);
}

// --- statuses, API calls, consumers --------------------------------------------------------------

TEST(Client, NonSuccessIsAnOutcomeWithExcerptAndKeepsTheConnection) {
    ts::server s;
    s.add_response("GET", "/missing.zip", 404, "<Error><Code>NoSuchKey</Code></Error>");
    s.add_response("GET", "/ok", 200, "fine");
    boost::asio::io_context io;
    client c(io, options_for(s, 1));
    const std::string u =
        "https://user:secret@localhost:" + std::to_string(s.port()) + "/missing.zip?X-Amz-Signature=abc";
    const auto r = fetch_one(c, io, u);
    EXPECT_EQ(r.code, error::http_status);
    EXPECT_EQ(r.status, 404u);
    EXPECT_EQ(r.body_excerpt, "<Error><Code>NoSuchKey</Code></Error>");
    EXPECT_EQ(r.describe().find("secret"), std::string::npos) << r.describe();
    EXPECT_EQ(r.describe().find("abc"), std::string::npos) << r.describe();
    io.restart();
    EXPECT_TRUE(fetch_one(c, io, s.url("/ok")).ok());
    EXPECT_EQ(s.stats().connections_accepted, 1u);
}

TEST(Client, PostsJsonWithHeadersAndCollectsTheAnswer) {
    ts::server s;
    s.add_response("POST", "/query", 200, R"({"data":[1,2]})", {{"X-Extra", "1"}});
    boost::asio::io_context io;
    client c(io, options_for(s));
    request req{url::from(s.url("/query")),
                boost::beast::http::verb::post,
                {{"Authorization", "Basic a2V5OnNlY3JldA=="}, {"Content-Type", "application/json"}},
                R"({"queryVariables":{"sha":"abc"}})",
                {}};
    std::optional<text_response> got;
    c.fetch_text(std::move(req), 1024, [&](text_response r) { got = std::move(r); });
    run_dry(io);
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->result.ok()) << got->result.describe();
    EXPECT_EQ(got->body, R"({"data":[1,2]})");
    EXPECT_EQ(got->head.field("x-extra").value_or(""), "1");
    const auto log = s.requests();
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(log[0].method, "POST");
    EXPECT_EQ(log[0].body, R"({"queryVariables":{"sha":"abc"}})");
    EXPECT_EQ(log[0].header("authorization"), "Basic a2V5OnNlY3JldA==");
    EXPECT_EQ(log[0].header("user-agent"), default_user_agent());
    EXPECT_EQ(default_user_agent().rfind("update-expected/", 0), 0u);
}

TEST(Client, CollectedBodyHasALimit) {
    ts::server s;
    s.add_response("GET", "/big.json", 200, std::string(5000, 'x'));
    boost::asio::io_context io;
    client c(io, options_for(s));
    std::optional<text_response> got;
    c.fetch_text(get(s.url("/big.json")), 1000, [&](text_response r) { got = std::move(r); });
    run_dry(io);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->result.code, error::body_too_large) << got->result.describe();
    EXPECT_TRUE(got->body.empty());
}

TEST(Client, ConsumerErrorAbortsTheTransfer) {
    ts::server s;
    s.add_generated("/g.zip", 500'000, 3);
    boost::asio::io_context io;
    client c(io, options_for(s));
    body_sink sink;
    sink.on_chunk = [](std::span<const std::byte>) { return std::make_error_code(std::errc::io_error); };
    std::optional<outcome> r;
    c.fetch(get(s.url("/g.zip")), std::move(sink), [&](const outcome& o) { r = o; });
    run_dry(io);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, std::make_error_code(std::errc::io_error));
    EXPECT_EQ(r->where, stage::body);
}

TEST(Client, ConsumerExceptionBecomesAnOutcome) {
    ts::server s;
    s.add_response("GET", "/x", 200, "hello");
    boost::asio::io_context io;
    client c(io, options_for(s));
    body_sink sink;
    sink.on_chunk = [](std::span<const std::byte>) -> std::error_code {
        throw std::runtime_error("consumer exploded");
    };
    std::optional<outcome> r;
    c.fetch(get(s.url("/x")), std::move(sink), [&](const outcome& o) { r = o; });
    run_dry(io);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, error::internal);
    EXPECT_NE(r->describe().find("consumer exploded"), std::string::npos);
}

TEST(Client, CancelMidBodyEndsEveryTransferAndLeavesNoWork) {
    ts::server s;
    for (int i = 0; i < 8; ++i) s.add_generated("/g" + std::to_string(i), 1'000'000, 5);
    s.stall(ts::stall_point::mid_body, "", 10'000);
    boost::asio::io_context io;
    client c(io, options_for(s, 4));
    std::set<int> started;
    std::vector<outcome> results;
    for (int i = 0; i < 8; ++i) {
        body_sink sink;
        sink.on_chunk = [&, i](std::span<const std::byte>) {
            // Once all four running transfers are mid-body, cancel as a signal handler would.
            if (started.insert(i).second && started.size() == 4) boost::asio::post(io, [&] { c.cancel(); });
            return std::error_code{};
        };
        c.fetch(get(s.url("/g" + std::to_string(i))), std::move(sink), [&](const outcome& o) { results.push_back(o); });
    }
    run_dry(io);
    ASSERT_EQ(results.size(), 8u);
    for (const auto& r : results) EXPECT_EQ(r.code, error::cancelled) << r.describe();
    EXPECT_EQ(c.stats().in_flight, 0u);
    EXPECT_EQ(c.stats().body_buffers_live, 0u);
    // A fetch after cancel() ends at once, cancelled too.
    io.restart();
    const auto late = fetch_one(c, io, s.url("/g0"));
    EXPECT_EQ(late.code, error::cancelled);
}

}  // namespace
}  // namespace ue::net
