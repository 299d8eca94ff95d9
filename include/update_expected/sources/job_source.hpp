#pragma once

#include "update_expected/jobs/job_row.hpp"
#include "update_expected/net/client.hpp"
#include "update_expected/net/url.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace ue::sources {

// Errors only this part can name; transport errors keep the net part's codes, decoding errors the
// jobs part's.
enum class error {
    unreadable_jobs_file = 1,  // --jobs-file cannot be opened or read
    authentication_refused,    // the source answered 401 or 403: wrong or missing credentials
    source_refused,            // the source answered another non-2xx status
    rate_limited,              // GitHub's rate limit is exhausted for longer than is worth waiting
    no_such_commit,            // GitHub knows no commit for the given SHA prefix (404/422)
    no_completed_run,          // `latest`: the workflow has no completed push run on the branch
    too_many_redirects,        // GitHub kept redirecting past github_settings::max_redirects
};

const std::error_category& sources_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), sources_category()}; }

// The job rows of one commit, or why they could not be had (exit 3, or 2 for a jobs file).
struct rows_answer {
    std::vector<jobs::job_row> rows;
    jobs::skip_counts skipped;  // rows the decoding left out (missing or bad fields)
    std::error_code code;       // empty on success
    std::string message;        // one line naming the source and URL; never a credential

    bool ok() const noexcept { return !code; }
};

// Reads `{"data":[...]}`, `{"results":[...]}` or `[...]` from a file, streamed through the decoder.
rows_answer read_jobs_file(const std::filesystem::path& path);

enum class query_kind { clickhouse, rockset };

// One query of docs/pytorch-ci.md section 1 for (repo, sha).
struct query {
    query_kind kind = query_kind::clickhouse;
    net::url endpoint;
    std::string repo;  // "owner/name"
    std::string sha;
    std::string key_id;  // ClickHouse basic auth (CH_KEY_ID / CH_KEY_SECRET); empty: none sent
    std::string key_secret;
};

// The POST to send: ClickHouse gets `format=JSON` added to its query string unless a `format` is
// already there, its `queryVariables` body and basic auth; the Rockset-style lambda its
// `parameters` body. JSON strings are escaped, so odd input cannot break the body.
net::request make_request(const query& q);

// Sends the query on `client` and decodes the rows as the body arrives (never holding the answer
// twice); calls `done` exactly once on the client's thread.
void fetch_rows(net::client& client, const query& q, std::function<void(rows_answer)> done);

}  // namespace ue::sources

template <>
struct std::is_error_code_enum<ue::sources::error> : std::true_type {};
