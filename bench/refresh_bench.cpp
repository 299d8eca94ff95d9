// The full refresh, measured: the real update-expected binary (job query over the GitHub REST API,
// every artifact, zip streaming, CSV, files written, rerun cache filled) beside the download-only
// lower bound, `curl --parallel --parallel-max N` fetching the same artifact URLs at the same N, in
// the same run, on the same local HTTPS test server and files (served_snapshot.hpp). Each command is
// measured in its own process (harness.hpp); medians of --reps runs; ratios ue/curl.
//
// Scenarios (issue 9), chosen by name, all by default:
//   small  ~80 shard artifacts of ~200 KiB at 50 ms round trip     target: ue wall <= curl wall
//   large  16 artifacts of 64 MiB, wanted CSVs behind big XML, no delay
//                                                                   targets: wall <= 1.1x, CPU <= 1.5x curl
//   huge   one 2 GiB artifact, no delay                             target: peak RSS < 48 MiB
//   sweep  small at -j 1, 2, 4, 8, 16, 32, 64                       target: peak RSS < 64 MiB at -j 64
//          and the same with the rows from a file                   target: wall <= curl at every -j
//   rerun  small again, served from the rerun cache                 target: < 0.2 s, nothing downloaded
//   api    small with 250 ms of server time per API answer and runs of 250 jobs (3 pages each),
//          beside the same with the rows from a file        target: <= 2 API latencies before the
//                                                                   first artifact request
// Usage: refresh_bench [--reps N] [-j N] [--rtt MS] [--ue PATH] [scenario...]   (not a test: figures only)
//   --reps 5, -j 16 (the -j of every scenario but the sweep), --rtt 50 (small, sweep, rerun).
// Prints progress on stderr and a markdown table on stdout. Generated files live in a temporary
// directory under $TMPDIR, removed at the end.

#include "harness.hpp"
#include "served_snapshot.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

#ifndef UE_BINARY
#define UE_BINARY "update-expected"
#endif

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ue::bench::measure;

struct settings {
    unsigned reps = 5;
    unsigned jobs = 16;
    std::chrono::milliseconds rtt{50};  // of the small, sweep and rerun scenarios
    std::string ue = UE_BINARY;
    std::string self;
    fs::path dir;  // the temporary directory of this run
};

