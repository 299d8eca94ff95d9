#include "job_rows.hpp"

#include <boost/asio/post.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace ue::app::detail {
namespace {

constexpr std::size_t full_sha_digits = 40;
constexpr std::string_view redacted = "<redacted>";

sources::query_kind query_kind_of(source_kind kind) {
    return kind == source_kind::clickhouse ? sources::query_kind::clickhouse : sources::query_kind::rockset;
}

// One request of the run: the rows for the SHA given or resolved. Holds what the async calls
// need until `done` is called.
class rows_request : public std::enable_shared_from_this<rows_request> {
public:
    rows_request(boost::asio::io_context& io, net::client& client, const config& settings, rows_hooks hooks,
                 std::function<void(job_rows)> done)
        : io_(io), client_(client), settings_(settings), hooks_(std::move(hooks)), done_(std::move(done)) {}

    void start() {
        sha_ = settings_.sha;
        if (settings_.source == source_kind::jobs_file) {
            // Posted: `done` is never called from inside request_job_rows, whatever the source.
            return boost::asio::post(io_, [self = shared_from_this()] {
                self->finish(sources::read_jobs_file(self->settings_.jobs_file), exit_code::usage);
            });
        }
        std::error_code ec;
        auto endpoint = net::url::parse(settings_.query_url, ec);
        if (!endpoint) {
            sources::rows_answer answer;
            answer.code = ec;
            answer.message = fmt::format("--query-url: {}", ec.message());
            return boost::asio::post(io_, [self = shared_from_this(), answer = std::move(answer)]() mutable {
                self->finish(std::move(answer), exit_code::usage);
            });
        }
        if (settings_.source != source_kind::github) return query(std::move(*endpoint));
        github_.api_base = std::move(*endpoint);
        github_.repo = settings_.repo.slug();
        github_.token = settings_.creds.github_token.reveal();
        github_.canceller = hooks_.canceller;
        github_.memory = hooks_.memory;
        if (hooks_.notice) {
            github_.notice = [notice = hooks_.notice, &creds = settings_.creds](const std::string& line) {
                notice(without_credentials(line, creds));
            };
        }
        choose_sha();
    }

private:
    void query(net::url endpoint) {
        sources::query q;
        q.kind = query_kind_of(settings_.source);
        q.endpoint = std::move(endpoint);
        q.repo = settings_.repo.slug();
        q.sha = settings_.sha;
        q.key_id = settings_.creds.clickhouse_key_id.reveal();
        q.key_secret = settings_.creds.clickhouse_key_secret.reveal();
        sources::fetch_rows(client_, q, [self = shared_from_this()](sources::rows_answer answer) {
            self->finish(std::move(answer), exit_code::source_failed);
        });
    }

    // A full SHA is used as given; a prefix and `latest` cost one more request first.
    void choose_sha() {
        auto then = [self = shared_from_this()](sources::sha_answer answer, std::string how) {
            if (!answer.ok()) {
                sources::rows_answer failed;
                failed.code = answer.code;
                failed.message = std::move(answer.message);
                return self->finish(std::move(failed), exit_code::source_failed);
            }
            self->chosen_ = fmt::format("commit {} ({})", answer.sha, how);
            self->fetch_github(std::move(answer.sha));
        };
        if (settings_.sha == "latest") {
            // docs/command.md: the first wanted workflow; the command line guarantees there is one.
            const std::string& workflow = settings_.selection.workflows.front();
            const std::string how = fmt::format("latest completed {} push run on {}", workflow, settings_.branch);
            return sources::latest_commit(io_, client_, github_, workflow, settings_.branch,
                                          [then, how](sources::sha_answer a) { then(std::move(a), how); });
        }
        if (settings_.sha.size() < full_sha_digits) {
            const std::string how = fmt::format("resolved from {}", settings_.sha);
            return sources::resolve_commit(io_, client_, github_, settings_.sha,
                                           [then, how](sources::sha_answer a) { then(std::move(a), how); });
        }
        fetch_github(settings_.sha);
    }

    void fetch_github(std::string sha) {
        sha_ = sha;
        sources::github_query q{github_, std::move(sha), settings_.selection.workflows};
        sources::fetch_github_rows(io_, client_, std::move(q),
                                   [self = shared_from_this()](sources::rows_answer answer) {
                                       self->finish(std::move(answer), exit_code::source_failed);
                                   });
    }

    void finish(sources::rows_answer answer, exit_code failure) {
        job_rows rows;
        answer.message = without_credentials(std::move(answer.message), settings_.creds);
        rows.answer = std::move(answer);
        rows.failure = failure;
        rows.sha = std::move(sha_);
        rows.chosen = std::move(chosen_);
        done_(std::move(rows));
    }

    boost::asio::io_context& io_;
    net::client& client_;
    const config& settings_;
    rows_hooks hooks_;
    std::function<void(job_rows)> done_;
    sources::github_settings github_;
    std::string sha_;
    std::string chosen_;
};

void replace_all(std::string& text, std::string_view what) {
    if (what.empty()) return;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + redacted.size())) {
        text.replace(at, what.size(), redacted);
    }
}

}  // namespace

void request_job_rows(boost::asio::io_context& io, net::client& client, const config& settings, rows_hooks hooks,
                      std::function<void(job_rows)> done) {
    std::make_shared<rows_request>(io, client, settings, std::move(hooks), std::move(done))->start();
}

std::string without_credentials(std::string text, const credentials& creds) {
    std::vector<std::string> secrets{creds.github_token.reveal(), creds.clickhouse_key_secret.reveal()};
    if (!creds.clickhouse_key_id.empty() || !creds.clickhouse_key_secret.empty()) {
        // The basic-auth value exactly as the query sends it.
        sources::query q;
        q.key_id = creds.clickhouse_key_id.reveal();
        q.key_secret = creds.clickhouse_key_secret.reveal();
        q.endpoint = net::url::from("https://clickhouse.invalid/");
        for (const auto& [name, value] : sources::make_request(q).headers) {
            if (name == "Authorization" && value.starts_with("Basic ")) secrets.push_back(value.substr(6));
        }
    }
    // Longest first, so that a secret inside another one is not left half replaced.
    std::sort(secrets.begin(), secrets.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const auto& s : secrets) replace_all(text, s);
    return text;
}

}  // namespace ue::app::detail
