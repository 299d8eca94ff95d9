#pragma once

#include "update_expected/report/summary.hpp"

#include <string>

namespace ue::report {

// Version of the document's shape; bumped when a key changes meaning or goes away (adding keys does
// not bump it).
inline constexpr int summary_json_version = 2;

// The --summary-json document of a run: one JSON object and a final newline, keys in a fixed order,
// shape documented in docs/summary-json.md. URLs are redacted (redact_url) and URLs inside error
// texts too (redact_urls_in); the caller writes it atomically (expected::replace_file), also when
// the run fails.
std::string to_json(const run_summary& summary);

}  // namespace ue::report
