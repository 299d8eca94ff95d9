#pragma once

// The GitHub REST API without any socket: the requests to send (docs/pytorch-ci.md section 1).
// Reading its answers (the `Link` header, the JSON documents) is in github_answer.hpp, included
// here; the async calls are in github.hpp.

#include "update_expected/net/client.hpp"
#include "update_expected/net/url.hpp"
#include "update_expected/sources/github_answer.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ue::sources {

// ---- requests ------------------------------------------------------------------------------

// `GET {api}/repos/{repo}/actions/runs?head_sha={sha}&per_page=100`. `api` may carry a path prefix
// (GitHub Enterprise: https://host/api/v3); `repo` is "owner/name". Path segments and query values
// are percent-encoded, so odd input cannot change the request's shape.
net::url runs_url(const net::url& api, std::string_view repo, std::string_view sha);
// `GET {api}/repos/{repo}/actions/runs/{run_id}/jobs?filter=all&per_page=100` (every attempt's jobs).
net::url jobs_url(const net::url& api, std::string_view repo, std::uint64_t run_id);
// `GET {api}/repos/{repo}/actions/runs/{run_id}/artifacts?per_page=100`: the run's GitHub Actions
// artifacts (docs/pytorch-ci.md section 3).
net::url run_artifacts_url(const net::url& api, std::string_view repo, std::uint64_t run_id);
// `GET {api}/repos/{repo}/actions/artifacts/{artifact_id}/zip`: answers 302 to a short-lived signed
// URL on another host.
net::url artifact_zip_url(const net::url& api, std::string_view repo, std::uint64_t artifact_id);
// `GET {api}/repos/{repo}/commits/{ref}?per_page=1` (per_page bounds the file list of the answer).
net::url commit_url(const net::url& api, std::string_view repo, std::string_view ref);
// `GET {api}/repos/{repo}/actions/workflows/{workflow}.yml/runs?branch=..&event=push&status=completed&per_page=100`.
net::url workflow_runs_url(const net::url& api, std::string_view repo, std::string_view workflow,
                           std::string_view branch);

// ---- pages ---------------------------------------------------------------------------------

// The page numbers of a listing's rel="next" and rel="last" links when the two URLs differ in
// nothing but the value of their `page` query parameter, as GitHub's numbered listings do
// (docs/pytorch-ci.md section 1): pages next..last can then be asked at once. nullopt otherwise:
// a cursor listing (`after=...`), whose pages only the page before can name, is read one
// rel="next" at a time.
struct page_numbers {
    std::uint64_t next = 0;
    std::uint64_t last = 0;
};
std::optional<page_numbers> numbered_pages(const net::url& next, const net::url& last);
// `next` with its `page` query parameter set to `page` (`next` as numbered_pages accepted it).
net::url page_url(const net::url& next, std::uint64_t page);

// A GET of `target` with the headers GitHub asks for: `Accept: application/vnd.github+json` and
// `X-GitHub-Api-Version: 2022-11-28` (the client adds User-Agent). `Authorization: Bearer <token>`
// is added only when `token` is not empty and `target` has the same scheme, host and port as
// `api`: a Link or a redirect to any other origin never sees the token.
net::request api_request(const net::url& target, const net::url& api, const std::string& token);

// The token from the environment: GITHUB_TOKEN, else GH_TOKEN, else empty.
std::string token_from_environment();

}  // namespace ue::sources
