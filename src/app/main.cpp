// update-expected: refreshes PyTorch's expected-accuracy CSVs from the CI artifacts of a commit.
// main only wires the parts: the command line into a config, the config into a refresh.

#include "update_expected/app/cli.hpp"
#include "update_expected/app/refresh.hpp"
#include "update_expected/report/colour.hpp"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

int main(int argc, char** argv) {
    using namespace ue::app;
    const std::vector<std::string> args(argv + 1, argv + argc);
    std::error_code ec;
    const auto working_directory = std::filesystem::current_path(ec);
    if (ec) {
        std::cerr << "error: cannot read the working directory: " << ec.message() << '\n';
        return to_int(exit_code::usage);
    }
    auto parsed = parse_command_line(args, process_environment(), working_directory);
    if (auto* early = std::get_if<early_exit>(&parsed)) {
        (early->code == exit_code::ok ? std::cout : std::cerr) << early->text << '\n';
        return to_int(early->code);
    }
    try {
        const output_style style{
            .colour = ue::report::use_colour(isatty(STDOUT_FILENO) == 1, ue::report::process_env()),
            .progress_terminal = isatty(STDERR_FILENO) == 1};
        return to_int(run_refresh(std::get<ue::config>(parsed), std::cout, std::cerr, style));
    } catch (const std::exception& e) {
        // A bug, not an input problem: say so plainly rather than abort with a core dump.
        std::cerr << "error: internal error: " << e.what() << '\n';
        return to_int(exit_code::incomplete);
    }
}
