#include "update_expected/sources/github_api.hpp"

#include <fmt/format.h>

#include <cstdlib>

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
