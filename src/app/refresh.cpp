#include "update_expected/app/refresh.hpp"

#include "job_rows.hpp"
#include "update_expected/app/artifact_reader.hpp"
#include "update_expected/expected/atomic_file.hpp"
#include "update_expected/expected/directory_lock.hpp"
#include "update_expected/expected/expected_file.hpp"
#include "update_expected/jobs/artifact.hpp"
#include "update_expected/jobs/selection.hpp"
#include "update_expected/net/client.hpp"

#include <chrono>
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
#include <fmt/format.h>

namespace ue::app {
namespace {

using clock = std::chrono::steady_clock;
constexpr std::array<jobs::phase, 2> all_phases{jobs::phase::training, jobs::phase::inference};

// How one shard ended. `running`: its newest job has not completed (its suite is pending).
enum class shard_end { pending, delivered, not_there, failed, running };

struct shard_state {
  std::size_t candidate = 0;  // index into the plan's candidates of the one being tried
  shard_end end = shard_end::pending;
  std::string reason;         // for not_there and failed: one line a user can act on
};

// One (baseline, suite): its plan, its tables, the existing files it may replace.
struct suite_state {
  jobs::suite_plan plan;
  expected::suite_tables tables;
  std::map<std::string, std::optional<expected::existing_file>> existing;  // per phase
  std::vector<shard_state> shards;                                         // index shard - 1
  bool failed_before_fetch = false;

  explicit suite_state(jobs::suite_plan p)
      : plan(std::move(p)), tables(plan.shard_count), shards(plan.shard_count) {}

  expected::baseline baseline() const {
    return plan.base == jobs::baseline::rocm ? expected::baseline::rocm : expected::baseline::standard;
  }
  std::string label() const { return (plan.base == jobs::baseline::rocm ? "rocm/" : "") + plan.suite; }
};

// What the run did, for the summary line and the exit status.
struct tally {
  unsigned written = 0;
  unsigned unchanged = 0;
  std::vector<std::string> incomplete;  // "inductor_timm_training (shard 2/2: not there)"
  unsigned artifacts = 0;
  std::uint64_t bytes = 0;
};

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
}

class refresh {
 public:
  refresh(const config& settings, std::ostream& out, std::ostream& err)
      : settings_(settings), out_(out), err_(err), signals_(io_, SIGINT, SIGTERM), sha_(settings.sha) {}

  exit_code run();

 private:
  bool make_client();
  void watch_signals();
  void request_rows();
  void on_rows(detail::job_rows rows);
  void start_suite(suite_state& suite);
  void fetch_shard(suite_state& suite, unsigned shard);
  void on_fetched(suite_state& suite, unsigned shard, artifact_reader& reader, const net::outcome& result);
  void finish_shard(suite_state& suite, unsigned shard, shard_end end, std::string reason);
  void decide(suite_state& suite);
  bool decided_pending(suite_state& suite);
  void write_phase(suite_state& suite, const std::string& phase);
  void warn(const std::string& line) {
    if (!settings_.quiet) err_ << "warning: " << line << '\n';
  }
  void error(const std::string& line) { err_ << "error: " << line << '\n'; }
  void raise(exit_code code) { code_ = combine(code_, code); }
  void summarize(clock::duration elapsed);
  // Nothing is left to do: let the loop run dry (the signal wait and idle pooled connections
  // would otherwise keep it alive).
  void stop() {
    signals_.cancel();
    client_->cancel();
    source_client_->cancel();
  }
  std::size_t suites_open_ = 0;

