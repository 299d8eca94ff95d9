// End-to-end tests: the real update-expected binary against the local HTTPS test server, on a
// generated CI snapshot, checking exit codes, streams and the files byte for byte.

#include "connect_proxy.hpp"
#include "e2e_fixture.hpp"
#include "zip_writer.hpp"

#include "update_expected/expected/directory_lock.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <optional>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace ue::test {
namespace {

TEST_F(RefreshE2e, JobsFileWritesEveryCompleteSuiteByteForByte) {
    serve(small_spec());
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_TRUE(fs::exists(out_ / "rocm/inductor_timm_training.csv"));
    EXPECT_EQ(snap_.expected.size(), all_files().size());
    EXPECT_NE(r.out.find("written"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("PoisonModel"), std::string::npos);
}

TEST_F(RefreshE2e, TheNewestAttemptWinsAndAMissingOneFallsBackToTheOlder) {
    auto spec = small_spec();
    spec.newest_attempt_missing = true;
    serve(spec, s3_like());
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    // The older attempt's rows are the ones written: its models failed to run.
    EXPECT_NE(read_file(out_ / "inductor_timm_training.csv").find("fail_to_run"), std::string::npos);
}

TEST_F(RefreshE2e, AnExistingFileKeepsItsHeaderAndUnchangedFilesTheirMtime) {
    serve(small_spec());
    const std::vector<std::string> five{"name", "accuracy", "graph_breaks", "calls_captured", "fallbacks_to_eager"};
    write_file(out_ / "inductor_huggingface_training.csv",
               "name,accuracy,graph_breaks,calls_captured,fallbacks_to_eager\n");
    auto r = run(file_args());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(read_file(out_ / "inductor_huggingface_training.csv"),
              snap_.expected_file("inductor_huggingface_training.csv", five));

    const auto before = fs::last_write_time(out_ / "inductor_timm_training.csv");
    r = run(file_args());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(fs::last_write_time(out_ / "inductor_timm_training.csv"), before);
    EXPECT_NE(r.out.find("0 written"), std::string::npos) << r.out;
}

TEST_F(RefreshE2e, AMissingArtifactLeavesItsSuiteUntouchedAndExits1) {
    serve(small_spec(), s3_like());
    write_file(out_ / "dynamic_aot_eager_huggingface_training.csv", "name,accuracy,graph_breaks\n\n\n\nOld,pass,1\n");
    remove_artifact("dynamic_aot_eager_huggingface", 2);
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(read_file(out_ / "dynamic_aot_eager_huggingface_training.csv"),
              "name,accuracy,graph_breaks\n\n\n\nOld,pass,1\n");
    EXPECT_FALSE(fs::exists(out_ / "dynamic_aot_eager_huggingface_inference.csv"));
    expect_all_written({"dynamic_aot_eager_huggingface_training.csv", "dynamic_aot_eager_huggingface_inference.csv"});
    EXPECT_NE(r.err.find("dynamic_aot_eager_huggingface shard 2/3"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("incomplete"), std::string::npos) << r.out;
}

TEST_F(RefreshE2e, ACorruptArtifactFailsItsShardNamedWithSuiteShardAndUrl) {
    serve(small_spec());
    auto bytes = snap_.find_artifact("inductor_huggingface", 1)->bytes;
    bytes[bytes.size() / 2] ^= 0x55;  // inside the deflated reports: a CRC or deflate error
    replace_artifact("inductor_huggingface", 1, bytes);
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_FALSE(fs::exists(out_ / "inductor_huggingface_training.csv"));
    expect_all_written({"inductor_huggingface_training.csv", "inductor_huggingface_inference.csv"});
    EXPECT_NE(r.err.find("inductor_huggingface shard 1/1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(server_->base_url()), std::string::npos) << r.err;
}

TEST_F(RefreshE2e, ABadCsvValueFailsItsShardNamingEntryLineAndValue) {
    serve(small_spec());
    zip_writer zip;
    zip.add("test/test-reports/training_huggingface.csv",
            "dev,name,batch_size,accuracy,graph_breaks\ncuda,A,1,pass,2\ncuda,B,1,pass,many\n");
    zip.add("test/test-reports/inference_huggingface.csv",
            "dev,name,batch_size,accuracy,graph_breaks\ncuda,A,1,pass,2\n");
    replace_artifact("inductor_huggingface", 1, zip.finish());
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_FALSE(fs::exists(out_ / "inductor_huggingface_inference.csv"));
    EXPECT_NE(r.err.find("training_huggingface.csv"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("line 3"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("many"), std::string::npos) << r.err;
}

TEST_F(RefreshE2e, ClickhouseSourcePostsTheQueryWithBasicAuthAndNeverShowsTheSecret) {
    serve(small_spec());
    server_->add_response("POST", "/query", 200, snap_.jobs_json(rows_shape::clickhouse));
    const auto r = run(clickhouse_args(), clickhouse_key());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    bool saw_query = false;
    for (const auto& req : server_->requests()) {
        if (req.method == "POST") {
            saw_query = true;
            EXPECT_EQ(req.target, "/query?format=JSON");
            EXPECT_EQ(req.header("Authorization"), "Basic cmVhZGVyOnMzY3IzdC12YWx1ZQ==");
            EXPECT_EQ(req.header("Content-Type"), "application/json");
            EXPECT_EQ(req.body,
                      "{\"queryVariables\":{\"sha\":\"" + std::string(sha) + "\",\"repo\":\"pytorch/pytorch\"}}");
        } else {
            EXPECT_EQ(req.header("Authorization"), "") << "credentials sent to the artifact host: " << req.target;
        }
    }
    EXPECT_TRUE(saw_query);
    EXPECT_EQ(r.out.find("s3cr3t"), std::string::npos);
    EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos);
}

TEST_F(RefreshE2e, RocksetSourcePostsItsParameters) {
    serve(small_spec());
    server_->add_response("POST", "/lambda", 200, snap_.jobs_json(rows_shape::rockset));
    auto args = base_args();
    args.insert(args.end(), {"--source", "rockset", "--query-url", server_->url("/lambda")});
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    const auto requests = server_->requests();
    const auto post = std::find_if(requests.begin(), requests.end(), [](const auto& q) { return q.method == "POST"; });
    ASSERT_NE(post, requests.end());
    EXPECT_EQ(post->body, "{\"parameters\":[{\"name\":\"sha\",\"type\":\"string\",\"value\":\"" + std::string(sha) +
                              "\"},{\"name\":\"repo\",\"type\":\"string\",\"value\":\"pytorch/pytorch\"}]}");
}

TEST_F(RefreshE2e, GarbageJobRowsExit3AndWriteNothing) {
    serve(small_spec());
    server_->add_response("POST", "/query", 200, "{\"data\": [ {\"jobName\": ");
    const auto r = run(clickhouse_args(), clickhouse_key());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_NE(r.err.find("malformed job rows"), std::string::npos) << r.err;
}

TEST_F(RefreshE2e, RefusedCredentialsExit3WithoutEchoingThem) {
    serve(small_spec());
    server_->add_response("POST", "/query", 401, "{\"error\":\"bad key\"}");
    const auto r = run(clickhouse_args(), clickhouse_key());
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("authentication refused"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("cmVhZGVy"), std::string::npos) << r.err;
    EXPECT_TRUE(all_files().empty());
}

TEST_F(RefreshE2e, NoWantedJobsYetExits75) {
    serve(small_spec());
    write_file(dir_ / "jobs.json",
               "{\"data\":[{\"workflowName\":\"pull\",\"jobName\":\"x / test (inductor_timm, 1, 1, m)\","
               "\"id\":1,\"runAttempt\":1,\"workflowId\":2}]}");
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_TRUE(all_files().empty());
}

TEST_F(RefreshE2e, DryRunWritesNothingAndSaysWhatItWouldWrite) {
    serve(small_spec());
    const auto r = run(file_args({"--dry-run"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_NE(r.out.find("inductor_timm_training.csv"), std::string::npos) << r.out;
}

TEST_F(RefreshE2e, ASecondRunOnALockedDirectoryExits75AndWritesNothing) {
    serve(small_spec());
    auto lock = expected::directory_lock::acquire(out_, std::chrono::milliseconds(0));
    ASSERT_TRUE(lock);
    const auto r = run(file_args());
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_NE(r.err.find("another"), std::string::npos) << r.err;
}

// Polls `ready` for up to 12 s: the child's progress is seen through the server's log, never timed.
template <typename Predicate>
bool wait_until(Predicate ready) {
    for (int i = 0; i < 600; ++i) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

constexpr std::string_view old_timm = "name,accuracy,graph_breaks\n\n\n\nOld,pass,1\n";

TEST_F(RefreshE2e, SigintMidTransferLeavesEveryFileOldOrNewAndExits130) {
    serve(small_spec());
    write_file(out_ / "inductor_timm_training.csv", old_timm);
    const auto* stalled = snap_.find_artifact("inductor_timm", 2);
    server_->stall(testing::stall_point::mid_body, "/" + stalled->path, 100);
    child_process child(binary_, file_args(), environment(), dir_);
    ASSERT_TRUE(wait_until([&] {
        for (const auto& q : server_->requests()) {
            if (q.path() == "/" + stalled->path) return true;
        }
        return false;
    }));
    // Every other artifact is small and unstalled: give their suites the time to be written, so the
    // interrupt finds some files new and one suite still in flight.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    child.send_signal(SIGINT);
    const auto r = child.wait(std::chrono::seconds(20));
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_EQ(read_file(out_ / "inductor_timm_training.csv"), old_timm);
    for (const auto& f : all_files()) {
        EXPECT_NE(f.filename().string().front(), '.') << "temporary file left: " << f;
        if (f == "inductor_timm_training.csv") continue;
        EXPECT_EQ(read_file(out_ / f), snap_.expected_file(f.string())) << f;
    }
}

TEST_F(RefreshE2e, SigtermWhileTheJobQueryIsInFlightExits143AndWritesNothing) {
    serve(small_spec());
    server_->stall(testing::stall_point::before_headers, "/query");
    child_process child(binary_, clickhouse_args(), environment(clickhouse_key()), dir_);
    ASSERT_TRUE(wait_until([&] {
        for (const auto& q : server_->requests()) {
            if (q.method == "POST") return true;
        }
        return false;
    }));
    child.send_signal(SIGTERM);
    const auto r = child.wait(std::chrono::seconds(20));
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 143) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_NE(r.err.find("SIGTERM"), std::string::npos) << r.err;
}

TEST_F(RefreshE2e, SigintDuringTheTlsHandshakesExits130AndWritesNothing) {
    serve(small_spec());
    write_file(out_ / "inductor_timm_training.csv", old_timm);
    server_->stall(testing::stall_point::before_handshake);
    child_process child(binary_, file_args(), environment(), dir_);
    ASSERT_TRUE(wait_until([&] { return server_->stats().connections_accepted > 0; }));
    child.send_signal(SIGINT);
    const auto r = child.wait(std::chrono::seconds(20));
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 130) << r.err;
    EXPECT_EQ(all_files(), std::vector<fs::path>{"inductor_timm_training.csv"});
    EXPECT_EQ(read_file(out_ / "inductor_timm_training.csv"), old_timm);
}

// Lowers the file size limit of the processes this test starts, as a full disk would stop their
// writes; SIGXFSZ is ignored so that the write fails with an error instead of killing the writer.
class scoped_file_size_limit {
public:
    explicit scoped_file_size_limit(rlim_t bytes) {
        getrlimit(RLIMIT_FSIZE, &saved_);
        const rlimit lowered{bytes, saved_.rlim_max};
        setrlimit(RLIMIT_FSIZE, &lowered);
        saved_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    }
    ~scoped_file_size_limit() {
        setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, saved_handler_);
    }
    scoped_file_size_limit(const scoped_file_size_limit&) = delete;
    scoped_file_size_limit& operator=(const scoped_file_size_limit&) = delete;

private:
    rlimit saved_{};
    void (*saved_handler_)(int) = nullptr;
};

TEST_F(RefreshE2e, AFullDiskKeepsEveryOldFileLeavesNoTempAndExits1) {
    serve(small_spec());
    write_file(out_ / "inductor_timm_training.csv", old_timm);
    process_result r;
    {
        // Each file the snapshot gives is larger than this; the old file is smaller.
        const scoped_file_size_limit full(old_timm.size() + 16);
        r = run(file_args());
    }
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(all_files(), std::vector<fs::path>{"inductor_timm_training.csv"});
    EXPECT_EQ(read_file(out_ / "inductor_timm_training.csv"), old_timm);
    // One cause, one line: the first file in full (naming it), then how many more met it.
    std::size_t lines = 0, said = 0;
    for (std::size_t at = 0, end; at < r.err.size(); at = end + 1) {
        end = std::min(r.err.find('\n', at), r.err.size());
        const std::string_view line(r.err.data() + at, end - at);
        if (!line.starts_with("error: ") || line.find("File too large") == std::string_view::npos) continue;
        ++lines;
        said += line.find("ci_expected_accuracy/") != std::string_view::npos &&
                line.find(".csv: ") != std::string_view::npos;
    }
    EXPECT_EQ(lines, 2u) << r.err;
    EXPECT_EQ(said, 1u) << r.err;
    EXPECT_NE(r.err.find(" more expected files could not be written the same way: File too large"), std::string::npos)
        << r.err;
}

// Runs `args` with the output directory read-only: by its mode for an ordinary user, and for root
// (whom modes do not stop) on a read-only bind mount in a private user and mount namespace.
std::optional<process_result> run_with_read_only_output(const fs::path& binary, const std::vector<std::string>& args,
                                                        const std::map<std::string, std::string>& env,
                                                        const fs::path& out, const fs::path& cwd) {
    if (geteuid() != 0) {
        fs::permissions(out, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write,
                        fs::perm_options::remove);
        child_process child(binary, args, env, cwd);
        auto r = child.wait();
        fs::permissions(out, fs::perms::owner_write, fs::perm_options::add);
        return r;
    }
    std::vector<std::string> wrapped{
        "-rm", "sh",         "-c",           "mount --bind -o ro \"$1\" \"$1\" || exit 99; shift; exec \"$@\"",
        "sh",  out.string(), binary.string()};
    wrapped.insert(wrapped.end(), args.begin(), args.end());
    child_process child("/usr/bin/unshare", wrapped, env, cwd);
    auto r = child.wait();
    if (r.exit_code == 99 || r.err.find("unshare failed") != std::string::npos) return std::nullopt;
    return r;
}

TEST_F(RefreshE2e, AReadOnlyOutputDirectoryExits2BeforeAnyDownloadUnlessDryRun) {
    serve(small_spec());
    const auto r = run_with_read_only_output(binary_, file_args(), environment(), out_, dir_);
    if (!r) GTEST_SKIP() << "this machine allows neither a read-only mode for this user nor a user namespace";
    EXPECT_EQ(r->exit_code, 2) << r->err;
    EXPECT_NE(r->err.find("not writable"), std::string::npos) << r->err;
    EXPECT_NE(r->err.find(out_.string()), std::string::npos) << r->err;
    EXPECT_EQ(server_->stats().requests_total, 0u);
    EXPECT_TRUE(all_files().empty());

    const auto dry = run_with_read_only_output(binary_, file_args({"--dry-run"}), environment(), out_, dir_);
    ASSERT_TRUE(dry);
    EXPECT_EQ(dry->exit_code, 0) << dry->err;
    EXPECT_TRUE(all_files().empty());
}

// How many requests the server read for `path`, and their Range fields in order.
std::vector<std::string> ranges_asked(const testing::server& server, const std::string& path) {
    std::vector<std::string> ranges;
    for (const auto& q : server.requests()) {
        if (q.path() == path) ranges.push_back(q.header("Range"));
    }
    return ranges;
}

TEST_F(RefreshE2e, ServerErrorsAndCutBodiesAreRetriedAndResumedAndTheRunExits0) {
    serve(small_spec());
    const auto errors = "/" + snap_.find_artifact("inductor_timm", 1)->path;
    const auto reset = snap_.find_artifact("inductor_huggingface", 1);
    const auto truncated = "/" + snap_.find_artifact("cpu_inductor_torchbench", 2)->path;
    server_->add_faults(errors, {testing::fault::error(500), testing::fault::retry_after(503, "0")});
    const std::uint64_t half = reset->bytes.size() / 2;
    server_->add_faults("/" + reset->path, {testing::fault::reset_after(half)});
    server_->add_faults(truncated, {testing::fault::truncate_after(100)});
    const auto r = run(file_args({"--no-cache"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_EQ(ranges_asked(*server_, errors).size(), 3u);
    // A cut body resumes where it stopped: the second request asks for the rest only.
    EXPECT_EQ(ranges_asked(*server_, "/" + reset->path),
              (std::vector<std::string>{"", fmt::format("bytes={}-", half)}));
    EXPECT_EQ(ranges_asked(*server_, truncated), (std::vector<std::string>{"", "bytes=100-"}));
}

TEST_F(RefreshE2e, AnHttpsProxyFromTheEnvironmentCarriesEveryTransfer) {
    serve(small_spec());
    testing::connect_proxy proxy({.user = "me", .password = "pr0xy-pass"});
    const auto r = run(file_args({"--no-cache"}), {{"HTTPS_PROXY", proxy.url()}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_all_written();
    EXPECT_GT(proxy.stats().tunnels_opened, 0u);
    for (const auto& q : proxy.requests()) {
        EXPECT_EQ(q.method, "CONNECT");
        EXPECT_EQ(q.header("Proxy-Authorization"), "Basic bWU6cHIweHktcGFzcw==");
    }
    EXPECT_EQ(r.out.find("pr0xy-pass"), std::string::npos);
    EXPECT_EQ(r.err.find("pr0xy-pass"), std::string::npos);

    // NO_PROXY exempts the artifact host (a suffix match of `localhost`): no tunnel is asked for.
    const auto tunnels = proxy.stats().tunnels_opened;
    const auto direct =
        run(file_args({"--no-cache"}), {{"HTTPS_PROXY", proxy.url()}, {"NO_PROXY", "example.com,.localhost"}});
    EXPECT_EQ(direct.exit_code, 0) << direct.err;
    EXPECT_EQ(proxy.stats().tunnels_opened, tunnels);
}

TEST_F(RefreshE2e, AProxyThatRefusesFailsEachTransferNamingTheProxyAndOneItCannotUseExits2) {
    serve(small_spec());
    testing::connect_proxy proxy({.user = "me", .password = "pr0xy-pass"});
    auto r = run(file_args({"--no-cache"}), {{"HTTPS_PROXY", proxy.url(false)}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_NE(r.err.find("407"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(fmt::format("127.0.0.1:{}", proxy.port())), std::string::npos) << r.err;

    r = run(file_args(), {{"ALL_PROXY", "socks5://127.0.0.1:1"}});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("ALL_PROXY"), std::string::npos) << r.err;
    EXPECT_EQ(server_->requests().size(), 0u);
}

TEST_F(RefreshE2e, AnUntrustedCertificateIsSaidOnceAndItsRepeatsCounted) {
    serve(small_spec());
    auto args = file_args({"--no-cache", "-j", "2"});
    const auto ca = std::find(args.begin(), args.end(), "--ca-file");
    ASSERT_NE(ca, args.end());
    args.erase(ca, ca + 2);  // the test CA is no longer trusted: every transfer fails alike
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(all_files().empty());
    std::size_t mentions = 0;
    for (auto at = r.err.find("certificate_rejected"); at != std::string::npos;
         at = r.err.find("certificate_rejected", at + 1))
        ++mentions;
    EXPECT_EQ(mentions, 2u) << r.err;  // the first transfer in full, then the count of the others
    const auto more = r.err.find(" more artifacts failed the same way: certificate_rejected");
    ASSERT_NE(more, std::string::npos) << r.err;
    const auto line = r.err.rfind('\n', more) + 1;
    EXPECT_GT(std::stoul(r.err.substr(line + std::string("error: ").size())), 1u) << r.err;
    // The run ends with the first refusal: the two warm-ups and the two transfers under way
    // connected, no other artifact did.
    EXPECT_LE(server_->stats().connections_accepted, 4u);
}

// Every way a proxy can fail the CONNECT, for the job query (exit 3) and for the artifacts (exit 1):
// the message names the proxy by host and port and what it did, never the job host's credentials
// and never the proxy's password.
TEST_F(RefreshE2e, AProxysFailureIsNamedAsTheProxysForTheJobQueryAndTheArtifacts) {
    serve(small_spec());
    struct failure {
        std::string name;
        std::function<void(testing::connect_proxy&)> arrange;
        std::string said;  // after "proxy 127.0.0.1:PORT "
        bool wrong_password = false;
    };
    const std::vector<failure> failures{
        {"401", [](auto& p) { p.refuse_next(401, 1000); }, "answered 401 Unauthorized"},
        {"403", [](auto& p) { p.refuse_next(403, 1000); }, "answered 403 Forbidden"},
        {"407", [](auto&) {}, "answered 407 Proxy Authentication Required", true},
        {"close", [](auto& p) { p.misbehave_next(testing::connect_proxy::misbehaviour::close, 1000); },
         "closed the connection before answering CONNECT"},
        {"garbage", [](auto& p) { p.misbehave_next(testing::connect_proxy::misbehaviour::garbage, 1000); },
         "gave no usable answer to CONNECT"},
    };
    for (const auto& f : failures) {
        SCOPED_TRACE(f.name);
        testing::connect_proxy proxy({.user = "me", .password = "pr0xy-pass"});
        f.arrange(proxy);
        const std::string proxy_url =
            f.wrong_password ? fmt::format("http://me:wr0ng-pass@127.0.0.1:{}", proxy.port()) : proxy.url();
        const std::string expected = fmt::format("proxy 127.0.0.1:{} {}", proxy.port(), f.said);

        auto env = clickhouse_key();
        env["HTTPS_PROXY"] = proxy_url;
        auto args = clickhouse_args();
        args.insert(args.end(), {"--no-cache", "--retries", "0"});
        const auto query = run(args, env);
        EXPECT_EQ(query.exit_code, 3) << query.err;
        EXPECT_NE(query.err.find(expected), std::string::npos) << query.err;
        EXPECT_EQ(query.err.find("authentication refused"), std::string::npos) << query.err;

        const auto artifacts =
            run(file_args({"--no-cache", "--retries", "0", "-j", "2"}), {{"HTTPS_PROXY", proxy_url}});
        EXPECT_EQ(artifacts.exit_code, 1) << artifacts.err;
        EXPECT_TRUE(all_files().empty());
        EXPECT_NE(artifacts.err.find(expected), std::string::npos) << artifacts.err;
        for (const auto* r : {&query, &artifacts}) {
            EXPECT_EQ(r->err.find("pr0xy-pass"), std::string::npos) << r->err;
            EXPECT_EQ(r->err.find("wr0ng-pass"), std::string::npos) << r->err;
            EXPECT_EQ(r->err.find("s3cr3t-value"), std::string::npos) << r->err;
            EXPECT_EQ(r->out.find("pr0xy-pass"), std::string::npos) << r->out;
        }
    }
}

TEST_F(RefreshE2e, ADeadArtifactHostEndsTheRunWithinOneArtifactsRetries) {
    serve(small_spec());
    std::uint16_t dead = 0;
    {
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        dead = a.local_endpoint().port();
    }
    auto args = file_args({"--no-cache", "-j", "2", "--retries", "2", "--summary-json", (dir_ / "s.json").string()});
    const auto url = std::find(args.begin(), args.end(), "--artifacts-url");
    ASSERT_NE(url, args.end());
    *(url + 1) = fmt::format("http://127.0.0.1:{}", dead);
    const auto r = run(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_TRUE(all_files().empty());
    EXPECT_NE(r.err.find(" more artifacts failed the same way: Connection refused"), std::string::npos) << r.err;
    // Only the two transfers under way when the first gave up made requests: at most 3 each.
    const auto doc = boost::json::parse(read_file(dir_ / "s.json"));
    std::uint64_t attempts = 0, tried = 0;
    for (const auto& a : doc.at("artifacts").as_array()) {
        const auto n = a.at("attempts").to_number<std::uint64_t>();
        attempts += n;
        tried += n > 0;
    }
    EXPECT_LE(tried, 2u);
    EXPECT_LE(attempts, 2u * 3u);
}

TEST_F(RefreshE2e, AnExistingFileWithoutNameIsNoSchemaAndTheWarningSaysWhatIsUsedInstead) {
    serve(small_spec());
    write_file(out_ / "inductor_timm_training.csv", "model,result\nx,pass\n");
    auto r = run(file_args({"--no-cache", "--columns", "name,accuracy"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("inductor_timm_training.csv has no `name` column: not a schema, using the --columns"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(read_file(out_ / "inductor_timm_training.csv").substr(0, 14), "name,accuracy\n");

    write_file(out_ / "inductor_timm_training.csv", "model,result\nx,pass\n");
    r = run(file_args({"--no-cache"}));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("not a schema, using the default columns"), std::string::npos) << r.err;
}

TEST_F(RefreshE2e, UsageErrorsExit2) {
    serve(small_spec());
    EXPECT_EQ(run({}).exit_code, 2);
    EXPECT_EQ(run(file_args({"--no-such-flag"})).exit_code, 2);
    EXPECT_EQ(run(file_args({"-j", "0"})).exit_code, 2);
    auto args = file_args();
    args.insert(args.end(), {"--source", "clickhouse"});
    EXPECT_EQ(run(args).exit_code, 2);
    EXPECT_EQ(run({std::string(sha), "--jobs-file", (dir_ / "jobs.json").string(), "--output-dir",
                   (dir_ / "missing").string()})
                  .exit_code,
              2);
    EXPECT_TRUE(all_files().empty());
}

TEST_F(RefreshE2e, HelpAndVersionExit0) {
    auto r = run({"--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--concurrency"), std::string::npos);
    r = run({"--version"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("update-expected"), std::string::npos);
}

}  // namespace
}  // namespace ue::test
