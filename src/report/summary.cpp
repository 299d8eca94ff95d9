#include "update_expected/report/summary.hpp"

#include "update_expected/report/units.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace ue::report {

std::string_view to_string(file_status status) noexcept {
    switch (status) {
        case file_status::written: return "written";
        case file_status::unchanged: return "unchanged";
        case file_status::incomplete: return "incomplete";
        case file_status::failed: return "failed";
    }
    return "?";
}

std::string_view to_string(artifact_store store) noexcept {
    switch (store) {
        case artifact_store::s3: return "s3";
        case artifact_store::github: return "github";
        case artifact_store::cache: return "cache";
    }
    return "?";
}

std::string_view to_string(artifact_status status) noexcept {
    switch (status) {
        case artifact_status::read: return "read";
        case artifact_status::not_found: return "not_found";
        case artifact_status::failed: return "failed";
    }
    return "?";
}

change_counts counts_of(const file_changes& changes) noexcept {
    return {changes.count(change_kind::added), changes.count(change_kind::removed),
            changes.count(change_kind::changed)};
}

std::string file_result::label() const { return fmt::format("{}{}_{}", jobs::path_prefix(baseline), suite, phase); }

std::string file_result::path() const { return label() + ".csv"; }

summary_totals totals(const run_summary& summary) noexcept {
    summary_totals t;
    for (const auto& f : summary.files) {
        switch (f.status) {
            case file_status::written: ++t.files_written; break;
            case file_status::unchanged: ++t.files_unchanged; break;
            case file_status::incomplete: ++t.files_incomplete; break;
            case file_status::failed: ++t.files_failed; break;
        }
    }
    for (const auto& a : summary.artifacts) {
        switch (a.status) {
            case artifact_status::read:
                ++t.artifacts_read;
                if (a.store == artifact_store::cache) ++t.artifacts_from_cache;
                if (a.store == artifact_store::github) ++t.artifacts_from_github;
                break;
            case artifact_status::not_found: ++t.artifacts_not_found; break;
            case artifact_status::failed: ++t.artifacts_failed; break;
        }
        t.bytes += a.bytes;
        t.attempts += a.attempts;
    }
    return t;
}

