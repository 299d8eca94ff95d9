#pragma once

#include "update_expected/app/exit_code.hpp"
#include "update_expected/config.hpp"

#include <ostream>

namespace ue::app {

// The whole refresh of cli.md for a checked config, on one io_context: job rows, plan, artifacts
// fetched with the concurrency limit and streamed into the suite tables, each suite's files written
// the moment its last shard is in, then the summary. Reports go to `out` (what changed, summary
// line) and `err` (warnings, errors, one line each). SIGINT and SIGTERM stop it within a second.
exit_code run_refresh(const config& settings, std::ostream& out, std::ostream& err);

}  // namespace ue::app