  const config& settings_;
  std::ostream& out_;
  std::ostream& err_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  std::unique_ptr<net::client> client_;
  // The job source's own client: its refusals are answers to read (a 403 is a rate limit or bad
  // credentials, a 404 an unknown commit), not artifacts to ask for again.
  std::unique_ptr<net::client> source_client_;
  // A GitHub rate-limit wait is a timer the client's cancel() cannot reach.
  std::shared_ptr<sources::wait_canceller> waits_ = std::make_shared<sources::wait_canceller>();
  std::string sha_;  // the SHA of the rows: settings_.sha, or what a prefix or `latest` resolved to
  std::optional<net::url> artifacts_;
  std::list<suite_state> suites_;  // stable addresses: transfers refer to their suite
  tally tally_;
  exit_code code_ = exit_code::ok;
  bool interrupted_ = false;
};

exit_code refresh::run() {
  const auto started = clock::now();
  // Held for the whole run, so that two runs never interleave their writes (cli.md).
  auto lock = expected::directory_lock::acquire(settings_.output_dir);
  if (!lock) {
    error(lock.error().message);
    return lock.error().code == expected::error::directory_busy ? exit_code::try_again : exit_code::usage;
  }
  if (!make_client()) return exit_code::usage;
  watch_signals();
  // Handshakes with the artifact host overlap the job query's round trips.
  client_->warm(*artifacts_, settings_.concurrency);
  request_rows();
  io_.run();
  summarize(clock::now() - started);
  return code_;
}

bool refresh::make_client() {
  std::error_code ec;
  artifacts_ = net::url::parse(settings_.artifacts_url, ec);
  if (!artifacts_) {
    error(fmt::format("--artifacts-url {}: {}", settings_.artifacts_url, ec.message()));
    return false;
  }
  net::client_options options;
  options.concurrency = settings_.concurrency;
  options.timeouts = net::deadlines::all(settings_.timeout);
  options.retry.retries = settings_.retries;
  if (settings_.ca_file) options.tls.ca_file = settings_.ca_file->string();
  try {
    client_ = std::make_unique<net::client>(io_, options);
    options.retry.not_there_retries = 0;
    source_client_ = std::make_unique<net::client>(io_, options);
  } catch (const std::system_error& e) {
    error(e.what());
    return false;
  }
  return true;
}

void refresh::watch_signals() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    interrupted_ = true;
    raise(signal == SIGINT ? exit_code::interrupted : exit_code::terminated);
    error(fmt::format("interrupted by {}: stopping transfers; files are left as they were or complete",
                      signal == SIGINT ? "SIGINT" : "SIGTERM"));
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
  sha_ = std::move(rows.sha);
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
                      sha_, answer.rows.size()));
    raise(exit_code::try_again);
    return stop();
  }
  for (auto& suite_plan : plan.suites) suites_.emplace_back(std::move(suite_plan));
  suites_open_ = suites_.size();
  for (auto& suite : suites_) start_suite(suite);
}

void refresh::start_suite(suite_state& suite) {
  for (const jobs::phase p : all_phases) {
    const std::string phase(jobs::to_string(p));
    const auto path = expected::expected_file_path(settings_.output_dir, suite.baseline(), suite.plan.suite, phase);
    auto existing = expected::read_expected_file(path);
    if (!existing) {
      error(fmt::format("{}: cannot be replaced safely: {}", suite.label(), existing.error().message));
      suite.failed_before_fetch = true;
      continue;
    }
    std::optional<expected::schema> requested;
    if (settings_.columns) requested = expected::schema::from_header(*settings_.columns);
    std::optional<expected::schema> current;
    if (existing.value()) {
      current = existing.value()->schema;
      if (!current) warn(fmt::format("{} has no `name` column: not a schema, using the default columns", path.string()));
    }
    suite.tables.add_phase(phase, expected::resolve_schema(current, requested));
    suite.existing.emplace(phase, std::move(existing.value()));
  }
  for (unsigned shard = 1; shard <= suite.plan.shard_count; ++shard) {
    if (suite.failed_before_fetch) {
      finish_shard(suite, shard, shard_end::failed, "its expected files cannot be read");
    } else if (suite.plan.shards[shard - 1].empty()) {
      finish_shard(suite, shard, shard_end::not_there, "no job");
    } else {
      fetch_shard(suite, shard);
    }
  }
}

