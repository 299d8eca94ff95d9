#include "update_expected/sources/github.hpp"

#include "update_expected/jobs/error.hpp"

#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <utility>

namespace ue::sources {
namespace {

namespace json = boost::json;

// What every call shares: the loop for timers, the client, the settings.
struct context {
    boost::asio::io_context& io;
    net::client& client;
    github_settings settings;

    std::chrono::system_clock::time_point now() const {
        return settings.now ? settings.now() : std::chrono::system_clock::now();
    }
};

// Why a call failed; `status` is the HTTP status of a refusal, 0 otherwise.
struct failure {
    std::error_code code;
    std::string message;
    unsigned status = 0;
};

// One logical GET of a JSON answer: follows redirects (the token only to the API's origin) and
// waits out rate limits as rate_limit_policy decides; the client does the transport retries.
class api_call : public std::enable_shared_from_this<api_call> {
public:
    struct page {
        json::value doc;
        std::optional<net::url> next;  // its Link rel="next"
        std::optional<net::url> last;  // its Link rel="last"
        bool unchanged = false;        // a 304: the remembered answer (settings.memory)
    };
    using completion = std::function<void(std::optional<failure>, page)>;

    api_call(std::shared_ptr<const context> ctx, net::url target, completion done)
        : ctx_(std::move(ctx)),
          target_(std::move(target)),
          policy_(ctx_->settings.rate_limits),
          timer_(std::make_shared<boost::asio::steady_timer>(ctx_->io)),
          done_(std::move(done)) {}

    void start() {
        answer_.emplace(ctx_->settings.limits);
        head_ = {};
        raw_.clear();
        const auto& memory = ctx_->settings.memory;
        remembered_ = memory.recall && !forget_ ? memory.recall(target_.text()) : std::nullopt;
        auto req = api_request(target_, ctx_->settings.api_base, ctx_->settings.token);
        if (remembered_) req.headers.emplace_back("If-None-Match", remembered_->etag);
        net::body_sink sink;
        auto self = shared_from_this();
        sink.on_head = [self](const net::response_head& head) { self->head_ = head; };
        sink.on_chunk = [self](std::span<const std::byte> chunk) {
            const std::string_view bytes{reinterpret_cast<const char*>(chunk.data()), chunk.size()};
            if (self->ctx_->settings.memory.keep) self->raw_.append(bytes);
            return self->answer_->feed(bytes);
        };
        sink.on_restart = [self] {
            self->answer_.emplace(self->ctx_->settings.limits);
            self->raw_.clear();
        };
        ctx_->client.fetch(std::move(req), std::move(sink),
                           [self](const net::outcome& result) { self->finished(result); });
    }

private:
    std::string where() const { return fmt::format("GitHub API {}", target_.redacted()); }

    void fail(std::error_code code, std::string message, unsigned status = 0) {
        done_(failure{code, std::move(message), status}, {});
    }

    void finished(const net::outcome& result) {
        if (!answer_->message().empty()) {
            return fail(result.code, fmt::format("{}: malformed answer: {}", where(), answer_->message()));
        }
        if (result.ok()) return succeeded();
        const unsigned status = result.status;
        if (status == 304 && remembered_) return not_modified();
        if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
            return redirect(result);
        }
        if (status == 403 || status == 429) {
            const auto verdict = policy_.next(status, head_, result.body_excerpt, ctx_->now());
            if (verdict.what == rate_limit_verdict::kind::wait) return wait(verdict);
            if (verdict.what == rate_limit_verdict::kind::give_up) {
                return fail(
                    error::rate_limited,
                    fmt::format(
                        "{}: {}{}", where(), verdict.message,
                        ctx_->settings.token.empty() ? "; set GITHUB_TOKEN or GH_TOKEN for a higher limit" : ""),
                    status);
            }
        }
        if (status == 401 || status == 403) {
            return fail(error::authentication_refused,
                        fmt::format("{}: authentication refused (HTTP {}){}", where(), status,
                                    ctx_->settings.token.empty() ? "" : ": check GITHUB_TOKEN / GH_TOKEN"),
                        status);
        }
        if (status != 0) return fail(error::source_refused, result.describe(), status);
        fail(result.code, result.describe());
    }

