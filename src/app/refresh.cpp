#include "update_expected/app/refresh.hpp"

#include "job_rows.hpp"
#include "cache_writer.hpp"
#include "failure_tally.hpp"
#include "file_writer.hpp"
#include "progress_ticker.hpp"
#include "run_artifacts.hpp"
#include "run_record.hpp"

#include "update_expected/app/artifact_reader.hpp"
#include "update_expected/app/suite_run.hpp"
#include "update_expected/cache/artifact_cache.hpp"
#include "update_expected/expected/atomic_file.hpp"
#include "update_expected/expected/directory_lock.hpp"
#include "update_expected/expected/expected_file.hpp"
#include "update_expected/jobs/artifact.hpp"
#include "update_expected/jobs/selection.hpp"
#include "update_expected/net/client.hpp"
#include "update_expected/sources/github_api.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <csignal>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

namespace ue::app {
namespace {

using clock = std::chrono::steady_clock;
constexpr std::array<jobs::phase, 2> all_phases{jobs::phase::training, jobs::phase::inference};

// Where S3 says an object is not there: 403 (the bucket does not let anyone list it) or 404; where
// GitHub says an artifact is: 404, or 410 once it expired (docs/pytorch-ci.md section 3).
const std::vector<unsigned> s3_missing_statuses{403, 404};
const std::vector<unsigned> github_missing_statuses{404, 410};

report::artifact_store store_of(place where) {
    return where == place::github ? report::artifact_store::github : report::artifact_store::s3;
}

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