void refresh::fetch_shard(suite_state& suite, unsigned shard) {
  const auto& candidate = suite.plan.shards[shard - 1][suite.shards[shard - 1].candidate];
  // Its artifact may still come: neither fetched nor replaced by an older job's (domain.md 2).
  if (!candidate.row.completed) return finish_shard(suite, shard, shard_end::running, "job still running");
  net::request req;
  std::error_code ec;
  auto target = net::url::parse(
      jobs::artifact_url(settings_.artifacts_url, settings_.repo.slug(), suite.plan, shard, candidate), ec);
  if (!target) {
    finish_shard(suite, shard, shard_end::failed, fmt::format("bad artifact URL: {}", ec.message()));
    return;
  }
  req.target = std::move(*target);
  auto reader = std::make_shared<artifact_reader>(suite.tables, shard, suite.plan.benchmark, req.target.redacted());
  net::body_sink sink;
  sink.on_chunk = [reader](std::span<const std::byte> chunk) { return reader->feed(chunk); };
  sink.on_restart = [reader] { reader->restart(); };
  client_->fetch(std::move(req), std::move(sink), [this, &suite, shard, reader](const net::outcome& result) {
    on_fetched(suite, shard, *reader, result);
  });
}

void refresh::on_fetched(suite_state& suite, unsigned shard, artifact_reader& reader, const net::outcome& result) {
  ++tally_.artifacts;
  tally_.bytes += result.bytes;
  auto& state = suite.shards[shard - 1];
  const auto& candidates = suite.plan.shards[shard - 1];
  const std::string where = fmt::format("{} shard {}/{}", suite.label(), shard, suite.plan.shard_count);
  if (settings_.verbose) {
    err_ << fmt::format("{}: candidate {} of {} (job {}): {}\n", where, state.candidate + 1, candidates.size(),
                        candidates[state.candidate].row.id, result.describe());
  }
  if (result.ok()) {
    if (reader.finish()) {
      error(fmt::format("{}: {}", where, reader.message()));
      return finish_shard(suite, shard, shard_end::failed, "corrupt artifact");
    }
    return finish_shard(suite, shard, shard_end::delivered, {});
  }
  if (!reader.message().empty()) {  // the zip or a CSV inside it is bad: never fall back (domain.md 2)
    error(fmt::format("{}: {}", where, reader.message()));
    return finish_shard(suite, shard, shard_end::failed, "corrupt artifact");
  }
  if (net::transfer_policy::not_there(result.status) && !interrupted_) {
    if (state.candidate + 1 < candidates.size()) {
      warn(fmt::format("{}: artifact not there ({}), trying an older job", where, result.describe()));
      ++state.candidate;
      return fetch_shard(suite, shard);
    }
    error(fmt::format("{}: artifact not there: {}", where, result.describe()));
    return finish_shard(suite, shard, shard_end::not_there, "not there");
  }
  if (!interrupted_) error(fmt::format("{}: {}", where, result.describe()));
  finish_shard(suite, shard, shard_end::failed, interrupted_ ? "interrupted" : "download failed");
}

void refresh::finish_shard(suite_state& suite, unsigned shard, shard_end end, std::string reason) {
  auto& state = suite.shards[shard - 1];
  state.end = end;
  state.reason = std::move(reason);
  if (end == shard_end::delivered) {
    suite.tables.commit(shard);
  } else {
    suite.tables.discard(shard);
  }
  if (suite.tables.all_in()) decide(suite);
}

