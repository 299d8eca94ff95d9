// A runs answer (`{"workflow_runs":[...]}`) through sources::json_answer, whole and split (see
// json_answer_feed.hpp), then decode_runs, wanted_run and first_completed_sha on what it decoded.
// Checks: every entry is decoded or counted as skipped; a run is wanted for its own SHA and workflow
// unless its event excludes it; first_completed_sha names a completed run with a full SHA.
#include "json_answer_feed.hpp"

#include "update_expected/sources/github_answer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ue::sources;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest;
    const auto doc = fuzz::parse_two_ways(data, size, rest);
    if (!doc) return 0;

    runs_page page;
    std::string message;
    const std::error_code ec = decode_runs(*doc, page, message);
    if (ec) {
        if (ec != ue::jobs::error::wrong_shape || message.empty() || !page.runs.empty()) std::abort();
        return 0;
    }
    const auto& list = doc->as_object().at("workflow_runs").as_array();
    if (page.runs.size() + page.skipped.total() != list.size()) std::abort();

    for (const auto& run : page.runs) {
        const bool excluded = run.event == "workflow_run" || run.event == "repository_dispatch";
        if (wanted_run(run, run.head_sha, {run.name}) == excluded) std::abort();
        if (wanted_run(run, run.head_sha, {})) std::abort();
        // Another commit's SHA is never wanted (an empty head_sha is taken as the commit's).
        if (!run.head_sha.empty() && wanted_run(run, run.head_sha + "0", {run.name})) std::abort();
    }

    const auto sha = first_completed_sha(page);
    bool any = false;
    for (const auto& run : page.runs) {
        if (run.status != "completed" || !is_full_sha(run.head_sha)) continue;
        if (!sha || *sha != run.head_sha) std::abort();  // the first such run
        any = true;
        break;
    }
    if (any != sha.has_value()) std::abort();
    return 0;
}
