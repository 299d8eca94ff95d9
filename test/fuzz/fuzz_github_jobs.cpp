// A jobs answer (`{"jobs":[...]}`) through sources::json_answer, whole and split (see
// json_answer_feed.hpp), then decode_jobs for a run whose id and name come from the input's first
// bytes. Checks: every entry is a row or counted as skipped; every row carries the run's name and id
// and is completed exactly when its status is "completed"; decoding again gives the same rows.
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

    workflow_run run;
    run.id = std::uint64_t{data[0]} << 40 | data[1];
    run.name = data[1] & 2 ? "inductor" : "";
    std::vector<ue::jobs::job_row> rows;
    ue::jobs::skip_counts skipped;
    std::string message;
    const std::error_code ec = decode_jobs(*doc, run, rows, skipped, message);
    if (ec) {
        if (ec != ue::jobs::error::wrong_shape || message.empty() || !rows.empty() || skipped.total() != 0)
            std::abort();
        return 0;
    }
    const auto& list = doc->as_object().at("jobs").as_array();
    if (rows.size() + skipped.total() != list.size()) std::abort();
    for (const auto& row : rows) {
        if (row.workflow_name != run.name || row.workflow_id != run.id || !row.status) std::abort();
        if (row.completed != (*row.status == "completed")) std::abort();
    }

    std::vector<ue::jobs::job_row> again;
    ue::jobs::skip_counts skipped_again;
    if (decode_jobs(*doc, run, again, skipped_again, message) || again != rows ||
        skipped_again.counts != skipped.counts)
        std::abort();
    return 0;
}
