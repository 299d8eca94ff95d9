#include "child_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace ue::test {
namespace {

// A pipe, or a raw pseudo-terminal when `terminal`: [0] the parent's reading end, [1] the child's.
void open_stream(bool terminal, int fds[2]) {
    if (!terminal) {
        if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        return;
    }
    termios raw{};
    cfmakeraw(&raw);
    winsize size{};
    size.ws_row = 24;
    size.ws_col = 80;
    if (openpty(&fds[0], &fds[1], nullptr, &raw, &size) != 0) throw std::runtime_error("openpty failed");
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
}

}  // namespace

child_process::child_process(const std::filesystem::path& program, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env, const std::filesystem::path& cwd,
                             terminal_streams terminals) {
    int out[2], err[2];
    open_stream(terminals.out, out);
    open_stream(terminals.err, err);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    // glibc 2.29+: the child starts in the test's working directory of choice.
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());

    std::vector<std::string> argv_storage{program.string()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage;
    for (const auto& [k, v] : env) env_storage.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);

    const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
    if (rc != 0) throw std::runtime_error("cannot start " + program.string() + ": " + std::strerror(rc));
}

child_process::~child_process() {
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
    if (err_fd_ >= 0) close(err_fd_);
}

void child_process::send_signal(int signal) {
    if (pid_ > 0) kill(pid_, signal);
}

void child_process::pump(int timeout_ms) {
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    if (poll(fds, 2, timeout_ms) <= 0) return;
    char buffer[65536];
    for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
        // A pseudo-terminal whose last slave descriptor closed reads EIO rather than end of file.
        if (n < 0 && errno == EINTR) continue;
        if (n > 0) {
            (i == 0 ? result_.out : result_.err).append(buffer, static_cast<std::size_t>(n));
        } else {
            close(fds[i].fd);
            (i == 0 ? out_fd_ : err_fd_) = -1;
        }
    }
}

const std::string& child_process::peek_err() {
    if (out_fd_ >= 0 || err_fd_ >= 0) pump(0);
    return result_.err;
}

process_result child_process::wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (out_fd_ >= 0 || err_fd_ >= 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            result_.timed_out = true;
            kill(pid_, SIGKILL);
            break;
        }
        pump(50);
    }
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result_;
}

std::map<std::string, std::string> clean_environment(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> env{{"PATH", "/usr/bin:/bin"}};
    if (const char* home = std::getenv("HOME")) env["HOME"] = home;
    // Sanitizer settings of the test run reach the binary too.
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
        if (const char* v = std::getenv(name)) env[name] = v;
    }
    for (const auto& [k, v] : extra) env[k] = v;
    return env;
}

}  // namespace ue::test