    transfer(suite_state& suite, fetch_step s, const net::request& req, std::string key)
        : reader(suite.run.tables(), s.shard, suite.plan().benchmark, req.target.redacted()),
          url(req.target.redacted()),
          step(s),
          request(req),
          cache_key(std::move(key)) {}
};

bool show_progress(progress_display mode, bool terminal) {
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
    void on_rows(detail::job_rows rows);
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
    bool from_cache(suite_state& suite, unsigned shard, const std::string& url);
    void on_fetched(suite_state& suite, const std::shared_ptr<transfer>& t, const net::outcome& result);
    void on_github_refusal(suite_state& suite, unsigned shard, const net::outcome& result);
    void on_missing(suite_state& suite, unsigned shard, const std::string& why);
    void record_artifact(const suite_state& suite, unsigned shard, report::artifact_result a);
    void settle(suite_state& suite, suite_verdict verdict);
    // Writes (or, with --dry-run, compares) the phase's file and records `file` with the outcome.
    void write_phase(suite_state& suite, report::file_result file);
    void warn(const std::string& line) {
        if (settings_.quiet) return;
        progress_.clear();
        err_ << "warning: " << line << '\n';
    }
    void error(const std::string& line) {
        progress_.clear();
        err_ << "error: " << line << '\n';
        if (first_error_.empty()) first_error_ = line;
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
    std::optional<cache_writer> cache_writer_;
    // After io_: destroyed first, once every write it was given has been reported on the loop.
    std::optional<file_writer> file_writer_;
    run_record record_;
    std::string first_error_;
    exit_code code_ = exit_code::ok;
    bool interrupted_ = false;
};

exit_code refresh::run() {
    const auto started = clock::now();
    // Held for the whole run, so that two runs never interleave their writes (docs/command.md).
    auto lock = expected::directory_lock::acquire(settings_.output_dir);
    if (!lock) {
        error(lock.error().message);
        raise(lock.error().code == expected::error::directory_busy ? exit_code::try_again : exit_code::usage);
    } else if (!make_client()) {
        raise(exit_code::usage);
    } else {
        watch_signals();
        if (!settings_.dry_run) file_writer_.emplace(io_);
        open_cache();
        // Handshakes with the artifact host overlap the job query's round trips.
        client_->warm(*artifacts_, settings_.concurrency);
        warm_github_api();
        request_rows();
        io_.run();
    }
    summarize(clock::now() - started);
    return code_;
}

// Once the runs listing is in, the GitHub source asks every wanted run's jobs at once, each on a
// connection of its own: opened now, beside the listing's, they are ready then instead of costing a
// handshake (2 round trips) on the query's critical path. The listing takes the first connection
// (a request made while they open waits for one), each wanted workflow another: a commit has about
// one run of each.
void refresh::warm_github_api() {
    if (settings_.source != source_kind::github) return;
    std::error_code ec;
    const auto api = net::url::parse(settings_.query_url, ec);
    if (api) source_client_->warm(*api, static_cast<unsigned>(settings_.selection.workflows.size() + 1));
}

void refresh::open_cache() {
    if (!settings_.cache_dir) return;
    // --dry-run reads the cache but adds nothing: it changes nothing on disk, not even a new directory.
    std::error_code ec;
    if (settings_.dry_run && !std::filesystem::is_directory(*settings_.cache_dir, ec)) return;
    cache_.emplace(*settings_.cache_dir);
    if (cache_->open_error().code) {
        warn(fmt::format("{}: running without the rerun cache", cache_->open_error().describe()));
        cache_.reset();
        return;
    }
    if (!settings_.dry_run) cache_writer_.emplace(*settings_.cache_dir);
}

bool refresh::make_client() {
    std::error_code ec;
    artifacts_ = net::url::parse(settings_.artifacts_url, ec);
    if (!artifacts_) {
        error(fmt::format("--artifacts-url {}: {}", settings_.artifacts_url, ec.message()));
        return false;
    }
    net::client_options options;
    options.env = net::proxy_environment();
    // A proxy variable the client could not use is a configuration error, named before any transfer.
    std::string detail;
    net::proxy_for(*artifacts_, options.env, ec, detail);
    if (ec) {
        error(fmt::format("{}: {}", detail, ec.message()));
        return false;
    }
    options.concurrency = settings_.concurrency;
    options.timeouts = net::deadlines::all(settings_.timeout);
    options.retry.retries = settings_.retries;
    if (settings_.ca_file) options.tls.ca_file = settings_.ca_file->string();
    try {
        client_ = std::make_unique<net::client>(io_, options);
        source_client_ = std::make_unique<net::client>(io_, options);
    } catch (const std::system_error& e) {
        error(e.what());
        return false;
    }
    if (settings_.github_artifacts) {
        github_api_ = net::url::parse(settings_.github_api_url, ec);
        if (!github_api_) {
            error(fmt::format("--github-api-url {}: {}", settings_.github_api_url, ec.message()));
            return false;
        }
        sources::github_settings api;
        api.api_base = *github_api_;
        api.repo = settings_.repo.slug();
        api.token = settings_.creds.github_token.reveal();
        api.notice = [this](const std::string& line) { warn(line); };
        api.canceller = waits_;
        run_artifacts_.emplace(io_, *source_client_, std::move(api));
    }
    return true;
}

void refresh::watch_signals() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        interrupted_ = true;
        raise(signal == SIGINT ? exit_code::interrupted : exit_code::terminated);
        const auto line = fmt::format("interrupted by {}: stopping transfers; files are left as they were or complete",
                                      signal == SIGINT ? "SIGINT" : "SIGTERM");
        error(line);
        record_.stopped(line);
        for (auto& suite : suites_) suite.run.interrupt();
        client_->cancel();
        source_client_->cancel();
        waits_->cancel();
    });
}

void refresh::request_rows() {
    detail::rows_hooks hooks;
    hooks.notice = [this](const std::string& line) { warn(line); };
    hooks.canceller = waits_;
    detail::request_job_rows(io_, *source_client_, settings_, std::move(hooks),
                             [this](detail::job_rows rows) { on_rows(std::move(rows)); });
}

void refresh::on_rows(detail::job_rows rows) {
    if (interrupted_) return;
    record_.resolved(rows.sha);
    // -q keeps stdout to the summary line, which names the SHA too (its first 12 digits).
    if (!rows.chosen.empty() && !settings_.quiet) out_ << rows.chosen << '\n';
    auto& answer = rows.answer;
    if (!answer.ok()) {
        error(answer.message);
        raise(rows.failure);
        return stop();
    }
    if (answer.skipped.total() > 0) {
        warn(fmt::format("{} job rows skipped: incomplete or malformed", answer.skipped.total()));
    }
    jobs::job_plan plan = jobs::select_jobs(answer.rows, settings_.selection);
    if (plan.suites.empty()) {
        error(fmt::format("no wanted jobs for {} yet ({} rows, none of a wanted workflow and suite): try again later",
                          rows.sha, answer.rows.size()));
        raise(exit_code::try_again);
        return stop();
    }
    for (auto& suite_plan : plan.suites) {
        for (const auto& candidates : suite_plan.shards) progress_.counters().total += candidates.empty() ? 0 : 1;
        suites_.emplace_back(std::move(suite_plan), suite_run::options{.allow_partial = settings_.allow_partial,
                                                                       .github_artifacts = settings_.github_artifacts});
    }
    suites_open_ = suites_.size();
    progress_.start();
    for (auto& suite : suites_) start_suite(suite);
}

