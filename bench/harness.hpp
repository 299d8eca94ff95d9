#pragma once
// What the benchmark programs share. Each measured command runs as the child of a small
// intermediate process (the benchmark program itself, called with --measure), so that its wall
// time, CPU and peak RSS are its own: a child's peak RSS starts from its parent's (fork copies, and
// exec keeps the high-water mark), and the driver holds the test server and the generated files.
// Also: curl --parallel as the download-only reference, and medians of repeated runs.

#include <optional>
#include <string>
#include <vector>

namespace ue::bench {

struct measure {
    double wall = 0;        // seconds
    double cpu = 0;         // user + sys seconds of the command (and its children)
    long rss_kib = 0;       // peak resident set of the command
    int status = -1;        // as from wait4()
    double driver_cpu = 0;  // CPU this process used meanwhile: the in-process test server's work

    bool ok() const;  // exited with status 0
};

// The running program as an absolute path (what --measure calls run).
std::string self_path();

// Call first in main: when argv is `PROGRAM --measure OUT ERR CMD...`, runs CMD with stdout to
// /dev/null and stderr to the file ERR ("-": inherited), writes its figures to OUT and returns the
// exit status for main; otherwise nullopt.
std::optional<int> measure_main(int argc, char** argv);

// Runs `argv` through `self --measure`, with its stderr into `err_file` ("-": inherited). `scratch`
// is a directory for the figures file.
measure run_measured(const std::string& self, const std::string& scratch, const std::vector<std::string>& argv,
                     const std::string& err_file = "-");

// Writes curl's config (-K) at `config_file`, fetching every URL to /dev/null, and returns the
// command line that runs it with `n` transfers in flight, trusting `ca_file` only: a lower bound.
// (Given the system bundle too, curl 7.88 parses it once per connection: 45 ms of CPU each here.)
std::vector<std::string> curl_command(unsigned n, const std::string& ca_file, const std::vector<std::string>& urls,
                                      const std::string& config_file);

// The median of each figure on its own; status is the first failure's, if any. Precondition: not empty.
measure median(std::vector<measure> runs);

}  // namespace ue::bench