    void succeeded() {
        if (const auto ec = answer_->finish()) {
            return fail(ec, fmt::format("{}: malformed answer: {}", where(), answer_->message()));
        }
        const std::string link(head_.field("link").value_or(""));
        if (const auto etag = head_.field("etag"); etag && ctx_->settings.memory.keep) {
            ctx_->settings.memory.keep(target_.text(), {std::string(*etag), link, std::move(raw_)});
        }
        deliver(answer_->take(), link_target(head_, "next"), link_target(head_, "last"), false);
    }

    // The remembered answer is still the answer: its body and its Link, as when it first came.
    // A remembered answer that does not decode (a damaged cache file) is forgotten: asked again
    // without If-None-Match.
    void not_modified() {
        answer_.emplace(ctx_->settings.limits);
        if (answer_->feed(remembered_->body) || answer_->finish()) {
            forget_ = true;
            return start();
        }
        deliver(answer_->take(), link_target(remembered_->link, "next"), link_target(remembered_->link, "last"), true);
    }

    // A rel="next" that is not a URL breaks the listing; a rel="last" that is not one only loses the
    // shortcut of asking the pages at once (get_pages then follows rel="next").
    void deliver(json::value doc, const std::optional<std::string>& next, const std::optional<std::string>& last,
                 bool unchanged) {
        page p{std::move(doc), next ? resolve(*next) : std::nullopt, last ? resolve(*last) : std::nullopt, unchanged};
        if (next && !p.next) {
            return fail(jobs::error::wrong_shape,
                        fmt::format("{}: malformed answer: the Link rel=\"next\" is not a URL", where()));
        }
        done_(std::nullopt, std::move(p));
    }

    // An absolute URL, or a path on the current origin.
    std::optional<net::url> resolve(std::string_view text) const {
        if (text.starts_with("/") && !text.starts_with("//")) {
            net::url u = target_;
            u.target = std::string(text);
            return u;
        }
        std::error_code ec;
        return net::url::parse(text, ec);
    }

    void redirect(const net::outcome& result) {
        const auto location = head_.field("location");
        if (!location) return fail(error::source_refused, result.describe(), result.status);
        if (redirects_ >= ctx_->settings.max_redirects) {
            return fail(error::too_many_redirects,
                        fmt::format("{}: more than {} redirects", where(), ctx_->settings.max_redirects));
        }
        auto next = resolve(*location);
        if (!next) {
            return fail(error::source_refused,
                        fmt::format("{}: HTTP {} to an unusable Location", where(), result.status), result.status);
        }
        ++redirects_;
        target_ = std::move(*next);
        start();
    }

    void wait(const rate_limit_verdict& verdict) {
        const auto& canceller = ctx_->settings.canceller;
        if (canceller && canceller->cancelled()) return cancelled();
        if (ctx_->settings.notice) ctx_->settings.notice(fmt::format("{}: {}", where(), verdict.message));
        if (canceller) canceller->add(timer_);
        timer_->expires_after(verdict.delay);
        timer_->async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (ec) return self->cancelled();
            self->start();
        });
    }

    void cancelled() {
        fail(net::error::cancelled, fmt::format("{}: cancelled while waiting for the rate limit", where()));
    }

    std::shared_ptr<const context> ctx_;
    net::url target_;
    rate_limit_policy policy_;
    std::shared_ptr<boost::asio::steady_timer> timer_;
    completion done_;
    std::optional<json_answer> answer_;
    net::response_head head_;
    std::optional<remembered_answer> remembered_;  // of target_, asked with If-None-Match
    std::string raw_;                              // the body as it came, for settings.memory.keep
    bool forget_ = false;                          // the remembered answer did not decode
    unsigned redirects_ = 0;
};

// How a listing is read. `whole`: every page is wanted, so when the first page's links number the
// pages (numbered_pages), the others are asked at once; `until_enough`: one page after another,
// since `on_page` may find what it looks for early and stop.
enum class reading { whole, until_enough };

// Reads `first` and the pages its links lead to, in page order. `on_page` decodes a page and sets
// `enough` to stop early; `done` gets the first failure or none, and whether every page read was
// unchanged (304).
using page_handler = std::function<std::error_code(const json::value&, bool& enough, std::string& message)>;
using pages_done = std::function<void(std::optional<failure>, bool unchanged)>;

struct pages_read {
    std::shared_ptr<const context> ctx;
    net::url first;
    reading how = reading::whole;
    page_handler on_page;
    pages_done done;
    unsigned count = 0;     // pages decoded so far
    bool unchanged = true;  // every one of them a 304

