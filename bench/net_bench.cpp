// Download throughput of ue::net::client beside `curl --parallel --parallel-max N`, in one run, on
// the same local HTTPS test server and the same generated files:
//  (a) many small artifacts (100 x 200 KiB) behind a simulated 50 ms round trip: the server waits
//      2 round trips on each new connection (TCP + TLS) and 1 before each response;
//  (b) a few large ones (16 x 64 MiB) without delay.
// Each downloader runs as a child process (ours is this program again, with --client), so wall time,
// CPU (user + sys) and peak RSS are its own, measured by wait4() in a small intermediate process;
// the server runs in this process.
// Bodies are discarded by both (curl: -o /dev/null; ours: counted and dropped).
// Usage: net_bench [N, default 16] [small|large, default both]        (not a test: figures only)
#include <update_expected/net/client.hpp>

#include "test_server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using namespace std::chrono_literals;
namespace ts = ue::testing;

struct measure {
    double wall = 0, cpu = 0;
    long rss_kib = 0;
    int status = -1;
};

// Spawns argv, waits for it and measures it. Run inside a small `--measure` process, never in the
// driver: a child's peak RSS starts from its parent's (fork copies, and exec keeps the high-water
// mark), and the driver holds the server.
measure spawn_and_wait(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
        std::perror(args[0]);
        std::exit(1);
    }
    posix_spawn_file_actions_destroy(&actions);
    measure m;
    rusage usage{};
    wait4(pid, &m.status, 0, &usage);
    m.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
            static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    m.rss_kib = usage.ru_maxrss;
    return m;
}

// --measure OUT CMD...: measures CMD and writes "wall cpu rss status" to OUT.
int measure_main(const std::string& out, const std::vector<std::string>& argv) {
    const measure m = spawn_and_wait(argv);
    std::ofstream{out} << m.wall << ' ' << m.cpu << ' ' << m.rss_kib << ' ' << m.status << '\n';
    return 0;
}

measure run_child(const std::string& self, const std::string& scratch, const std::vector<std::string>& argv) {
    std::vector<std::string> wrapped{self, "--measure", scratch + "/measure"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    spawn_and_wait(wrapped);
    measure m;
    std::ifstream{scratch + "/measure"} >> m.wall >> m.cpu >> m.rss_kib >> m.status;
    return m;
}

// --client N CA URLFILE: downloads every URL of the file with N transfers in flight.
int client_main(unsigned n, const std::string& ca, const std::string& list) {
    std::ifstream in{list};
    std::vector<std::string> urls;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) urls.push_back(line);
    boost::asio::io_context io;
    ue::net::client_options o;
    o.concurrency = n;
    o.tls.ca_file = ca;
    ue::net::client c(io, o);
    std::uint64_t bytes = 0, pieces = 0;
    int failures = 0;
    for (const auto& u : urls) {
        ue::net::request r;
        r.target = ue::net::url::from(u);
        ue::net::body_sink sink;
        sink.on_chunk = [&bytes, &pieces](std::span<const std::byte> b) {
            bytes += b.size();
            ++pieces;
            return std::error_code{};
        };
        c.fetch(std::move(r), std::move(sink), [&failures](const ue::net::outcome& out) {
            if (!out.ok()) {
                ++failures;
                std::fprintf(stderr, "%s\n", out.describe().c_str());
            }
        });
    }
    io.run();
    // Bytes per piece is the body read size: small pieces mean per-read overhead dominates.
    std::fprintf(stderr, "ue client: %zu transfers, %llu bytes in %llu pieces, %d failed\n", urls.size(),
                 static_cast<unsigned long long>(bytes), static_cast<unsigned long long>(pieces), failures);
    return failures == 0 ? 0 : 1;
}

struct scenario {
    const char* name;
    int count;
    std::uint64_t size;
    std::chrono::milliseconds rtt;
};

void run_scenario(const scenario& sc, unsigned n, const std::string& self) {
    ts::server_options so;
    so.accept_delay = 2 * sc.rtt;  // TCP handshake and TLS handshake
    so.response_delay = sc.rtt;    // request out, headers back
    ts::server s(so);
    const std::string dir = fmt::format("/tmp/ue-net-bench-{}", ::getpid());
    std::system(("mkdir -p " + dir).c_str());
    const std::string list = dir + "/urls", config = dir + "/curl.cfg";
    {
        std::ofstream urls{list}, cfg{config};
        for (int i = 0; i < sc.count; ++i) {
            const std::string path = fmt::format("/{}/{}.zip", sc.name, i);
            s.add_generated(path, sc.size, static_cast<std::uint64_t>(i));
            urls << s.url(path) << '\n';
            cfg << "url = \"" << s.url(path) << "\"\noutput = \"/dev/null\"\n";
        }
    }
    const std::string N = std::to_string(n);
    const measure ours = run_child(self, dir, {self, "--client", N, s.ca_file().string(), list});
    const measure curl = run_child(self, dir, {"curl", "--parallel", "--parallel-max", N, "--silent", "--no-progress-meter", "--show-error",
                                    "--fail", "--cacert", s.ca_file().string(), "-K", config});
    std::system(("rm -rf " + dir).c_str());
    const auto row = [](const char* who, const measure& m) {
        std::printf("  %-6s wall %8.3f s   cpu %8.3f s   peak rss %8.1f MiB   %s\n", who, m.wall, m.cpu,
                    static_cast<double>(m.rss_kib) / 1024.0, m.status == 0 ? "ok" : "FAILED");
    };
    std::printf("%s: %d x %llu KiB, rtt %lld ms, N=%u\n", sc.name, sc.count,
                static_cast<unsigned long long>(sc.size / 1024), static_cast<long long>(sc.rtt.count()), n);
    row("ue", ours);
    row("curl", curl);
    std::printf("  ratio ue/curl: wall %.2f, cpu %.2f, rss %.2f\n\n", ours.wall / curl.wall, ours.cpu / curl.cpu,
                static_cast<double>(ours.rss_kib) / static_cast<double>(curl.rss_kib));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "--measure")
        return measure_main(argv[2], std::vector<std::string>(argv + 3, argv + argc));
    if (argc == 5 && std::string(argv[1]) == "--client")
        return client_main(static_cast<unsigned>(std::stoul(argv[2])), argv[3], argv[4]);
    const unsigned n = argc > 1 ? static_cast<unsigned>(std::stoul(argv[1])) : 16;
    const std::string self = "/proc/self/exe";
    char path[4096];
    const auto len = ::readlink(self.c_str(), path, sizeof path - 1);
    if (len <= 0) return 1;
    path[len] = '\0';
    const std::string only = argc > 2 ? argv[2] : "";
    for (const scenario& sc : {scenario{"small", 100, 200 * 1024, 50ms}, scenario{"large", 16, 64ull << 20, 0ms}})
        if (only.empty() || only == sc.name) run_scenario(sc, n, path);
    return 0;
}
