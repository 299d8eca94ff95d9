#pragma once

// The answers of the GitHub REST API read without any socket or client: the `Link` header and the
// JSON documents decoded into runs, job rows, run artifacts and commit SHAs (docs/pytorch-ci.md
// sections 1 and 3). Every input here comes from the network; the fuzz targets github_runs,
// github_jobs, github_artifacts, github_commit and link_header feed them (docs/fuzzing.md). The requests are in
// github_api.hpp.

#include "update_expected/jobs/job_row.hpp"
#include "update_expected/net/response_head.hpp"

#include <boost/json/stream_parser.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace ue::sources {

// ---- the Link header -------------------------------------------------------------------------

// The URL of the link of relation type `rel` ("next", "last") of one `Link` header value (RFC 8288:
// `<url>; rel="next", <url>; rel="last"`), exactly as written, or nullopt. The `rel` parameter may
// be quoted or not, hold several space-separated types, and be in any case; commas inside `<...>`
// or inside quoted parameters do not split links.
std::optional<std::string> link_target(std::string_view link_value, std::string_view rel);
// The same over every `Link` field of a response.
std::optional<std::string> link_target(const net::response_head& head, std::string_view rel);

// ---- answers -------------------------------------------------------------------------------

struct answer_limits {
    std::size_t max_bytes = 32u << 20;  // one page of 100 runs is ~1 MB with its repository objects
    std::size_t max_depth = 64;         // runs and jobs sit at depth 3, their objects a few deeper
};

// Push parser of one JSON answer: feed() the body as it arrives, then finish() once. The first
// error sticks (jobs::error::malformed_json, too_deep or too_large) and message() names it with a
// byte offset. Keeps the parsed document (at most max_bytes of input) until take().
class json_answer {
public:
    explicit json_answer(answer_limits limits = {});

    std::error_code feed(std::string_view bytes);
    std::error_code finish();
    // The document; only after finish() succeeded.
    boost::json::value take() { return parser_.release(); }
    const std::string& message() const noexcept { return message_; }  // empty until an error

private:
    std::error_code fail(std::error_code ec, std::string message);

    answer_limits limits_;
    boost::json::stream_parser parser_;
    std::size_t offset_ = 0;
    std::error_code error_;
    std::string message_;
};

// One entry of a runs answer, as far as choosing runs needs it.
struct workflow_run {
    std::uint64_t id = 0;
    std::string name;  // the workflow's name: the rows' workflowName
    std::uint64_t run_attempt = 0;
    std::string status;  // "completed", "in_progress", "queued", ...
    std::string event;   // "push", "pull_request", "workflow_run", ...
    std::string head_sha;

    bool operator==(const workflow_run&) const = default;
};

// Decoded entries of one page, plus how many were left out.
struct runs_page {
    std::vector<workflow_run> runs;  // in answer order
    jobs::skip_counts skipped;       // not_an_object, missing_field (id, name, event) or bad_field
};

// `{"workflow_runs":[...]}` (the runs listing of a commit or of a workflow). Unknown members are
// ignored; `name`, `status` and `head_sha` may be null (then empty). A document of another shape
// is jobs::error::wrong_shape with `message` set.
std::error_code decode_runs(const boost::json::value& doc, runs_page& out, std::string& message);

// Whether a run's jobs belong to the rows of `sha`: a wanted workflow name, the commit itself, and
// not triggered by `workflow_run` or `repository_dispatch` (those runs only carry the commit's SHA
// as the default branch's head, they did not test it).
bool wanted_run(const workflow_run& run, std::string_view sha, const std::vector<std::string>& workflows);

// `{"jobs":[...]}` of one run: each job becomes a row with workflowName = the run's name,
// workflowId = the run's id, jobName, id and runAttempt of the job, its status and conclusion, and
// completed = (status == "completed"). A job lacking id, name, run_attempt or status is skipped and
// counted. Another shape is jobs::error::wrong_shape.
std::error_code decode_jobs(const boost::json::value& doc, const workflow_run& run, std::vector<jobs::job_row>& rows,
                            jobs::skip_counts& skipped, std::string& message);

// One entry of a run's artifacts listing, as far as finding a report needs it.
struct run_artifact {
    std::uint64_t id = 0;
    std::string name;
    std::uint64_t size_in_bytes = 0;
    bool expired = false;  // its bytes are gone: its download answers 410

    bool operator==(const run_artifact&) const = default;
};

struct artifacts_page {
    std::vector<run_artifact> artifacts;  // in answer order
    jobs::skip_counts skipped;            // not_an_object, missing_field (id, name) or bad_field
    // The names of the entries skipped for a bad field: such an artifact exists, unreadably.
    std::vector<std::string> unreadable;
};

// `{"artifacts":[...]}` (a run's artifacts listing, docs/pytorch-ci.md section 3). `expired` and
// `size_in_bytes` may be absent (false, 0). Another shape is jobs::error::wrong_shape.
std::error_code decode_artifacts(const boost::json::value& doc, artifacts_page& out, std::string& message);

// The full `sha` of a commit answer, checked to be 40 hex digits that start with `ref` when `ref`
// is hex (case-insensitive). Anything else is jobs::error::wrong_shape.
std::error_code decode_commit_sha(const boost::json::value& doc, std::string_view ref, std::string& sha,
                                  std::string& message);

// The head SHA of the first completed run of a (newest-first) workflow runs page, or nullopt when
// the page has none (runs still in progress are passed over).
std::optional<std::string> first_completed_sha(const runs_page& page);

// True for 40 hex digits, either case.
bool is_full_sha(std::string_view text) noexcept;

}  // namespace ue::sources