    // Decodes `page` of `url`: a failure ends the read; true when another page is wanted.
    bool take(const net::url& url, const api_call::page& page) {
        bool enough = false;
        std::string message;
        if (const auto ec = on_page(page.doc, enough, message)) {
            done(failure{ec, fmt::format("GitHub API {}: malformed answer: {}", url.redacted(), message)}, false);
            return false;
        }
        ++count;
        unchanged = unchanged && page.unchanged;
        if (enough) {
            done(std::nullopt, unchanged);
            return false;
        }
        return true;
    }

    // Fails when `more` pages after those read would pass settings.max_pages.
    bool too_many(std::uint64_t more) {
        if (count + more <= ctx->settings.max_pages) return false;
        done(failure{jobs::error::too_large,
                     fmt::format("GitHub API {}: more than {} pages", first.redacted(), ctx->settings.max_pages)},
             false);
        return true;
    }
};

void read_page(std::shared_ptr<pages_read> read, net::url url);

// Goes on along a page's rel="next" link, or ends the read at a page without one.
void follow(std::shared_ptr<pages_read> read, std::optional<net::url> next) {
    if (!next) return read->done(std::nullopt, read->unchanged);
    if (read->too_many(1)) return;
    read_page(std::move(read), std::move(*next));
}

// Asks pages numbers.next..numbers.last at once and decodes them in order once all are in. A
// listing that grew while it was read links on from its last page: the rest is followed.
void read_numbered(std::shared_ptr<pages_read> read, const net::url& next, page_numbers numbers) {
    const std::uint64_t count = numbers.last - numbers.next + 1;
    if (read->too_many(count)) return;
    struct answer {
        net::url url;
        std::optional<failure> failed;
        api_call::page page;
    };
    struct answers {
        std::vector<answer> in_order;
        std::size_t pending = 0;
    };
    auto all = std::make_shared<answers>();
    for (std::uint64_t n = numbers.next; n <= numbers.last; ++n) all->in_order.push_back({page_url(next, n), {}, {}});
    all->pending = count;
    for (auto& slot : all->in_order) {
        auto call = std::make_shared<api_call>(read->ctx, slot.url,
                                               [read, all, &slot](std::optional<failure> f, api_call::page page) {
                                                   slot.failed = std::move(f);
                                                   slot.page = std::move(page);
                                                   if (--all->pending != 0) return;
                                                   for (auto& a : all->in_order) {
                                                       if (a.failed) return read->done(std::move(a.failed), false);
                                                       if (!read->take(a.url, a.page)) return;
                                                   }
                                                   follow(read, std::move(all->in_order.back().page.next));
                                               });
        call->start();
    }
}

// Asks `url` and goes on along its rel="next" link, or asks its numbered pages at once.
void read_page(std::shared_ptr<pages_read> read, net::url url) {
    auto call = std::make_shared<api_call>(read->ctx, url, [read, url](std::optional<failure> f, api_call::page page) {
        if (f) return read->done(std::move(f), false);
        if (!read->take(url, page)) return;
        if (read->count == 1 && read->how == reading::whole && page.next && page.last) {
            if (const auto numbers = numbered_pages(*page.next, *page.last)) {
                return read_numbered(read, *page.next, *numbers);
            }
        }
        follow(read, std::move(page.next));
    });
    call->start();
}

void get_pages(std::shared_ptr<const context> ctx, net::url first, reading how, page_handler on_page, pages_done done) {
    auto read = std::make_shared<pages_read>();
    read->ctx = std::move(ctx);
    read->first = first;
    read->how = how;
    read->on_page = std::move(on_page);
    read->done = std::move(done);
    read_page(std::move(read), std::move(first));
}

// Reads `first` and the pages its remembered Link chain leads to from settings.memory alone,
// without a request: true when every page was there and decoded.
bool remembered_pages(const context& ctx, net::url first, const page_handler& on_page) {
    std::optional<net::url> next = std::move(first);
    for (unsigned pages = 0; next && pages < ctx.settings.max_pages; ++pages) {
        const auto remembered = ctx.settings.memory.recall(next->text());
        if (!remembered) return false;
        json_answer answer(ctx.settings.limits);
        bool enough = false;
        std::string message;
        if (answer.feed(remembered->body) || answer.finish() || on_page(answer.take(), enough, message)) return false;
        if (enough) return true;
        next.reset();
        if (const auto link = link_target(remembered->link, "next")) {
            std::error_code ec;
            next = net::url::parse(*link, ec);
            if (!next) return false;
        }
    }
    return !next;
}

