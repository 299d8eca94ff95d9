#pragma once

// Private to the app part: the Asio shell of one refresh (docs/design.md, "the refresh"). It owns
// the event loop, the clients, the signal handler and the writers, turns what they report into
// events of each suite's state machine (app::suite_run) and carries out the steps it returns.
// refresh.cpp holds the run from the command line to the summary; refresh_fetch.cpp how a shard's
// artifact is fetched: from the rerun cache, from S3, or from its run's GitHub artifacts.

#include "cache_writer.hpp"
#include "failure_tally.hpp"
#include "file_writer.hpp"
#include "job_rows.hpp"
#include "progress_ticker.hpp"
#include "run_artifacts.hpp"
#include "run_record.hpp"

#include "update_expected/app/artifact_reader.hpp"
#include "update_expected/app/refresh.hpp"
#include "update_expected/app/suite_run.hpp"
#include "update_expected/cache/answer_cache.hpp"
#include "update_expected/cache/artifact_cache.hpp"
#include "update_expected/expected/expected_file.hpp"
#include "update_expected/net/client.hpp"
#include "update_expected/sources/github_rate_limit.hpp"

#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <fmt/format.h>

namespace ue::app::detail {

using clock = std::chrono::steady_clock;

// One (baseline, suite): its decisions, and the existing files it may replace.
struct suite_state {
    suite_run run;
    std::map<std::string, std::optional<expected::existing_file>> existing;  // per phase

    // Per shard: why its candidate's S3 object was not there, while its GitHub artifact is looked for.
    std::map<unsigned, std::string> not_on_s3;

    suite_state(jobs::suite_plan plan, suite_run::options options) : run(std::move(plan), options) {}

    const jobs::suite_plan& plan() const { return run.plan(); }
    std::string where(unsigned shard) const {
        return fmt::format("{} shard {}/{}", run.label(), shard, plan().shard_count);
    }
};

// One artifact being read: its reader, and what the reports say about it.
struct transfer {
    artifact_reader reader;
    std::string url;
    clock::time_point started = clock::now();
    fetch_step step;
    bool retrying = false;  // the last answer was not 2xx and the transfer goes on: a retry is coming
    // The GitHub place: the request and its rate-limit state, to ask again once a limit allows.
    net::request request;
    std::string cache_key;
    sources::rate_limit_policy rate_limits;
    net::response_head head;  // of the last answer
    // A 3xx came first: the answers that follow are the redirect's target's (the signed URL's
    // storage host), not the API's.
    bool redirected = false;

    transfer(suite_state& suite, fetch_step s, const net::request& req, std::string key)
        : reader(suite.run.tables(), s.shard, suite.plan().benchmark, req.target.redacted()),
          url(req.target.redacted()),
          step(s),
          request(req),
          cache_key(std::move(key)) {}
};

inline bool show_progress(progress_display mode, bool terminal) {
    switch (mode) {
        case progress_display::automatic: return report::should_show(report::progress_mode::automatic, terminal);
        case progress_display::always: return report::should_show(report::progress_mode::always, terminal);
        case progress_display::never: return false;
    }
    return false;
}

class refresh {
public:
    refresh(const config& settings, std::ostream& out, std::ostream& err, const output_style& style)
        : settings_(settings),
          out_(out),
          err_(err),
          style_(style),
          signals_(io_, SIGINT, SIGTERM),
          progress_(io_, err, show_progress(settings.progress, style.progress_terminal)),
          record_(settings) {}