void refresh::start_suite(suite_state& suite) {
    std::optional<std::string> refused;
    for (const jobs::phase p : all_phases) {
        const std::string phase(jobs::to_string(p));
        const auto path =
            expected::expected_file_path(settings_.output_dir, suite.plan().base, suite.plan().suite, phase);
        auto existing = expected::read_expected_file(path);
        if (!existing) {
            error(fmt::format("{}: cannot be replaced safely: {}", suite.run.label(), existing.error().message));
            refused = "its expected files cannot be read";
            continue;
        }
        std::optional<expected::schema> requested;
        if (settings_.columns) requested = expected::schema::from_header(*settings_.columns);
        std::optional<expected::schema> current;
        if (existing.value()) {
            current = existing.value()->schema;
            if (!current) {
                warn(fmt::format("{} has no `name` column: not a schema, using {}", path.string(),
                                 requested ? "the --columns" : "the default columns"));
            }
        }
        suite.run.tables().add_phase(phase, expected::resolve_schema(current, requested));
        suite.existing.emplace(phase, std::move(existing.value()));
    }
    carry_out(suite, refused ? suite.run.start_refused(*refused) : suite.run.start());
}

void refresh::carry_out(suite_state& suite, suite_step step) {
    for (const fetch_step& f : step.fetches) fetch_shard(suite, f);
    if (step.verdict) settle(suite, std::move(*step.verdict));
}

void refresh::fetch_shard(suite_state& suite, fetch_step step) {
    const auto& candidate = suite.plan().shards[step.shard - 1][step.candidate];
    std::error_code ec;
    auto target = net::url::parse(
        jobs::artifact_url(settings_.artifacts_url, settings_.repo.slug(), suite.plan(), step.shard, candidate), ec);
    if (!target) {
        return carry_out(suite, suite.run.failed(step.shard, fmt::format("bad artifact URL: {}", ec.message())));
    }
    const auto url = target->redacted();
    if (step.where == place::github) return find_on_github(suite, step, url);
    if (from_cache(suite, step.shard, url)) return;
    net::request req;
    req.target = std::move(*target);
    req.missing_statuses = s3_missing_statuses;
    transfer_artifact(suite, step, std::move(req), url);
}

// The run's listing says whether the job uploaded its reports to GitHub instead (docs/pytorch-ci.md
// section 3); it is asked once per run, however many of its shards need it.
void refresh::find_on_github(suite_state& suite, fetch_step step, std::string cache_key) {
    const auto& candidate = suite.plan().shards[step.shard - 1][step.candidate];
    auto name = jobs::github_artifact_name(suite.plan(), step.shard, candidate);
    run_artifacts_->find(candidate.row.workflow_id, name,
                         [this, &suite, step, name, cache_key = std::move(cache_key)](const artifact_lookup& found) {
                             on_github_lookup(suite, step, name, cache_key, found);
                         });
}

void refresh::on_github_lookup(suite_state& suite, fetch_step step, const std::string& name,
                               const std::string& cache_key, const artifact_lookup& found) {
    const auto& row = suite.plan().shards[step.shard - 1][step.candidate].row;
    const auto listing = run_artifacts_->listing_url(row.workflow_id);
    switch (found.what) {
        case artifact_lookup::kind::found: {
            auto req = sources::api_request(sources::artifact_zip_url(*github_api_, settings_.repo.slug(), found.id),
                                            *github_api_, settings_.creds.github_token.reveal());
            req.missing_statuses = github_missing_statuses;
            return transfer_artifact(suite, step, std::move(req), cache_key);
        }
        case artifact_lookup::kind::absent:
        case artifact_lookup::kind::expired: {
            const auto why = fmt::format("GitHub artifact {} {}", name,
                                         found.what == artifact_lookup::kind::absent
                                             ? fmt::format("is not among the run's artifacts ({})", listing)
                                             : "has expired");
            if (settings_.verbose) say_tried(suite, step, why);
            record_artifact(suite, step.shard,
                            {.url = listing,
                             .status = report::artifact_status::not_found,
                             .store = report::artifact_store::github,
                             .error = why});
            return on_missing(suite, step.shard, why);
        }
        case artifact_lookup::kind::failed:
            record_artifact(suite, step.shard,
                            {.url = listing,
                             .status = report::artifact_status::failed,
                             .store = report::artifact_store::github,
                             .error = found.message});
            if (settings_.verbose) say_tried(suite, step, found.message);
            if (interrupted_) return carry_out(suite, suite.run.failed(step.shard, "interrupted"));
            // Said once per listing, and an API that cannot be reached once for all of them.
            if (transfer_failures_.first(found.status != 0 ? found.message : "GitHub API: " + found.code.message()))
                error(fmt::format("{}: its report is not on S3, and its run's GitHub artifacts cannot be listed: {}{}",
                                  suite.where(step.shard), found.message,
                                  found.status == 0 ? " (--no-github-artifacts looks at S3 only)" : ""));
            return carry_out(suite, suite.run.failed(step.shard, "its run's GitHub artifacts cannot be listed"));
    }
}

