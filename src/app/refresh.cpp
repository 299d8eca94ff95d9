#include "refresh_shell.hpp"

#include "update_expected/expected/atomic_file.hpp"
#include "update_expected/expected/directory_lock.hpp"
#include "update_expected/jobs/artifact.hpp"

#include <array>
#include <csignal>
#include <filesystem>
#include <system_error>
#include <utility>

namespace ue::app {
namespace detail {
namespace {

constexpr std::array<jobs::phase, 2> all_phases{jobs::phase::training, jobs::phase::inference};

}  // namespace

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
        if (github_api_) run_artifacts_.emplace(io_, *source_client_, github_settings_for(*github_api_));
        // Handshakes with the artifact host overlap the job query's round trips.
        client_->warm(*artifacts_, settings_.concurrency);
        warm_github_api();
        request_rows();
        io_.run();
    }
    summarize(clock::now() - started);
    return code_;
}

// Once the runs listing is in, the GitHub source asks every wanted run's jobs at once, and once a
// run's first page is in, its other pages at once, each on a connection of its own: opened now,
// beside the listing's, they are ready then instead of costing a handshake (2 round trips) on the
// query's critical path. The listing takes the first connection (a request made while they open
// waits for one); a commit has about one run of each wanted workflow, and a PyTorch run lists
// 100-300 jobs, up to 3 pages: its first page's connection serves its second, one more its third.
void refresh::warm_github_api() {
    if (settings_.source != source_kind::github) return;
    std::error_code ec;
    const auto api = net::url::parse(settings_.query_url, ec);
    if (api) source_client_->warm(*api, static_cast<unsigned>(2 * settings_.selection.workflows.size() + 1));
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
    answers_.emplace(*settings_.cache_dir);
    if (!settings_.dry_run) cache_writer_.emplace(*settings_.cache_dir);
}

// The GitHub API answers of earlier runs, read here and written on the cache writer's thread: kept
// only where the rerun cache is (not --no-cache), and with --dry-run read but never written.
sources::answer_memory refresh::remembered_answers() {
    sources::answer_memory memory;
    if (!answers_) return memory;
    memory.recall = [this](const std::string& url) -> std::optional<sources::remembered_answer> {
        auto found = answers_->lookup(url);
        if (!found) return std::nullopt;
        return sources::remembered_answer{std::move(found->etag), std::move(found->link), std::move(found->body)};
    };
    if (!cache_writer_) return memory;
    memory.keep = [this](const std::string& url, sources::remembered_answer a) {
        cache_writer_->store(url, {std::move(a.etag), std::move(a.link), std::move(a.body)});
    };
    return memory;
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
    }
    return true;
}

sources::github_settings refresh::github_settings_for(const net::url& api) {
    sources::github_settings github;
    github.api_base = api;
    github.repo = settings_.repo.slug();
    github.token = settings_.creds.github_token.reveal();
    github.notice = [this](const std::string& line) { warn(line); };
    github.canceller = waits_;
    github.memory = remembered_answers();
    return github;
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
    rows_hooks hooks;
    hooks.notice = [this](const std::string& line) { warn(line); };
    hooks.canceller = waits_;
    hooks.memory = remembered_answers();
    request_job_rows(io_, *source_client_, settings_, std::move(hooks),
                     [this](job_rows rows) { on_rows(std::move(rows)); });
}

void refresh::on_rows(job_rows rows) {
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
        if (stored.answers_failed != 0) {
            warn(fmt::format("rerun cache: {} GitHub API answers not stored: {}", stored.answers_failed,
                             stored.first_answer_failure));
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

}  // namespace detail

exit_code run_refresh(const config& settings, std::ostream& out, std::ostream& err, const output_style& style) {
    detail::refresh r(settings, out, err, style);
    return r.run();
}

}  // namespace ue::app