std::string load_average() {
    std::ifstream in{"/proc/loadavg"};
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

std::string slurp(const fs::path& p) {
    std::ifstream in{p};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The `filler_bytes` that make each artifact of `spec` about `target` bytes: the compressed size
// grows linearly with the filler, so two small probes give the line.
std::size_t filler_for(ue::test::snapshot_spec spec, double target) {
    spec.suites = {spec.suites.front()};
    spec.suites.front().shards = 1;
    spec.noise = false;
    spec.retried_shard = false;
    const std::size_t unit = spec.filler_block ? 2 * spec.filler_block : 256 * 1024;
    const auto size_at = [&spec](std::size_t filler) {
        spec.filler_bytes = filler;
        return static_cast<double>(ue::test::make_snapshot(spec).artifacts.front().bytes.size());
    };
    const double a = size_at(unit), b = size_at(2 * unit);
    return static_cast<std::size_t>(static_cast<double>(unit) + (target - a) * static_cast<double>(unit) / (b - a));
}

ue::test::snapshot_spec realistic_spec() {
    ue::test::snapshot_spec spec;
    spec.suites = ue::test::realistic_suites();
    spec.models_per_suite = 40;
    spec.filler_bytes = filler_for(spec, 200 * 1024);
    return spec;
}

// Shards of the default configs' `inductor` suites: `count` artifacts in all.
ue::test::snapshot_spec big_spec(int count, double artifact_bytes) {
    ue::test::snapshot_spec spec;
    const int timm = count / 3, torchbench = count / 3;
    spec.suites = {{"inductor", "huggingface", count - timm - torchbench},
                   {"inductor", "timm", timm},
                   {"inductor", "torchbench", torchbench}};
    spec.suites.erase(
        std::remove_if(spec.suites.begin(), spec.suites.end(), [](const auto& s) { return s.shards == 0; }),
        spec.suites.end());
    spec.models_per_suite = 32;
    spec.retried_shard = false;
    spec.filler_block = 1 << 20;
    spec.filler_bytes = filler_for(spec, artifact_bytes);
    return spec;
}

struct row {
    std::string scenario;
    unsigned n = 0;
    measure ue;
    std::optional<measure> curl;  // none for the rerun: curl has no cache
    std::string target;           // what is asked and whether it is met
    std::string problem;          // why a run is not valid, empty when all were
};

// What a ue run must have done.
struct expectation {
    std::size_t artifacts = 0;
    std::size_t files = 0;
    bool from_cache = false;
};

// Why a ue run is not a valid refresh (exit status, files, --summary-json totals); empty when it is.
std::string check_run(const measure& m, const fs::path& summary, const fs::path& out, const expectation& want,
                      const fs::path& err) {
    if (!m.ok()) {
        std::string text = slurp(err);
        if (text.size() > 400) text = "..." + text.substr(text.size() - 400);
        return fmt::format("exit status {}: {}", WIFEXITED(m.status) ? WEXITSTATUS(m.status) : -1, text);
    }
    std::size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(out))
        if (e.is_regular_file()) ++files;
    if (files != want.files) return fmt::format("{} files written, {} expected", files, want.files);
    const auto totals = boost::json::parse(slurp(summary)).at("totals").as_object();
    const auto count = [&totals](const char* key) {
        return static_cast<std::size_t>(totals.at(key).to_number<double>());
    };
    if (count("artifacts_read") != want.artifacts)
        return fmt::format("{} artifacts read, {} expected", count("artifacts_read"), want.artifacts);
    if (want.from_cache &&
        (count("artifacts_from_cache") != want.artifacts || count("bytes") != 0 || count("attempts") != 0))
        return fmt::format("not all from the cache: {} from cache, {} bytes and {} requests from the network",
                           count("artifacts_from_cache"), count("bytes"), count("attempts"));
    if (!want.from_cache && count("artifacts_from_cache") != 0) return "some artifacts came from a cache";
    return {};
}

class bench {
public:
    explicit bench(settings s) : s_(std::move(s)) {}

    // One ue run of `snap` at -j `n` into a fresh output directory, checked. `cache`: the rerun
    // cache it uses (`rerun`: one it must be served from entirely); else a fresh one, removed after.
    measure refresh(ue::bench::served_snapshot& snap, unsigned n, const std::vector<std::string>& args,
                    const std::optional<fs::path>& cache, bool rerun, std::string& problem) {
        const fs::path run = s_.dir / "run";
        fs::create_directories(run / "out");
        std::vector<std::string> argv{s_.ue};
        argv.insert(argv.end(), args.begin(), args.end());
        argv.insert(
            argv.end(),
            {"--output-dir", (run / "out").string(), "--cache-dir", (cache ? *cache : run / "cache").string(),
             "--summary-json", (run / "summary.json").string(), "-j", std::to_string(n), "-q", "--progress", "never"});
        snap.server().clear_requests();
        const measure m = ue::bench::run_measured(s_.self, s_.dir.string(), argv, (run / "err").string());
        const expectation want{snap.artifact_urls().size(), snap.expected_files(), rerun};
        std::string found = check_run(m, run / "summary.json", run / "out", want, run / "err");
        if (rerun && found.empty()) {
            for (const auto& q : snap.server().requests())
                if (!q.target.starts_with("/repos/")) found = "the rerun asked the server for " + q.target;
        }
        if (problem.empty() && !found.empty()) problem = "ue: " + found;
        fs::remove_all(run);
        return m;
    }

    // ue and curl (same URLs, same N) alternately, --reps times; a rerun (`cache` given) has no curl.
    row pair(ue::bench::served_snapshot& snap, const std::string& name, unsigned n,
             const std::vector<std::string>& args, const std::optional<fs::path>& cache = std::nullopt) {
        row r{name, n, {}, {}, {}, {}};
        std::vector<measure> ues, curls;
        const auto curl = ue::bench::curl_command(n, snap.server().ca_file().string(), snap.artifact_urls(),
                                                  (s_.dir / "curl.cfg").string());
        for (unsigned i = 0; i < s_.reps; ++i) {
            ues.push_back(refresh(snap, n, args, cache, cache.has_value(), r.problem));
            std::string line =
                fmt::format("  {} -j {} run {}/{}: ue {:.3f} s", name, n, i + 1, s_.reps, ues.back().wall);
            if (!cache) {
                curls.push_back(ue::bench::run_measured(s_.self, s_.dir.string(), curl));
                if (!curls.back().ok() && r.problem.empty()) r.problem = "curl failed";
                line += fmt::format(", curl {:.3f} s", curls.back().wall);
            }
            std::fprintf(stderr, "%s\n", line.c_str());
        }
        r.ue = ue::bench::median(ues);
        if (!cache) r.curl = ue::bench::median(curls);
        return r;
    }

    void add(row r) { rows_.push_back(std::move(r)); }
    const std::vector<row>& rows() const { return rows_; }
    const settings& config() const { return s_; }

private:
    settings s_;
    std::vector<row> rows_;
};

std::string verdict(bool met, const std::string& what) { return (met ? "met: " : "MISSED: ") + what; }
double mib(long kib) { return static_cast<double>(kib) / 1024.0; }

void small_scenarios(bench& b, const std::set<std::string>& chosen) {
    std::fprintf(stderr, "small: generating the realistic snapshot\n");
    const fs::path dir = b.config().dir / "small";
    ue::bench::served_snapshot snap(realistic_spec(), b.config().rtt, dir);
    std::fprintf(stderr, "small: %zu artifacts, %.0f KiB on average, %lld ms round trip\n", snap.artifact_urls().size(),
                 static_cast<double>(snap.artifact_bytes()) / 1024.0 / static_cast<double>(snap.artifact_urls().size()),
                 static_cast<long long>(b.config().rtt.count()));
    const unsigned n = b.config().jobs;
    if (chosen.count("small")) {
        row r = b.pair(snap, "small", n, snap.github_args());
        r.target = verdict(r.ue.wall <= r.curl->wall, "wall <= curl");
        b.add(std::move(r));
        // The same without the job query's round trips: what the artifact phase costs beside curl.
        b.add(b.pair(snap, "small (--jobs-file)", n, snap.jobs_file_args()));
    }
    if (chosen.count("sweep")) {
        for (unsigned j : {1u, 2u, 4u, 8u, 16u, 32u, 64u}) {
            row r = b.pair(snap, "sweep", j, snap.github_args());
            if (j == 64) r.target = verdict(mib(r.ue.rss_kib) < 64, "RSS < 64 MiB");
            b.add(std::move(r));
        }
        // The artifact phase alone at each -j: the rows from the file.
        for (unsigned j : {1u, 2u, 4u, 8u, 16u, 32u, 64u}) {
            row r = b.pair(snap, "sweep (--jobs-file)", j, snap.jobs_file_args());
            r.target = verdict(r.ue.wall <= r.curl->wall, "wall <= curl");
            b.add(std::move(r));
        }
    }
    if (chosen.count("rerun")) {
        // One ordinary refresh fills the cache; each timed rerun reads it into an empty output directory.
        const fs::path cache = dir / "rerun-cache";
        std::string problem;
        b.refresh(snap, n, snap.github_args(), cache, false, problem);
        for (const bool api : {true, false}) {
            row r = b.pair(snap, api ? "rerun (GitHub API)" : "rerun (--jobs-file)", n,
                           api ? snap.github_args() : snap.jobs_file_args(), cache);
            if (r.problem.empty()) r.problem = problem;
            r.target = verdict(r.ue.wall < 0.2, "< 0.2 s") + "; " + verdict(r.problem.empty(), "nothing downloaded");
            if (api) {  // the last run's API requests, from the server's log
                std::size_t asked = 0, conditional = 0;
                for (const auto& q : snap.server().requests()) {
                    asked += q.target.starts_with("/repos/");
                    conditional += q.target.starts_with("/repos/") && !q.header("If-None-Match").empty();
                }
                r.target += fmt::format("; {} API requests, {} conditional", asked, conditional);
            }
            b.add(std::move(r));
        }
    }
    fs::remove_all(dir);
}

// The API's own time per answer makes each round of listings cost `answer_delay` + rtt: how many
// such rounds the refresh waited between its first API request and its first artifact request,
// from the server's log of the last run.
double api_latencies(const std::vector<ue::testing::recorded_request>& log, std::chrono::milliseconds latency) {
    const auto api =
        std::find_if(log.begin(), log.end(), [](const auto& q) { return q.target.starts_with("/repos/"); });
    const auto artifact = std::find_if(api, log.end(), [](const auto& q) { return !q.target.starts_with("/repos/"); });
    if (api == log.end() || artifact == log.end()) return 0;
    return std::chrono::duration<double>(artifact->read_at - api->read_at) / latency;
}

void api_latency_scenario(bench& b) {
    constexpr auto answer_delay = 250ms;
    constexpr std::size_t jobs_per_run = 250;
    std::fprintf(stderr, "api: generating the realistic snapshot, API answers %lld ms, runs of %zu jobs\n",
                 static_cast<long long>(answer_delay.count()), jobs_per_run);
    const fs::path dir = b.config().dir / "api";
    ue::bench::served_snapshot snap(realistic_spec(), b.config().rtt, dir, {answer_delay, jobs_per_run});
    const unsigned n = b.config().jobs;
    // pair() ends with a curl run, whose requests follow ue's in the log: ue's come first.
    row r = b.pair(snap, "small (API latency)", n, snap.github_args());
    const double rounds = api_latencies(snap.server().requests(), answer_delay + b.config().rtt);
    r.target = verdict(rounds <= 2.5, fmt::format("<= 2 API latencies before the first artifact ({:.1f})", rounds));
    b.add(std::move(r));
    b.add(b.pair(snap, "small (API latency, --jobs-file)", n, snap.jobs_file_args()));
    fs::remove_all(dir);
}

void big_scenario(bench& b, const std::string& name, int count, double artifact_bytes) {
    std::fprintf(stderr, "%s: generating %d artifacts of %.0f MiB\n", name.c_str(), count, artifact_bytes / (1 << 20));
    const fs::path dir = b.config().dir / name;
    row r;
    {
        const auto started = std::chrono::steady_clock::now();
        ue::bench::served_snapshot snap(big_spec(count, artifact_bytes), 0ms, dir);
        std::fprintf(stderr, "%s: %zu artifacts, %.1f MiB in all, generated and written in %.1f s; no delay\n",
                     name.c_str(), snap.artifact_urls().size(), static_cast<double>(snap.artifact_bytes()) / (1 << 20),
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        r = b.pair(snap, name, b.config().jobs, snap.github_args());
    }
    if (name == "large") {
        const double wall = r.ue.wall / r.curl->wall, cpu = r.ue.cpu / r.curl->cpu;
        r.target = verdict(wall <= 1.1, fmt::format("wall <= 1.1x ({:.2f}x)", wall)) + "; " +
                   verdict(cpu <= 1.5, fmt::format("CPU <= 1.5x ({:.2f}x)", cpu));
    } else {
        r.target = verdict(mib(r.ue.rss_kib) < 48, "RSS < 48 MiB");
    }
    b.add(std::move(r));
    fs::remove_all(dir);
}

void print_table(const bench& b) {
    std::printf(
        "| scenario | -j | ue wall s | curl wall s | wall ue/curl | ue CPU s | curl CPU s | CPU ue/curl | "
        "ue peak RSS MiB | curl peak RSS MiB | server CPU s (ue / curl run) | target |\n");
    std::printf("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (const auto& r : b.rows()) {
        const auto& u = r.ue;
        std::string curl;
        std::string server = fmt::format("{:.2f}", u.driver_cpu);
        if (r.curl) {
            const auto& c = *r.curl;
            curl = fmt::format("| {:.3f} | {:.2f} | {:.3f} | {:.3f} | {:.2f} | {:.1f} | {:.1f} ", c.wall,
                               u.wall / c.wall, u.cpu, c.cpu, u.cpu / c.cpu, mib(u.rss_kib), mib(c.rss_kib));
            server += fmt::format(" / {:.2f}", c.driver_cpu);
        } else {
            curl = fmt::format("| - | - | {:.3f} | - | - | {:.1f} | - ", u.cpu, mib(u.rss_kib));
        }
        const std::string target = r.problem.empty() ? (r.target.empty() ? "-" : r.target) : "FAILED: " + r.problem;
        std::printf("| %s | %u | %.3f %s| %s | %s |\n", r.scenario.c_str(), r.n, u.wall, curl.c_str(), server.c_str(),
                    target.c_str());
    }
    std::fflush(stdout);
}

int usage() {
    std::fprintf(stderr,
                 "usage: refresh_bench [--reps N] [-j N] [--rtt MS] [--ue PATH] "
                 "[small|large|huge|sweep|rerun|api]...\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (const auto measured = ue::bench::measure_main(argc, argv)) return *measured;
    settings s;
    std::set<std::string> chosen;
    const std::set<std::string> all{"small", "large", "huge", "sweep", "rerun", "api"};
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--reps" || a == "-j" || a == "--ue" || a == "--rtt") && i + 1 < argc) {
            const std::string v = argv[++i];
            if (a == "--ue")
                s.ue = v;
            else if (a == "--reps")
                s.reps = static_cast<unsigned>(std::stoul(v));
            else if (a == "--rtt")
                s.rtt = std::chrono::milliseconds(std::stoul(v));
            else
                s.jobs = static_cast<unsigned>(std::stoul(v));
        } else if (all.count(a)) {
            chosen.insert(a);
        } else {
            return usage();
        }
    }
    if (chosen.empty()) chosen = all;
    if (s.reps == 0 || s.jobs == 0) return usage();
    // The refresh and curl see no proxy and no token: everything stays on 127.0.0.1, unauthenticated.
    for (const char* v : {"HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy",
                          "GITHUB_TOKEN", "GH_TOKEN", "SSL_CERT_FILE", "CURL_HOME"})
        ::unsetenv(v);
    s.self = ue::bench::self_path();
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ue-refresh-bench-XXXXXX";
    if (!::mkdtemp(pattern.data())) {
        std::perror("mkdtemp");
        return 1;
    }
    s.dir = pattern;
    ::setenv("XDG_CACHE_HOME", (s.dir / "xdg-cache").c_str(), 1);  // belt and braces: --cache-dir is always given
    const std::string load_before = load_average();
    bench b(s);
    try {
        if (chosen.count("small") || chosen.count("sweep") || chosen.count("rerun")) small_scenarios(b, chosen);
        if (chosen.count("api")) api_latency_scenario(b);
        if (chosen.count("large")) big_scenario(b, "large", 16, 64.0 * (1 << 20));
        if (chosen.count("huge")) big_scenario(b, "huge", 1, 2048.0 * (1 << 20));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "refresh_bench: %s\n", e.what());
        fs::remove_all(s.dir);
        return 1;
    }
    fs::remove_all(s.dir);
    std::printf("update-expected refresh benchmark: %u runs each, medians; load average before %s, after %s\n\n",
                s.reps, load_before.c_str(), load_average().c_str());
    print_table(b);
    return 0;
}