void refresh::transfer_artifact(suite_state& suite, fetch_step step, net::request req, const std::string& cache_key) {
    start_transfer(suite, std::make_shared<transfer>(suite, step, req, cache_key));
}

void refresh::start_transfer(suite_state& suite, std::shared_ptr<transfer> t) {
    if (cache_writer_) t->reader.keep_for_cache(t->cache_key);
    net::body_sink sink;
    sink.on_head = [this, t](const net::response_head& head) {
        const bool retrying = head.status < 200 || head.status > 299;
        progress_.counters().retrying += retrying && !t->retrying;
        progress_.counters().retrying -= !retrying && t->retrying;
        t->retrying = retrying;
        t->head = head;
    };
    sink.on_chunk = [this, t](std::span<const std::byte> chunk) {
        progress_.counters().bytes += chunk.size();
        return t->reader.feed(chunk);
    };
    sink.on_restart = [t] { t->reader.restart(); };
    client_->fetch(t->request, std::move(sink), [this, &suite, t](const net::outcome& result) {
        progress_.counters().retrying -= t->retrying;
        t->retrying = false;
        on_fetched(suite, t, result);
    });
}

sources::rate_limit_verdict refresh::rate_limit_of(transfer& t, const net::outcome& result) {
    if (t.step.where != place::github || (result.status != 403 && result.status != 429) || interrupted_) return {};
    return t.rate_limits.next(result.status, t.head, result.body_excerpt, std::chrono::system_clock::now());
}

void refresh::wait_for_rate_limit(suite_state& suite, const std::shared_ptr<transfer>& t,
                                  const sources::rate_limit_verdict& verdict) {
    warn(fmt::format("{}: {}", t->url, verdict.message));
    auto timer = std::make_shared<boost::asio::steady_timer>(io_, verdict.delay);
    waits_->add(timer);
    timer->async_wait([this, &suite, t, timer](const boost::system::error_code& ec) {
        if (ec || interrupted_) return carry_out(suite, suite.run.failed(t->step.shard, "interrupted"));
        t->reader.restart();
        t->started = clock::now();
        start_transfer(suite, t);
    });
}

// A hit delivers the shard at once, as a clean read would; a miss (or an entry the cache finds
// corrupt, which it deletes) is fetched.
bool refresh::from_cache(suite_state& suite, unsigned shard, const std::string& url) {
    if (!cache_) return false;
    cache::error_info why;
    auto cached = cache_->lookup(url, &why);
    if (!cached) {
        if (why.code) warn(fmt::format("{}: ignored, fetching the artifact again", why.describe()));
        return false;
    }
    artifact_reader reader(suite.run.tables(), shard, suite.plan().benchmark, url);
    const auto ec = reader.replay(*cached);
    report::artifact_result a{
        .url = url, .status = report::artifact_status::read, .store = report::artifact_store::cache};
    if (ec) {
        a.status = report::artifact_status::failed;
        a.error = reader.message();
    }
    record_artifact(suite, shard, a);
    if (settings_.verbose) {
        progress_.clear();
        err_ << report::format_artifact_line(record_.summary().artifacts.back()) << '\n';
    }
    if (ec) {
        error(fmt::format("{}: {}", suite.where(shard), reader.message()));
        carry_out(suite, suite.run.failed(shard, "bad CSV"));
    } else {
        carry_out(suite, suite.run.delivered(shard));
    }
    return true;
}

