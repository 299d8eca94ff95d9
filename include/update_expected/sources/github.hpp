#pragma once

// Job rows, short SHAs and `latest` from the GitHub REST API (docs/pytorch-ci.md section 1, docs/command.md SHA),
// carried out on a net::client.

#include "update_expected/net/client.hpp"
#include "update_expected/net/url.hpp"
#include "update_expected/sources/github_api.hpp"
#include "update_expected/sources/github_rate_limit.hpp"
#include "update_expected/sources/job_source.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace ue::sources {

// Ends the rate-limit waits of the calls that share it: on SIGINT/SIGTERM call cancel() next to
// net::client::cancel(), and every call waiting for a limit ends at once with net::error::cancelled
// (a wait can last minutes; the client's cancel cannot reach it). Used on the io_context's thread.
class wait_canceller {
public:
    void cancel();
    bool cancelled() const noexcept { return cancelled_; }
    // For the calls: a timer to cancel with the others while it lives.
    void add(std::weak_ptr<boost::asio::steady_timer> timer);

private:
    bool cancelled_ = false;
    std::vector<std::weak_ptr<boost::asio::steady_timer>> timers_;
};

// An earlier answer of the API, as asking again with `If-None-Match` needs it.
struct remembered_answer {
    std::string etag;
    std::string link;  // its Link field, "" when it had none (a 304 need not repeat it)
    std::string body;
};

// Where the calls keep answers between runs (the rerun cache, docs/command.md): a GET whose URL has
// an answer asks with `If-None-Match`, and a `304 Not Modified` makes that answer the answer (free
// of rate limit with a token). `keep` gets each 2xx answer that carries an ETag. Keyed by the URL,
// which never holds a credential. Either function may be empty.
struct answer_memory {
    std::function<std::optional<remembered_answer>(const std::string& url)> recall;
    std::function<void(const std::string& url, remembered_answer answer)> keep;
};

// Where the API is and how to talk to it; shared by every call below.
struct github_settings {
    net::url api_base = net::url::from("https://api.github.com");  // `--query-url`
    std::string repo = "pytorch/pytorch";                          // "owner/name"
    std::string token;  // sent as `Bearer` to api_base's origin only; empty: unauthenticated
    rate_limit_settings rate_limits;
    answer_limits limits;
    unsigned max_redirects = 5;  // 301/302/303/307/308 followed (a renamed repository answers 301)
    unsigned max_pages = 100;    // of one listing (100 entries each); a Link chain longer is an error
    // Wall clock for x-ratelimit-reset; empty: std::chrono::system_clock::now. Waits themselves run
    // on the io_context's steady timer.
    std::function<std::chrono::system_clock::time_point()> now;
    // Called with one line when a rate limit makes a call wait (for a warning on stderr); optional.
    std::function<void(const std::string&)> notice;
    std::shared_ptr<wait_canceller> canceller;  // optional
    answer_memory memory;                       // optional
};

struct github_query {
    github_settings api;
    std::string sha;                     // full 40-hex SHA (resolve a prefix first)
    std::vector<std::string> workflows;  // wanted workflow names (`--workflow`), compared exactly
};

// The rows of every wanted run of `q.sha`: lists the commit's runs (following Link rel="next"),
// keeps wanted_run() ones (each run id once), then lists each run's jobs with filter=all (every
// attempt; pages followed by Link), all runs at once through the client's concurrency limit. When
// every page of the runs listing is unchanged (304) and every wanted run had completed, the jobs
// cannot have changed either: they come from api.memory without a request, where it has them all. Rows
// come in runs-listing order, then job order; `completed` is false for jobs not completed yet.
// A commit with no wanted run gives ok() with no rows. Errors (answer.code set, message naming
// the URL without credentials): network failure (the client's own retries spent), 401/403 refusal
// (error::authentication_refused), other statuses (error::source_refused), a rate limit not worth
// waiting for (error::rate_limited, message with the reset time in UTC), a malformed answer
// (jobs::error codes). `done` is called exactly once, on the io_context's thread, after every
// request it started has ended. `io` must be the client's io_context.
void fetch_github_rows(boost::asio::io_context& io, net::client& client, github_query q,
                       std::function<void(rows_answer)> done);

struct sha_answer {
    std::string sha;  // 40 lower-case hex digits when ok()
    std::error_code code;
    std::string message;

    bool ok() const noexcept { return !code; }
};

struct artifacts_answer {
    std::vector<run_artifact> artifacts;  // every page's, in answer order
    jobs::skip_counts skipped;
    std::vector<std::string> unreadable;  // artifacts_page::unreadable of every page
    std::error_code code;
    std::string message;  // one line naming the URL, without credentials
    unsigned status = 0;  // the HTTP status of a refusal, 0 otherwise

    bool ok() const noexcept { return !code; }
};

// Every artifact of run `run_id` (GET .../actions/runs/{run_id}/artifacts, pages followed by Link),
// expired ones included. Fails as fetch_github_rows does; `done` is called exactly once.
void list_run_artifacts(boost::asio::io_context& io, net::client& client, github_settings api, std::uint64_t run_id,
                        std::function<void(artifacts_answer)> done);

// The full SHA of `ref` (a hex prefix) via `GET /repos/{repo}/commits/{ref}`. No such commit
// (404/422) is error::no_such_commit with a message naming ref and repo; other failures as above.
void resolve_commit(boost::asio::io_context& io, net::client& client, github_settings api, std::string ref,
                    std::function<void(sha_answer)> done);

// `latest`: the head SHA of the newest completed push run of `{workflow}.yml` on `branch`, from
// the workflow's runs listing (newest first; pages followed until a completed run shows up).
// None at all is error::no_completed_run.
void latest_commit(boost::asio::io_context& io, net::client& client, github_settings api, std::string workflow,
                   std::string branch, std::function<void(sha_answer)> done);

}  // namespace ue::sources
