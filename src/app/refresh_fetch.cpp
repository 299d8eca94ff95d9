#include "refresh_shell.hpp"

#include "update_expected/jobs/artifact.hpp"
#include "update_expected/sources/github_api.hpp"

#include <boost/asio/steady_timer.hpp>

#include <span>
#include <utility>
#include <vector>

namespace ue::app::detail {
namespace {

// Where S3 says an object is not there: 403 (the bucket does not let anyone list it) or 404; where
// GitHub says an artifact is: 404, or 410 once it expired (docs/pytorch-ci.md section 3).
const std::vector<unsigned> s3_missing_statuses{403, 404};
const std::vector<unsigned> github_missing_statuses{404, 410};

report::artifact_store store_of(place where) {
    return where == place::github ? report::artifact_store::github : report::artifact_store::s3;
}

}  // namespace

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
        t->redirected = t->redirected || net::is_redirect(head.status);
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
    if (t.step.where != place::github || t.redirected || (result.status != 403 && result.status != 429) || interrupted_)
        return {};
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
    a.error = without_credentials(std::move(a.error), settings_.creds);
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
    if (t.step.where == place::github && (result.status == 401 || result.status == 403)) {
        if (!t.redirected) return on_github_refusal(suite, shard, result);
        // The storage host behind the API's redirect refused the signed URL: neither the token's
        // doing nor a rate limit.
        if (transfer_failures_.first(fmt::format("GitHub artifact storage: HTTP {}", result.status)))
            error(fmt::format("{}: the signed download URL of its GitHub artifact was refused: {}", suite.where(shard),
                              result.describe()));
        return carry_out(suite, suite.run.failed(shard, "its GitHub artifact's storage refused the download"));
    }
    report_failure(suite.where(shard), result);
    carry_out(suite, suite.run.failed(shard, "download failed"));
}

void refresh::say_tried(const suite_state& suite, fetch_step step, const std::string& what) {
    const auto& candidates = suite.plan().shards[step.shard - 1];
    const auto& row = candidates[step.candidate].row;
    progress_.clear();
    err_ << fmt::format("{}: candidate {} of {} (run {}, attempt {}, job {}) from {}: {}\n", suite.where(step.shard),
                        step.candidate + 1, candidates.size(), row.workflow_id, row.run_attempt, row.id,
                        report::to_string(store_of(step.where)), without_credentials(what, settings_.creds));
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

}  // namespace ue::app::detail