void refresh::record_artifact(const suite_state& suite, unsigned shard, report::artifact_result a) {
    const auto& row = suite.run.candidate(shard).row;
    a.run_id = row.workflow_id;
    a.run_attempt = row.run_attempt;
    a.job_id = row.id;
    a.baseline = suite.plan().base;
    a.suite = suite.plan().suite;
    a.shard = shard;
    a.shard_count = suite.plan().shard_count;
    record_.add_artifact(std::move(a));
    ++progress_.counters().done;
}

void refresh::on_fetched(suite_state& suite, const std::shared_ptr<transfer>& tp, const net::outcome& result) {
    transfer& t = *tp;
    artifact_reader& reader = t.reader;
    const unsigned shard = t.step.shard;
    if (settings_.verbose) say_tried(suite, t.step, result.describe());
    const auto limit = rate_limit_of(t, result);
    if (limit.what == sources::rate_limit_verdict::kind::wait) return wait_for_rate_limit(suite, tp, limit);
    const bool read = result.ok() && !reader.finish();
    const bool corrupt = !read && !reader.message().empty();
    const bool missing = !read && !corrupt && result.end == net::ending::missing;
    record_artifact(suite, shard,
                    {
                        .url = t.url,
                        .status = read      ? report::artifact_status::read
                                  : missing ? report::artifact_status::not_found
                                            : report::artifact_status::failed,
                        .store = store_of(t.step.where),
                        .bytes = result.bytes,
                        .attempts = result.attempt,
                        .elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - t.started),
                        .error = read      ? std::string()
                                 : corrupt ? reader.message()
                                           : result.describe(),
                    });
    if (read) {
        if (cache_writer_) cache_writer_->store(reader.take_cached());
        return carry_out(suite, suite.run.delivered(shard));
    }
    if (corrupt) {  // the zip or a CSV inside it is bad: never fall back (docs/pytorch-ci.md section 2)
        error(fmt::format("{}: {}", suite.where(shard), reader.message()));
        return carry_out(suite, suite.run.failed(shard, "corrupt artifact"));
    }
    if (missing) return on_missing(suite, shard, result.describe());
    if (interrupted_) return carry_out(suite, suite.run.failed(shard, "interrupted"));
    if (limit.what == sources::rate_limit_verdict::kind::give_up) {  // said as the GitHub source says it
        if (transfer_failures_.first("GitHub API rate limit"))
            error(fmt::format("{}: GitHub API {}: {}", suite.where(shard), t.url, limit.message));
        return carry_out(suite, suite.run.failed(shard, "GitHub API rate limit: " + limit.message));
    }
    if (t.step.where == place::github && (result.status == 401 || result.status == 403))
        return on_github_refusal(suite, shard, result);
    report_failure(suite.where(shard), result);
    carry_out(suite, suite.run.failed(shard, "download failed"));
}

void refresh::say_tried(const suite_state& suite, fetch_step step, const std::string& what) {
    const auto& candidates = suite.plan().shards[step.shard - 1];
    const auto& row = candidates[step.candidate].row;
    progress_.clear();
    err_ << fmt::format("{}: candidate {} of {} (run {}, attempt {}, job {}) from {}: {}\n", suite.where(step.shard),
                        step.candidate + 1, candidates.size(), row.workflow_id, row.run_attempt, row.id,
                        report::to_string(store_of(step.where)), what);
}

// The API lists a run's artifacts to anyone, but hands out their bytes only for a token
// (docs/pytorch-ci.md section 3): say what the report is and what fetching it needs, once.
void refresh::on_github_refusal(suite_state& suite, unsigned shard, const net::outcome& result) {
    const bool has_token = !settings_.creds.github_token.empty();
    const auto needs = has_token ? std::string("GitHub refused the token of GITHUB_TOKEN/GH_TOKEN")
                                 : std::string("fetching it needs GITHUB_TOKEN (or GH_TOKEN)");
    if (transfer_failures_.first("GitHub artifact download: " + needs)) {
        error(fmt::format("{}: its report exists as a GitHub artifact of run {}, and {}: {}", suite.where(shard),
                          suite.run.candidate(shard).row.workflow_id, needs, result.describe()));
    }
    carry_out(suite, suite.run.failed(shard, "its report is a GitHub artifact: " + needs));
}