// The state of one fetch_github_rows.
struct rows_fetch : std::enable_shared_from_this<rows_fetch> {
    std::shared_ptr<const context> ctx;
    std::string sha;
    std::vector<std::string> workflows;
    std::function<void(rows_answer)> done;

    std::vector<workflow_run> runs;
    std::set<std::uint64_t> seen;                  // a run listed twice when a new run shifts the pages
    std::vector<std::vector<jobs::job_row>> rows;  // per run, so the order does not depend on timing
    jobs::skip_counts skipped;
    std::optional<failure> first_failure;
    std::size_t pending = 0;

    // The runs listing's answers, kept only once every wanted run's jobs have been had: a runs
    // listing remembered without its jobs would later vouch for jobs listings of an older state.
    std::vector<std::pair<std::string, remembered_answer>> runs_answers;

    void start() {
        auto self = shared_from_this();
        auto runs_ctx = std::make_shared<context>(*ctx);
        if (runs_ctx->settings.memory.keep) {
            runs_ctx->settings.memory.keep = [weak = weak_from_this()](const std::string& url, remembered_answer a) {
                if (auto fetch = weak.lock()) fetch->runs_answers.emplace_back(url, std::move(a));
            };
        }
        get_pages(
            runs_ctx, runs_url(ctx->settings.api_base, ctx->settings.repo, sha), reading::whole,
            [self](const json::value& doc, bool&, std::string& message) {
                runs_page page;
                if (const auto ec = decode_runs(doc, page, message)) return ec;
                self->skipped += page.skipped;
                for (auto& run : page.runs) {
                    if (wanted_run(run, self->sha, self->workflows) && self->seen.insert(run.id).second) {
                        self->runs.push_back(std::move(run));
                    }
                }
                return std::error_code();
            },
            [self](std::optional<failure> f, bool unchanged) {
                if (f) return self->finish(std::move(f));
                if (unchanged && self->jobs_remembered()) return self->finish(std::nullopt);
                self->list_jobs();
            });
    }

    // A run that had completed, listed unchanged, still has the jobs it had: a re-run would have
    // changed its status and attempt, and with them the listing. The remembered jobs must show
    // that state too (all completed, the run's attempt the newest), else they are asked for.
    bool jobs_remembered() {
        if (!ctx->settings.memory.recall) return false;
        for (const auto& run : runs) {
            if (run.status != "completed") return false;
        }
        std::vector<std::vector<jobs::job_row>> found(runs.size());
        jobs::skip_counts found_skipped;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            const bool all = remembered_pages(*ctx, jobs_url(ctx->settings.api_base, ctx->settings.repo, runs[i].id),
                                              [&](const json::value& doc, bool&, std::string& message) {
                                                  return decode_jobs(doc, runs[i], found[i], found_skipped, message);
                                              });
            if (!all) return false;
            std::uint64_t newest = 0;
            for (const auto& row : found[i]) {
                if (!row.completed) return false;
                newest = std::max(newest, row.run_attempt);
            }
            if (!found[i].empty() && newest != runs[i].run_attempt) return false;
        }
        rows = std::move(found);
        skipped += found_skipped;
        return true;
    }

    void list_jobs() {
        if (runs.empty()) return finish(std::nullopt);
        rows.resize(runs.size());
        pending = runs.size();
        for (std::size_t i = 0; i < runs.size(); ++i) {
            auto self = shared_from_this();
            get_pages(
                ctx, jobs_url(ctx->settings.api_base, ctx->settings.repo, runs[i].id), reading::whole,
                [self, i](const json::value& doc, bool&, std::string& message) {
                    return decode_jobs(doc, self->runs[i], self->rows[i], self->skipped, message);
                },
                [self](std::optional<failure> f, bool) {
                    if (f && !self->first_failure) self->first_failure = std::move(f);
                    if (--self->pending == 0) self->finish(std::move(self->first_failure));
                });
        }
    }

    void finish(std::optional<failure> f) {
        rows_answer answer;
        if (f) {
            answer.code = f->code;
            answer.message = std::move(f->message);
        } else {
            for (auto& [url, kept] : runs_answers) ctx->settings.memory.keep(url, std::move(kept));
            for (auto& part : rows) std::move(part.begin(), part.end(), std::back_inserter(answer.rows));
            answer.skipped = skipped;
        }
        done(std::move(answer));
    }
};

sha_answer sha_failed(failure f) {
    sha_answer answer;
    answer.code = f.code;
    answer.message = std::move(f.message);
    return answer;
}

}  // namespace

