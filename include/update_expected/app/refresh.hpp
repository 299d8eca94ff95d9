#pragma once

#include "update_expected/app/exit_code.hpp"
#include "update_expected/config.hpp"

#include <ostream>

namespace ue::app {

// What the two streams are, as the caller found out (isatty, NO_COLOR): the refresh itself never
// looks at file descriptors or the environment, so tests can pass any combination.
struct output_style {
    bool colour = false;             // the what-changed report may use ANSI colour (stdout)
    bool progress_terminal = false;  // stderr is a terminal: --progress auto draws the live line
};

// The whole refresh of docs/command.md for a checked config, on one io_context: job rows, plan, artifacts
// fetched with the concurrency limit and streamed into the suite tables, each suite's files written
// the moment its last shard is in, then the summary. Reports go to `out` (what changed, summary
// line) and `err` (progress, warnings, errors, one line each). SIGINT and SIGTERM stop it within a
// second. With settings.summary_json, the JSON report is written at the end, whatever the outcome.
exit_code run_refresh(const config& settings, std::ostream& out, std::ostream& err, const output_style& style = {});

}  // namespace ue::app
