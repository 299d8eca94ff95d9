#include "update_expected/sources/github_api.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <vector>

namespace ue::sources {
namespace {

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (unreserved(c)) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

// `{api}/repos/{owner}/{name}` + rest: the api's own path prefix kept, its query dropped.
net::url repo_url(const net::url& api, std::string_view repo, std::string_view rest) {
    net::url u = api;
    std::string_view prefix = api.target;
    prefix = prefix.substr(0, prefix.find('?'));
    while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    const auto slash = repo.find('/');
    const std::string owner = percent_encode(repo.substr(0, slash));
    const std::string name = slash == std::string_view::npos ? std::string() : percent_encode(repo.substr(slash + 1));
    u.target = fmt::format("{}/repos/{}/{}{}", prefix, owner, name, rest);
    return u;
}

bool same_origin(const net::url& a, const net::url& b) {
    return a.scheme == b.scheme && a.host == b.host && a.port == b.port;
}

// The `&`-separated parameters of a target's query, as written.
std::vector<std::string_view> query_parameters(std::string_view target) {
    std::vector<std::string_view> out;
    const auto question = target.find('?');
    if (question == std::string_view::npos) return out;
    std::string_view query = target.substr(question + 1);
    for (;;) {
        const auto amp = query.find('&');
        out.push_back(query.substr(0, amp));
        if (amp == std::string_view::npos) return out;
        query.remove_prefix(amp + 1);
    }
}

constexpr std::string_view page_key = "page=";

// The number of a `page=N` parameter: decimal digits only, at least 1.
std::optional<std::uint64_t> page_number(std::string_view parameter) {
    if (!parameter.starts_with(page_key)) return std::nullopt;
    const std::string_view digits = parameter.substr(page_key.size());
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    std::uint64_t n = 0;
    for (const char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (n == 0) return std::nullopt;
    return n;
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

}  // namespace

net::url runs_url(const net::url& api, std::string_view repo, std::string_view sha) {
    return repo_url(api, repo, fmt::format("/actions/runs?head_sha={}&per_page=100", percent_encode(sha)));
}

net::url jobs_url(const net::url& api, std::string_view repo, std::uint64_t run_id) {
    return repo_url(api, repo, fmt::format("/actions/runs/{}/jobs?filter=all&per_page=100", run_id));
}

net::url run_artifacts_url(const net::url& api, std::string_view repo, std::uint64_t run_id) {
    return repo_url(api, repo, fmt::format("/actions/runs/{}/artifacts?per_page=100", run_id));
}

net::url artifact_zip_url(const net::url& api, std::string_view repo, std::uint64_t artifact_id) {
    return repo_url(api, repo, fmt::format("/actions/artifacts/{}/zip", artifact_id));
}

net::url commit_url(const net::url& api, std::string_view repo, std::string_view ref) {
    return repo_url(api, repo, fmt::format("/commits/{}?per_page=1", percent_encode(ref)));
}

net::url workflow_runs_url(const net::url& api, std::string_view repo, std::string_view workflow,
                           std::string_view branch) {
    return repo_url(api, repo,
                    fmt::format("/actions/workflows/{}.yml/runs?branch={}&event=push&status=completed&per_page=100",
                                percent_encode(workflow), percent_encode(branch)));
}

std::optional<page_numbers> numbered_pages(const net::url& next, const net::url& last) {
    if (!same_origin(next, last) || next.userinfo != last.userinfo) return std::nullopt;
    if (path_of(next.target) != path_of(last.target)) return std::nullopt;
    const auto a = query_parameters(next.target);
    const auto b = query_parameters(last.target);
    if (a.size() != b.size()) return std::nullopt;
    std::optional<page_numbers> found;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto from = page_number(a[i]);
        const auto to = page_number(b[i]);
        if (from && to && !found) {
            found = page_numbers{*from, *to};
        } else if (a[i] != b[i]) {
            return std::nullopt;
        }
    }
    if (!found || found->next > found->last) return std::nullopt;
    return found;
}

net::url page_url(const net::url& next, std::uint64_t page) {
    std::string target(path_of(next.target));
    char separator = '?';
    bool replaced = false;
    for (const auto parameter : query_parameters(next.target)) {
        target += separator;
        separator = '&';
        if (!replaced && page_number(parameter)) {
            target += fmt::format("{}{}", page_key, page);
            replaced = true;
        } else {
            target += parameter;
        }
    }
    net::url u = next;
    u.target = std::move(target);
    return u;
}

net::request api_request(const net::url& target, const net::url& api, const std::string& token) {
    net::request req;
    req.target = target;
    req.headers.emplace_back("Accept", "application/vnd.github+json");
    req.headers.emplace_back("X-GitHub-Api-Version", "2022-11-28");
    if (!token.empty() && same_origin(target, api)) req.headers.emplace_back("Authorization", "Bearer " + token);
    return req;
}

std::string token_from_environment() {
    for (const char* name : {"GITHUB_TOKEN", "GH_TOKEN"}) {
        const char* value = std::getenv(name);
        if (value != nullptr && *value != '\0') return value;
    }
    return {};
}

}  // namespace ue::sources