void wait_canceller::cancel() {
    cancelled_ = true;
    for (auto& weak : timers_) {
        if (auto timer = weak.lock()) timer->cancel();
    }
    timers_.clear();
}

void wait_canceller::add(std::weak_ptr<boost::asio::steady_timer> timer) {
    std::erase_if(timers_, [](const auto& weak) { return weak.expired(); });
    timers_.push_back(std::move(timer));
}

void fetch_github_rows(boost::asio::io_context& io, net::client& client, github_query q,
                       std::function<void(rows_answer)> done) {
    auto fetch = std::make_shared<rows_fetch>();
    fetch->ctx = std::make_shared<const context>(context{io, client, std::move(q.api)});
    fetch->sha = std::move(q.sha);
    fetch->workflows = std::move(q.workflows);
    fetch->done = std::move(done);
    fetch->start();
}

void list_run_artifacts(boost::asio::io_context& io, net::client& client, github_settings api, std::uint64_t run_id,
                        std::function<void(artifacts_answer)> done) {
    auto ctx = std::make_shared<const context>(context{io, client, std::move(api)});
    auto answer = std::make_shared<artifacts_answer>();
    get_pages(
        ctx, run_artifacts_url(ctx->settings.api_base, ctx->settings.repo, run_id), reading::whole,
        [answer](const json::value& doc, bool&, std::string& message) {
            artifacts_page page;
            if (const auto ec = decode_artifacts(doc, page, message)) return ec;
            answer->skipped += page.skipped;
            std::move(page.artifacts.begin(), page.artifacts.end(), std::back_inserter(answer->artifacts));
            std::move(page.unreadable.begin(), page.unreadable.end(), std::back_inserter(answer->unreadable));
            return std::error_code();
        },
        [answer, done = std::move(done)](std::optional<failure> f, bool) {
            if (f) {
                answer->artifacts.clear();
                answer->code = f->code;
                answer->message = std::move(f->message);
                answer->status = f->status;
            }
            done(std::move(*answer));
        });
}

void resolve_commit(boost::asio::io_context& io, net::client& client, github_settings api, std::string ref,
                    std::function<void(sha_answer)> done) {
    auto ctx = std::make_shared<const context>(context{io, client, std::move(api)});
    const net::url target = commit_url(ctx->settings.api_base, ctx->settings.repo, ref);
    auto call = std::make_shared<api_call>(
        ctx, target,
        [ctx, ref, where = fmt::format("GitHub API {}", target.redacted()), done = std::move(done)](
            std::optional<failure> f, api_call::page page) {
            if (f && (f->status == 404 || f->status == 422)) {
                f->code = error::no_such_commit;
                f->message =
                    fmt::format("{}: no commit of {} matches {} (HTTP {})", where, ctx->settings.repo, ref, f->status);
            }
            if (f) return done(sha_failed(std::move(*f)));
            sha_answer answer;
            std::string message;
            if (const auto ec = decode_commit_sha(page.doc, ref, answer.sha, message)) {
                return done(sha_failed({ec, fmt::format("{}: malformed answer: {}", where, message)}));
            }
            done(std::move(answer));
        });
    call->start();
}

void latest_commit(boost::asio::io_context& io, net::client& client, github_settings api, std::string workflow,
                   std::string branch, std::function<void(sha_answer)> done) {
    auto ctx = std::make_shared<const context>(context{io, client, std::move(api)});
    auto found = std::make_shared<std::optional<std::string>>();
    get_pages(
        ctx, workflow_runs_url(ctx->settings.api_base, ctx->settings.repo, workflow, branch), reading::until_enough,
        [found](const json::value& doc, bool& enough, std::string& message) {
            runs_page page;
            if (const auto ec = decode_runs(doc, page, message)) return ec;
            *found = first_completed_sha(page);
            enough = found->has_value();
            return std::error_code();
        },
        [ctx, found, workflow, branch, done = std::move(done)](std::optional<failure> f, bool) {
            if (f) return done(sha_failed(std::move(*f)));
            if (!*found) {
                return done(sha_failed({error::no_completed_run,
                                        fmt::format("GitHub API: {} has no completed push run of {}.yml on branch {}",
                                                    ctx->settings.repo, workflow, branch)}));
            }
            sha_answer answer;
            answer.sha = std::move(**found);
            for (auto& c : answer.sha) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            done(std::move(answer));
        });
}

}  // namespace ue::sources
