#pragma once

// The command line of `update-expected` (docs/command.md): options in, a checked ue::config out. Pure: the
// environment comes through a lookup, the working directory is a parameter, and text is returned,
// never printed, so every flag and message is testable without a process.

#include "update_expected/app/exit_code.hpp"
#include "update_expected/config.hpp"

#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace ue::app {

/// Reads one environment variable; nullopt when it is not set.
using environment = std::function<std::optional<std::string>(std::string_view name)>;

/// The real process environment (std::getenv).
[[nodiscard]] environment process_environment();

/// The command ends before any work: --help, --version, or a usage error.
struct early_exit {
    exit_code code;
    /// code == ok: the help or version text, for stdout. Otherwise one line for stderr that names
    /// the flag concerned and ends with "see --help". No trailing newline; never a credential.
    std::string text;
};

/// Parses `args` (argv without the program name) into a config, reading credentials through `env`
/// and resolving relative paths and the default output directory against `working_directory`
/// (absolute). Checks every value, and that the CA file and jobs file are readable and the output
/// directory exists; every problem is an early_exit with exit_code::usage.
[[nodiscard]] std::variant<config, early_exit> parse_command_line(std::span<const std::string> args,
                                                                  const environment& env,
                                                                  const std::filesystem::path& working_directory);

/// The expected-accuracy directory of the PyTorch checkout around `start` (absolute): the first of
/// `start` and its ancestors that holds benchmarks/dynamo/ci_expected_accuracy as a directory
/// gives that directory; nullopt when none does.
[[nodiscard]] std::optional<std::filesystem::path> find_expected_dir(const std::filesystem::path& start);

/// The settings of a run, one "name: value" line each, for --verbose. Credentials show only as
/// set or unset.
[[nodiscard]] std::string describe(const config& settings);

}  // namespace ue::app
