#include "update_expected/sources/job_source.hpp"

#include "update_expected/jobs/row_decoder.hpp"
#include "update_expected/net/base64.hpp"

#include <array>
#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace ue::sources {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "update-expected.sources"; }
    std::string message(int code) const override {
        switch (static_cast<error>(code)) {
            case error::unreadable_jobs_file: return "the jobs file cannot be read";
            case error::authentication_refused: return "the source refused the credentials";
            case error::source_refused: return "the source refused the query";
            case error::rate_limited: return "the GitHub API rate limit is exhausted";
            case error::no_such_commit: return "no such commit";
            case error::no_completed_run: return "no completed run of the workflow";
            case error::too_many_redirects: return "too many redirects";
        }
        return "unknown sources error";
    }
};

std::string_view source_name(query_kind kind) {
    return kind == query_kind::clickhouse ? "ClickHouse query" : "Rockset-style query";
}

// True when the query string of `target` already has a parameter called `format`.
bool has_format_parameter(std::string_view target) {
    const auto question = target.find('?');
    if (question == std::string_view::npos) return false;
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.substr(0, pair.find('=')) == "format") return true;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return false;
}

// Streams answer bytes into the decoder; shared by the file and the network paths.
struct decoding {
    std::optional<jobs::row_decoder> decoder{std::in_place};  // optional: a row_decoder cannot be reassigned

    rows_answer finish(std::string_view what) {
        rows_answer answer;
        if (const auto ec = decoder->finish()) {
            answer.code = ec;
            answer.message = fmt::format("{}: malformed job rows: {}", what, decoder->message());
            return answer;
        }
        auto decoded = decoder->take();
        answer.rows = std::move(decoded.rows);
        answer.skipped = decoded.skipped;
        return answer;
    }
};

rows_answer failed(std::error_code code, std::string message) {
    rows_answer answer;
    answer.code = code;
    answer.message = std::move(message);
    return answer;
}

}  // namespace

const std::error_category& sources_category() noexcept {
    static const category instance;
    return instance;
}

rows_answer read_jobs_file(const std::filesystem::path& path) {
    const std::string what = fmt::format("jobs file {}", path.string());
    std::ifstream in(path, std::ios::binary);
    if (!in) return failed(error::unreadable_jobs_file, fmt::format("{}: cannot open it", what));
    decoding state;
    std::array<char, 64 * 1024> buffer;
    while (in) {
        in.read(buffer.data(), buffer.size());
        const auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        if (const auto ec = state.decoder->feed({buffer.data(), got})) {
            return failed(ec, fmt::format("{}: malformed job rows: {}", what, state.decoder->message()));
        }
    }
    if (in.bad()) return failed(error::unreadable_jobs_file, fmt::format("{}: read error", what));
    return state.finish(what);
}

net::request make_request(const query& q) {
    net::request req;
    req.target = q.endpoint;
    req.method = boost::beast::http::verb::post;
    req.headers.emplace_back("Content-Type", "application/json");
    req.headers.emplace_back("Accept", "application/json");
    boost::json::value body;
    if (q.kind == query_kind::clickhouse) {
        if (!has_format_parameter(req.target.target)) {
            req.target.target += req.target.target.find('?') == std::string::npos ? "?format=JSON" : "&format=JSON";
        }
        if (!q.key_id.empty() || !q.key_secret.empty()) {
            req.headers.emplace_back("Authorization", net::basic_credentials(q.key_id, q.key_secret));
        }
        body = {{"queryVariables", {{"sha", q.sha}, {"repo", q.repo}}}};
    } else {
        body = {{"parameters", boost::json::array{{{"name", "sha"}, {"type", "string"}, {"value", q.sha}},
                                                  {{"name", "repo"}, {"type", "string"}, {"value", q.repo}}}}};
    }
    req.body = boost::json::serialize(body);
    return req;
}

void fetch_rows(net::client& client, const query& q, std::function<void(rows_answer)> done) {
    auto state = std::make_shared<decoding>();
    net::request req = make_request(q);
    const std::string what = fmt::format("{} {}", source_name(q.kind), req.target.redacted());

    net::body_sink sink;
    sink.on_chunk = [state](std::span<const std::byte> chunk) {
        return state->decoder->feed({reinterpret_cast<const char*>(chunk.data()), chunk.size()});
    };
    sink.on_restart = [state] { state->decoder.emplace(); };

    client.fetch(std::move(req), std::move(sink), [state, what, done = std::move(done)](const net::outcome& result) {
        if (result.ok()) return done(state->finish(what));
        if (!state->decoder->message().empty()) {
            return done(
                failed(result.code, fmt::format("{}: malformed job rows: {}", what, state->decoder->message())));
        }
        if (result.status == 401 || result.status == 403) {
            return done(failed(error::authentication_refused,
                               fmt::format("{}: authentication refused (HTTP {}): check the credentials "
                                           "in the environment",
                                           what, result.status)));
        }
        if (result.status != 0) {
            return done(failed(error::source_refused, result.describe()));
        }
        done(failed(result.code, result.describe()));
    });
}

}  // namespace ue::sources
