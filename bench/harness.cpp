#include "harness.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ue::bench {
namespace {

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

double self_cpu() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Spawns argv, waits for it and measures it. Only ever called in the small --measure process or
// to start that process (see the header).
measure spawn_and_wait(const std::vector<std::string>& argv, const std::string& err_file) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    if (err_file != "-")
        posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
    m.cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    m.rss_kib = usage.ru_maxrss;
    return m;
}

}  // namespace

bool measure::ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }

std::string self_path() {
    char path[4096];
    const auto len = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (len <= 0) throw std::runtime_error("cannot read /proc/self/exe");
    return std::string(path, static_cast<std::size_t>(len));
}

std::optional<int> measure_main(int argc, char** argv) {
    if (argc < 5 || std::string(argv[1]) != "--measure") return std::nullopt;
    const measure m = spawn_and_wait(std::vector<std::string>(argv + 4, argv + argc), argv[3]);
    std::ofstream{argv[2]} << m.wall << ' ' << m.cpu << ' ' << m.rss_kib << ' ' << m.status << '\n';
    return 0;
}

measure run_measured(const std::string& self, const std::string& scratch, const std::vector<std::string>& argv,
                     const std::string& err_file) {
    const std::string figures = scratch + "/measure";
    std::vector<std::string> wrapped{self, "--measure", figures, err_file};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    const double before = self_cpu();
    spawn_and_wait(wrapped, "-");
    measure m;
    m.driver_cpu = self_cpu() - before;
    std::ifstream{figures} >> m.wall >> m.cpu >> m.rss_kib >> m.status;
    return m;
}

std::vector<std::string> curl_command(unsigned n, const std::string& ca_file, const std::vector<std::string>& urls,
                                      const std::string& config_file) {
    std::ofstream cfg{config_file};
    for (const auto& u : urls) cfg << "url = \"" << u << "\"\noutput = \"/dev/null\"\n";
    return {"curl",         "--parallel", "--parallel-max", std::to_string(n), "--silent", "--no-progress-meter",
            "--show-error", "--fail",     "--cacert",       ca_file,           "-K",       config_file};
}

measure median(std::vector<measure> runs) {
    const auto mid = [&runs](auto field) {
        std::vector<double> values;
        for (const auto& r : runs) values.push_back(static_cast<double>(r.*field));
        std::sort(values.begin(), values.end());
        const std::size_t n = values.size();
        return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    };
    measure m;
    m.wall = mid(&measure::wall);
    m.cpu = mid(&measure::cpu);
    m.rss_kib = static_cast<long>(mid(&measure::rss_kib));
    m.driver_cpu = mid(&measure::driver_cpu);
    m.status = 0;
    for (const auto& r : runs)
        if (!r.ok()) {
            m.status = r.status;
            break;
        }
    return m;
}

}  // namespace ue::bench