namespace {

constexpr std::size_t max_named_files = 3;

std::string plural(std::size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

// `shard 2/2 not there`, `shards 1/3, 3/3 pending`.
std::string shard_list(const std::vector<unsigned>& shards, unsigned count, std::string_view what) {
    std::string out = shards.size() == 1 ? "shard " : "shards ";
    for (std::size_t i = 0; i < shards.size(); ++i) out += fmt::format("{}{}/{}", i == 0 ? "" : ", ", shards[i], count);
    return out + " " + std::string(what);
}

std::string incomplete_detail(const file_result& f) {
    std::string out = f.label() + ":";
    const char* sep = " ";
    if (!f.missing_shards.empty()) {
        out += sep + shard_list(f.missing_shards, f.shard_count, "not there");
        sep = ", ";
    }
    if (!f.pending_shards.empty()) {
        out += sep + shard_list(f.pending_shards, f.shard_count, "pending");
        sep = ", ";
    }
    if (f.merged) out += std::string(sep) + "merged";
    return out;
}

// ` (a; b; c; 2 more)` over the files of one status.
template <class Describe>
std::string named(const run_summary& s, file_status status, Describe describe) {
    std::vector<std::string> parts;
    std::size_t more = 0;
    for (const auto& f : s.files) {
        if (f.status != status) continue;
        if (parts.size() < max_named_files)
            parts.push_back(describe(f));
        else
            ++more;
    }
    if (more != 0) parts.push_back(fmt::format("{} more", more));
    return fmt::format(" ({})", fmt::join(parts, "; "));
}

}  // namespace

std::string format_summary_line(const run_summary& s) {
    const auto t = totals(s);
    const std::string_view sha = s.resolved_sha.empty() ? s.sha : s.resolved_sha;
    std::string line =
        fmt::format("update-expected {}{}: {} {}, {} unchanged", sha.substr(0, 12), s.dry_run ? " (dry run)" : "",
                    t.files_written, s.dry_run ? "to write" : "written", t.files_unchanged);
    if (t.files_incomplete != 0)
        line +=
            fmt::format(", {} incomplete{}", t.files_incomplete, named(s, file_status::incomplete, incomplete_detail));
    if (t.files_failed != 0)
        line += fmt::format(", {} failed{}", t.files_failed,
                            named(s, file_status::failed, [](const file_result& f) { return f.label(); }));
    line += ", " + plural(t.artifacts_read, "artifact");
    std::vector<std::string> origins;
    if (t.artifacts_from_cache != 0) origins.push_back(fmt::format("{} from cache", t.artifacts_from_cache));
    if (t.artifacts_from_github != 0)
        origins.push_back(fmt::format("{} from GitHub artifacts", t.artifacts_from_github));
    if (!origins.empty()) line += fmt::format(" ({})", fmt::join(origins, ", "));
    line += fmt::format(", {}, {:.1f} s", format_bytes(t.bytes), std::chrono::duration<double>(s.elapsed).count());
    if (s.exit_code != 0) line += fmt::format(", exit {}", s.exit_code);
    return line + "\n";
}

std::string format_artifact_line(const artifact_result& a) {
    const auto label = fmt::format("{}{} shard {}/{}", jobs::path_prefix(a.baseline), a.suite, a.shard, a.shard_count);
    const auto url = redact_url(a.url);
    const auto job = fmt::format("(run {}, attempt {}, job {})", a.run_id, a.run_attempt, a.job_id);
    if (a.status == artifact_status::read && a.store == artifact_store::cache)
        return fmt::format("{}: read from cache {}: {}", label, job, url);
    std::string what = fmt::format("{} {} {}", a.status == artifact_status::read ? "read from" : "not found at",
                                   to_string(a.store), job);
    if (a.status == artifact_status::failed) what = fmt::format("failed at {} {}", to_string(a.store), job);
    if (!a.error.empty()) what += fmt::format(" ({})", redact_urls_in(a.error));
    return fmt::format("{}: {}, {}, {}, {:.1f} s: {}", label, what, format_bytes(a.bytes),
                       plural(a.attempts, "attempt"), std::chrono::duration<double>(a.elapsed).count(), url);
}

std::string redact_url(std::string_view url) {
    constexpr auto npos = std::string_view::npos;
    std::string out;
    if (const auto scheme_end = url.find("://"); scheme_end != npos) {
        const auto authority = scheme_end + 3;
        const auto authority_end = std::min(url.find_first_of("/?#", authority), url.size());
        auto host = url.substr(authority, authority_end - authority);
        if (const auto at = host.rfind('@'); at != npos) host.remove_prefix(at + 1);
        out += url.substr(0, authority);
        out += host;
        url.remove_prefix(authority_end);
    }
    // The fragment never reaches a server, so nothing is lost by dropping it with the values.
    url = url.substr(0, url.find('#'));
    const auto query = url.find('?');
    out += url.substr(0, query);
    if (query == npos) return out;
    out += '?';
    auto params = url.substr(query + 1);
    for (bool first = true;; first = false) {
        const auto amp = params.find('&');
        const auto param = params.substr(0, amp);
        if (!first) out += '&';
        if (const auto eq = param.find('='); eq != npos)
            out += fmt::format("{}=REDACTED", param.substr(0, eq));
        else if (!param.empty())
            out += "REDACTED";
        if (amp == npos) break;
        params.remove_prefix(amp + 1);
    }
    return out;
}

std::string redact_urls_in(std::string_view text) {
    static constexpr std::array<std::string_view, 2> schemes{"http://", "https://"};
    std::string out;
    while (!text.empty()) {
        std::size_t start = std::string_view::npos;
        for (const auto scheme : schemes) start = std::min(start, text.find(scheme));
        if (start == std::string_view::npos) break;
        auto end = std::min(text.find_first_of(" \t\r\n\"'<>", start), text.size());
        // Punctuation ending a URL is the sentence's, as in `GET https://h/x?a=b: 503`.
        while (end > start && std::string_view(".,;:!)]}").find(text[end - 1]) != std::string_view::npos) --end;
        out += text.substr(0, start);
        out += redact_url(text.substr(start, end - start));
        text.remove_prefix(end);
    }
    return out + std::string(text);
}

}  // namespace ue::report