    exit_code run();

private:
    bool make_client();
    void watch_signals();
    void warm_github_api();
    void request_rows();
    void on_rows(job_rows rows);
    void start_suite(suite_state& suite);
    // Carries out what an event of the suite's state machine decided.
    void carry_out(suite_state& suite, suite_step step);
    void fetch_shard(suite_state& suite, fetch_step step);
    void find_on_github(suite_state& suite, fetch_step step, std::string cache_key);
    void on_github_lookup(suite_state& suite, fetch_step step, const std::string& name, const std::string& cache_key,
                          const artifact_lookup& found);
    // The -v line of one place tried for a shard.
    void say_tried(const suite_state& suite, fetch_step step, const std::string& what);
    // Streams `req`'s body into the shard's tables; the rows go into the rerun cache under the
    // candidate's S3 URL, whichever place they came from.
    void transfer_artifact(suite_state& suite, fetch_step step, net::request req, const std::string& cache_key);
    void start_transfer(suite_state& suite, std::shared_ptr<transfer> t);
    // Whether the API refused a GitHub artifact's download for its rate limit (docs/pytorch-ci.md
    // section 1), and what to do about it.
    sources::rate_limit_verdict rate_limit_of(transfer& t, const net::outcome& result);
    // Asks again once the limit's wait is over.
    void wait_for_rate_limit(suite_state& suite, const std::shared_ptr<transfer>& t,
                             const sources::rate_limit_verdict& verdict);
    void open_cache();
    // After open_cache(): the rerun cache's GitHub API answers, when there is a cache.
    sources::answer_memory remembered_answers();
    // The GitHub-artifacts fallback's API calls: `api`, the repository, the token, rate-limit
    // notices as warnings, the signal's canceller and the remembered answers.
    sources::github_settings github_settings_for(const net::url& api);
    bool from_cache(suite_state& suite, unsigned shard, const std::string& url);
    void on_fetched(suite_state& suite, const std::shared_ptr<transfer>& t, const net::outcome& result);
    void on_github_refusal(suite_state& suite, unsigned shard, const net::outcome& result);
    void on_missing(suite_state& suite, unsigned shard, const std::string& why);
    void record_artifact(const suite_state& suite, unsigned shard, report::artifact_result a);
    void settle(suite_state& suite, suite_verdict verdict);
    // Writes (or, with --dry-run, compares) the phase's file and records `file` with the outcome.
    void write_phase(suite_state& suite, report::file_result file);
    // Lines may hold what a server sent back, which may echo a request's credentials: every line
    // this shell prints or records goes through without_credentials.
    void warn(const std::string& line) {
        if (settings_.quiet) return;
        progress_.clear();
        err_ << "warning: " << without_credentials(line, settings_.creds) << '\n';
    }
    void error(const std::string& line) {
        progress_.clear();
        const auto said = without_credentials(line, settings_.creds);
        err_ << "error: " << said << '\n';
        if (first_error_.empty()) first_error_ = said;
    }
    void raise(exit_code code) { code_ = combine(code_, code); }
    // A host-wide failure (an untrusted certificate, a refusing proxy, an unreachable host) ends
    // every transfer alike: said once, its repeats counted. An answer from the server (an HTTP
    // status) is about its artifact and always said. --summary-json lists every artifact.
    void report_failure(const std::string& where, const net::outcome& result) {
        if (result.status == 0 && !transfer_failures_.first(result.cause())) return;
        error(fmt::format("{}: {}", where, result.describe()));
    }
    void summarize(clock::duration elapsed);
    // Nothing is left to do: let the loop run dry (the signal wait, the progress timer and idle
    // pooled connections would otherwise keep it alive).
    void stop() {
        signals_.cancel();
        progress_.stop();
        client_->cancel();
        source_client_->cancel();
    }
    void stop_when_done() {
        if (suites_open_ == 0 && writes_pending_ == 0) stop();
    }
    std::size_t suites_open_ = 0;
    std::size_t writes_pending_ = 0;                       // expected files handed to the file writer, not yet reported
    failure_tally transfer_failures_{"artifacts failed"};  // by outcome::cause()
    // By the system's word for why (ENOSPC, EROFS, EACCES, EDQUOT...), which names no file.
    failure_tally write_failures_{"expected files could not be written"};

    const config& settings_;
    std::ostream& out_;
    std::ostream& err_;
    output_style style_;
    boost::asio::io_context io_;
    boost::asio::signal_set signals_;
    progress_ticker progress_;
    std::unique_ptr<net::client> client_;
    // The job source's own client: its refusals are answers to read (a 403 is a rate limit or bad
    // credentials, a 404 an unknown commit), not artifacts to ask for again.
    std::unique_ptr<net::client> source_client_;
    // A GitHub rate-limit wait is a timer the client's cancel() cannot reach.
    std::shared_ptr<sources::wait_canceller> waits_ = std::make_shared<sources::wait_canceller>();
    std::optional<net::url> artifacts_;
    std::optional<net::url> github_api_;          // with the GitHub-artifacts fallback only
    std::optional<run_artifacts> run_artifacts_;  // ditto
    std::list<suite_state> suites_;               // stable addresses: transfers refer to their suite
    // The rerun cache: looked up on this thread; filled by the writer's thread (see cache_writer).
    std::optional<cache::artifact_cache> cache_;
    std::optional<cache::answer_cache> answers_;  // where cache_ is, read on this thread
    std::optional<cache_writer> cache_writer_;
    // After io_: destroyed first, once every write it was given has been reported on the loop.
    std::optional<file_writer> file_writer_;
    run_record record_;
    std::string first_error_;
    exit_code code_ = exit_code::ok;
    bool interrupted_ = false;
};

}  // namespace ue::app::detail
