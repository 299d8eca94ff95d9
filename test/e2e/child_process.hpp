#pragma once
// Runs the real update-expected binary for end-to-end tests: arguments, environment and working
// directory as given, stdout and stderr captured separately, signals on demand, and a hard time
// bound so no test can hang.

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace ue::test {

struct process_result {
    int exit_code = -1;      // the exit status, or 128 + signal when killed by one
    std::string out;         // everything written to stdout
    std::string err;         // everything written to stderr
    bool timed_out = false;  // killed by the time bound
};

// Which streams of the child are a terminal: each one so marked is the slave side of its own
// pseudo-terminal in raw mode (no "\n" -> "\r\n"), so the test reads exactly the bytes written.
struct terminal_streams {
    bool out = false;
    bool err = false;
};

class child_process {
public:
    // Starts `program` with `args`; `env` is the whole environment (nothing is inherited).
    child_process(const std::filesystem::path& program, const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env, const std::filesystem::path& cwd,
                  terminal_streams terminals = {});
    ~child_process();  // kills and reaps a child still running
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    void send_signal(int signal);
    // Reads both streams until the child exits; kills it after `limit`.
    process_result wait(std::chrono::milliseconds limit = std::chrono::seconds(60));
    // What stderr held so far, reading whatever is available without blocking.
    const std::string& peek_err();

private:
    void pump(int timeout_ms);
    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    process_result result_;
};

// The environment the tests give the binary: PATH and HOME only, plus `extra`.
std::map<std::string, std::string> clean_environment(const std::map<std::string, std::string>& extra = {});

}  // namespace ue::test
