#pragma once

// Where a run's job rows come from (private to the app part): the jobs file, the ClickHouse or
// Rockset-style query, or the GitHub API, which first turns a short SHA or `latest` into the full
// SHA (docs/command.md). The refresh only sees rows arrive.

#include "update_expected/app/exit_code.hpp"
#include "update_expected/config.hpp"
#include "update_expected/net/client.hpp"
#include "update_expected/sources/github.hpp"
#include "update_expected/sources/job_source.hpp"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

namespace ue::app::detail {

struct job_rows {
    /// The rows, or why they could not be had. The message is one line with no credential in it:
    /// anything a server echoed of one is replaced by "<redacted>".
    sources::rows_answer answer;
    /// The exit status when !answer.ok(): usage for an unreadable jobs file or a bad --query-url,
    /// source_failed otherwise.
    exit_code failure = exit_code::source_failed;
    /// The SHA the rows belong to: what a prefix or `latest` resolved to, else settings.sha.
    std::string sha;
    /// Set when the SHA was resolved: one line for stdout naming the SHA and how it was chosen.
    std::string chosen;
};

struct rows_hooks {
    /// Called with one line (no credential) when a GitHub rate limit makes the query wait.
    std::function<void(const std::string&)> notice;
    /// cancel() ends the rate-limit waits at once (SIGINT/SIGTERM); net::client::cancel() cannot.
    std::shared_ptr<sources::wait_canceller> canceller;
    /// The GitHub API answers of earlier runs (the rerun cache), for conditional requests.
    sources::answer_memory memory;
};

/// Gets the rows of `settings.sha` from `settings.source` on `client` (whose io_context is `io`),
/// resolving a short SHA or `latest` first for the github source. `done` is called exactly once,
/// on the io_context's thread, never from inside this call. `settings` and `client` must outlive
/// the call.
void request_job_rows(boost::asio::io_context& io, net::client& client, const config& settings, rows_hooks hooks,
                      std::function<void(job_rows)> done);

/// `text` with every credential of `creds` (and ClickHouse's basic-auth form of them) replaced by
/// "<redacted>": for lines built from what a server sent back, which may echo a header.
[[nodiscard]] std::string without_credentials(std::string text, const credentials& creds);

}  // namespace ue::app::detail