// A suite with a shard whose job is still running is not written at all, even with --allow-partial:
// the run is to be repeated once the job is done (exit 75).
bool refresh::decided_pending(suite_state& suite) {
  std::string running;
  for (unsigned shard = 1; shard <= suite.plan.shard_count; ++shard) {
    const auto& state = suite.shards[shard - 1];
    if (state.end != shard_end::running) continue;
    const auto& job = suite.plan.shards[shard - 1][state.candidate].row;
    warn(fmt::format("{} shard {}/{}: job {} has not completed yet ({}): the suite is not written; try again later",
                     suite.label(), shard, suite.plan.shard_count, job.id, job.status.value_or("status unknown")));
    running += fmt::format("{}shard {}/{}: job still running", running.empty() ? "" : ", ", shard, suite.plan.shard_count);
  }
  if (running.empty()) return false;
  tally_.incomplete.push_back(fmt::format("{} ({})", suite.label(), running));
  raise(exit_code::try_again);
  return true;
}

void refresh::decide(suite_state& suite) {
  if (decided_pending(suite)) {
    if (--suites_open_ == 0) stop();
    return;
  }
  for (const auto& phase : suite.tables.phases()) {
    switch (suite.tables.status(phase)) {
      case expected::phase_status::complete:
        if (!interrupted_) write_phase(suite, phase);
        break;
      case expected::phase_status::partial: {
        std::string missing;
        for (unsigned shard : suite.tables.missing_shards(phase)) {
          missing += fmt::format("{}shard {}/{}: {}", missing.empty() ? "" : ", ", shard, suite.plan.shard_count,
                                 suite.shards[shard - 1].reason);
        }
        tally_.incomplete.push_back(fmt::format("{}_{} ({})", suite.label(), phase, missing));
        raise(exit_code::incomplete);
        if (settings_.allow_partial && !interrupted_) write_phase(suite, phase);
        break;
      }
      case expected::phase_status::absent:
        break;
    }
  }
  // A suite whose shards all failed has no phase at all to report: still incomplete.
  bool any_failed = false;
  for (const auto& s : suite.shards) any_failed = any_failed || s.end != shard_end::delivered;
  if (any_failed) raise(exit_code::incomplete);
  if (--suites_open_ == 0) stop();
}

void refresh::write_phase(suite_state& suite, const std::string& phase) {
  const auto& existing = suite.existing.at(phase);
  const auto content = expected::content_to_write(suite.tables, phase, existing ? &*existing : nullptr,
                                                    settings_.allow_partial);
  if (!content) return;
  const auto path = expected::expected_file_path(settings_.output_dir, suite.baseline(), suite.plan.suite, phase);
  if (settings_.dry_run) {
    auto current = expected::read_file_if_exists(path);
    const bool same = current && current.value() && *current.value() == *content;
    if (same) {
      ++tally_.unchanged;
    } else {
      ++tally_.written;
      if (!settings_.quiet) out_ << "would write " << path.string() << '\n';
    }
    return;
  }
  auto replaced = expected::replace_file(path, *content, {.create_parent = suite.plan.base == jobs::baseline::rocm});
  if (!replaced) {
    error(replaced.error().message);
    tally_.incomplete.push_back(fmt::format("{}_{} (cannot write)", suite.label(), phase));
    raise(exit_code::incomplete);
    return;
  }
  if (replaced.value() == expected::replace_status::unchanged) {
    ++tally_.unchanged;
  } else {
    ++tally_.written;
    if (!settings_.quiet) out_ << "wrote " << path.string() << '\n';
  }
}

void refresh::summarize(clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  std::string line = fmt::format("update-expected {}: {} {}, {} unchanged", sha_.substr(0, 12),
                                 tally_.written, settings_.dry_run ? "would be written" : "written",
                                 tally_.unchanged);
  if (!tally_.incomplete.empty()) {
    line += fmt::format(", {} incomplete:", tally_.incomplete.size());
    for (const auto& i : tally_.incomplete) line += " " + i + ";";
    line.pop_back();
  }
  line += fmt::format(", {} artifacts, {}, {:.1f} s", tally_.artifacts, format_bytes(tally_.bytes), seconds);
  out_ << line << '\n';
}

}  // namespace

exit_code run_refresh(const config& settings, std::ostream& out, std::ostream& err) {
  refresh r(settings, out, err);
  return r.run();
}

}  // namespace ue::app