void refresh::on_missing(suite_state& suite, unsigned shard, const std::string& why) {
    const bool was_s3 = suite.run.where(shard) == place::s3;
    auto step = suite.run.missing(shard);
    // Where S3 lacked it and GitHub is asked next, both answers are said together once GitHub's is in.
    std::string seen = why;
    if (auto it = suite.not_on_s3.find(shard); it != suite.not_on_s3.end()) {
        seen = fmt::format("S3: {}; {}", it->second, why);
        suite.not_on_s3.erase(it);
    }
    switch (suite.run.state(shard)) {
        case shard_state::fetching:
            ++progress_.counters().total;
            if (was_s3 && suite.run.where(shard) == place::github) {
                suite.not_on_s3[shard] = why;
            } else {
                warn(fmt::format("{}: artifact not there ({}), trying an older job", suite.where(shard), seen));
            }
            break;
        case shard_state::missing: error(fmt::format("{}: artifact not there: {}", suite.where(shard), seen)); break;
        default: break;  // pending: said with the verdict; failed: the run was interrupted
    }
    carry_out(suite, std::move(step));
}

void refresh::settle(suite_state& suite, suite_verdict verdict) {
    for (const auto& p : verdict.pending) {
        warn(fmt::format("{}: job {} has not completed yet ({}): the suite is not written; try again later",
                         suite.where(p.shard), p.job.id, p.job.status.value_or("status unknown")));
    }
    for (auto& phase : verdict.phases) {
        if (phase.write) {
            write_phase(suite, std::move(phase.file));
        } else {
            record_.add_file(std::move(phase.file));
        }
    }
    raise(verdict.code);
    --suites_open_;
    stop_when_done();
}

void refresh::write_phase(suite_state& suite, report::file_result file) {
    const auto& existing = suite.existing.at(file.phase);
    auto content = expected::content_to_write(suite.run.tables(), file.phase, existing ? &*existing : nullptr,
                                              settings_.allow_partial);
    if (!content) return;
    const auto path =
        expected::expected_file_path(settings_.output_dir, suite.plan().base, suite.plan().suite, file.phase);
    // A merge (--allow-partial) stays reported as incomplete or failed, whatever its write did.
    const bool complete = file.status == report::file_status::written;
    auto changes = changes_of(file.path(), existing ? &*existing : nullptr, *content);
    if (settings_.dry_run) {
        auto current = expected::read_file_if_exists(path);
        if (complete && current && current.value() && *current.value() == *content) {
            file.status = report::file_status::unchanged;
        }
        return record_.add_file(std::move(file), std::move(changes));
    }
    ++writes_pending_;
    file_writer_->replace(
        path, std::move(*content), {.create_parent = suite.plan().base == jobs::baseline::rocm},
        [this, complete, file = std::move(file), changes = std::move(changes)](auto replaced) mutable {
            --writes_pending_;
            if (!replaced) {
                if (write_failures_.first(replaced.error().code.message())) error(replaced.error().message);
                file.status = report::file_status::failed;
                file.reason = replaced.error().message;
                raise(exit_code::incomplete);
                record_.add_file(std::move(file));
            } else {
                if (complete && replaced.value() == expected::replace_status::unchanged)
                    file.status = report::file_status::unchanged;
                record_.add_file(std::move(file), std::move(changes));
            }
            stop_when_done();
        });
}

void refresh::summarize(clock::duration elapsed) {
    progress_.stop();
    for (const auto* tally : {&transfer_failures_, &write_failures_}) {
        for (const auto& line : tally->repeats()) error(line);
    }
    if (cache_writer_) {
        const auto stored = cache_writer_->finish();
        if (stored.failed != 0) {
            warn(fmt::format("rerun cache: {} of {} artifacts not stored: {}", stored.failed,
                             stored.failed + stored.stored, stored.first_failure));
        }
    }
    if (code_ != exit_code::ok && code_ != exit_code::incomplete && !first_error_.empty())
        record_.stopped(first_error_);
    record_.finish(code_, std::chrono::duration_cast<std::chrono::milliseconds>(elapsed));
    if (!settings_.quiet) out_ << record_.what_changed(style_.colour);
    out_ << report::format_summary_line(record_.summary());
    if (settings_.summary_json) {
        if (const auto failure = record_.write_json(*settings_.summary_json); !failure.empty()) {
            error(fmt::format("--summary-json: {}", failure));
        }
    }
}

}  // namespace

exit_code run_refresh(const config& settings, std::ostream& out, std::ostream& err, const output_style& style) {
    refresh r(settings, out, err, style);
    return r.run();
}

}  // namespace ue::app
