// How the test server chooses an answer: queued faults, scripted responses, generated bodies, files,
// then the configured "missing" reply; plus the stall rules. Runs on the server thread.

#include "ranges.hpp"
#include "server_impl.hpp"

#include <boost/beast/core/string.hpp>
#include <fmt/format.h>

namespace ue::testing {
namespace {

constexpr std::string_view access_denied_xml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";

constexpr std::string_view authentication_failed_xml =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message>"
    "<AuthenticationErrorDetail>{}</AuthenticationErrorDetail></Error>";

// Starts like a job list, then breaks off into bytes no JSON parser accepts.
constexpr std::string_view garbage_json_body = "{\"jobs\": [{\"id\": 1, \"name\": \"linux\"},\x01\xff<html>";

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

response_plan string_plan(unsigned status, std::string body, const header_list& headers,
                          std::string_view default_type) {
    response_plan plan;
    plan.head.result(status);
    plan.head.version(11);
    for (const auto& [name, value] : headers) plan.head.insert(name, value);
    if (!body.empty() && plan.head.find(http::field::content_type) == plan.head.end())
        plan.head.set(http::field::content_type, default_type);
    plan.head.content_length(body.size());
    plan.length = body.size();
    plan.body = string_content{std::move(body)};
    return plan;
}

// "/a/b.zip" -> root/a/b.zip; nullopt for anything that could leave `root`.
std::optional<std::filesystem::path> file_under(const std::filesystem::path& root, std::string_view path) {
    if (root.empty() || !path.starts_with('/') || path.find('\0') != std::string_view::npos) return std::nullopt;
    const std::filesystem::path relative{std::string(path.substr(1))};
    for (const auto& part : relative)
        if (part == "..") return std::nullopt;
    return root / relative;
}

}  // namespace

std::optional<fault> server::impl::next_fault(std::string_view path) {
    const std::lock_guard lock{mutex};
    const auto found = faults.find(path);
    if (found == faults.end() || found->second.empty()) return std::nullopt;
    fault next = std::move(found->second.front());
    found->second.pop_front();
    return next;
}

namespace {

// Answers that replace the content; nullopt for faults that change how the content is sent.
std::optional<response_plan> fault_answer(const fault& f) {
    switch (f.what) {
        case fault::kind::status:
            return string_plan(f.status, f.body, f.headers,
                               f.body.starts_with('<') ? "application/xml" : "application/json");
        case fault::kind::redirect: return string_plan(f.status, {}, f.headers, {});
        case fault::kind::garbage_json: return string_plan(200, std::string(garbage_json_body), {}, "application/json");
        default: return std::nullopt;
    }
}

void apply_body_fault(const fault& f, response_plan& plan) {
    switch (f.what) {
        case fault::kind::stall_headers: plan.stall_before_headers = true; break;
        case fault::kind::stall_body: plan.cut = body_cut::stall; break;
        case fault::kind::reset: plan.cut = body_cut::reset; break;
        case fault::kind::truncate: plan.cut = body_cut::truncate; break;
        case fault::kind::drip:
            plan.drip_piece = f.bytes;
            plan.drip_pause = f.pause;
            break;
        case fault::kind::corrupt: plan.corrupt_at = f.bytes; break;
        default: break;
    }
    if (plan.cut != body_cut::none) plan.cut_after = f.bytes;
}

}  // namespace

response_plan server::impl::plan(const http::request<http::string_body>& request) {
    const std::string_view path = path_of(request.target());
    std::optional<response_plan> chosen = plan_refusal(request);
    const std::optional<fault> queued = chosen ? std::nullopt : next_fault(path);
    if (!chosen && queued) chosen = fault_answer(*queued);
    if (!chosen) {
        chosen = plan_handled(request);
        if (!chosen) chosen = plan_scripted(request);
        if (chosen) chosen->delay = options.answer_delay;  // only what a test scripted takes the server's time
    }
    response_plan plan;
    if (chosen) {
        plan = std::move(*chosen);
    } else if (queued && queued->what == fault::kind::ignore_range) {
        auto whole = request;
        whole.erase(http::field::range);
        plan = plan_static(whole);
    } else {
        plan = plan_static(request);
    }
    if (queued) apply_body_fault(*queued, plan);
    plan.head.set(http::field::server, "ue-test-server");

    const std::lock_guard lock{mutex};
    for (const auto& rule : stalls) {
        if (!rule.path.empty() && rule.path != path && rule.path != request.target()) continue;
        if (rule.where == stall_point::before_headers) plan.stall_before_headers = true;
        if (rule.where == stall_point::mid_body) {
            plan.cut = body_cut::stall;
            plan.cut_after = rule.after_bytes;
        }
    }
    return plan;
}

std::optional<response_plan> server::impl::plan_refusal(const http::request<http::string_body>& request) {
    const auto refuse = [](std::string_view why) {
        return string_plan(403, fmt::format(fmt::runtime(authentication_failed_xml), why), {}, "application/xml");
    };
    if (options.refuse_authorization && request.find(http::field::authorization) != request.end())
        return refuse("Authorization header is not allowed with a signed URL");
    const std::string_view target = request.target();
    const std::string_view path = path_of(target);
    const std::lock_guard lock{mutex};
    const auto found = signatures.find(path);
    if (found == signatures.end()) return std::nullopt;
    const std::string_view query = path.size() < target.size() ? target.substr(path.size() + 1) : "";
    const auto sig = query.starts_with("sig=") ? found->second.find(std::string(query.substr(4))) : found->second.end();
    if (sig == found->second.end()) return refuse("Signature did not match");
    if (sig->second == 0) return refuse("Signature has expired");
    --sig->second;
    return std::nullopt;
}

std::optional<response_plan> server::impl::plan_handled(const http::request<http::string_body>& request) {
    server::handler h;
    {
        const std::lock_guard lock{mutex};
        const auto found =
            handlers.find({std::string(request.method_string()), std::string(path_of(request.target()))});
        if (found == handlers.end()) return std::nullopt;
        h = found->second;
    }
    const answer a = h(recorded(request, 0));
    return string_plan(a.status, a.body, a.headers, "application/json");
}

std::optional<response_plan> server::impl::plan_scripted(const http::request<http::string_body>& request) {
    const std::string method{request.method_string()};
    const std::string target{request.target()};
    const std::lock_guard lock{mutex};
    auto found = scripted.find({method, target});
    if (found == scripted.end()) found = scripted.find({method, std::string(path_of(target))});
    if (found == scripted.end()) return std::nullopt;
    const scripted_response& answer = found->second;
    // An answer scripted with an ETag is conditional, as GitHub's API is: 304 to If-None-Match.
    const auto if_none_match = request[http::field::if_none_match];
    for (const auto& [name, value] : answer.headers) {
        if (!if_none_match.empty() && boost::beast::iequals(name, "etag") && if_none_match == value)
            return string_plan(304, {}, {{name, value}}, {});
    }
    return string_plan(answer.status, answer.body, answer.headers, "application/json");
}

response_plan server::impl::plan_static(const http::request<http::string_body>& request) {
    const std::string path{path_of(request.target())};
    if (request.method() != http::verb::get && request.method() != http::verb::head)
        return string_plan(405, {}, {{"Allow", "GET, HEAD"}}, {});

    response_plan plan;
    std::uint64_t size = 0;
    std::string etag;
    {
        const std::lock_guard lock{mutex};
        if (const auto found = generated.find(path); found != generated.end()) {
            size = found->second.size;
            etag = generated_etag(found->second.seed, size);
            plan.body = generated_content{found->second.seed};
        }
    }
    if (etag.empty()) {
        std::error_code ec;
        const auto file = file_under(options.root, path);
        file_content opened = file ? open_file(*file, ec) : file_content{};
        if (!opened.file) {
            if (options.missing == missing_reply::access_denied)
                return string_plan(403, std::string(access_denied_xml), {}, "application/xml");
            return string_plan(404, {}, {}, {});
        }
        size = std::filesystem::file_size(*file, ec);
        etag = file_etag(size, std::filesystem::last_write_time(*file, ec));
        plan.body = std::move(opened);
    }

    const range_decision range = decide_range(request[http::field::range], request[http::field::if_range], etag, size);
    plan.head.version(11);
    plan.head.set(http::field::etag, etag);
    plan.head.set(http::field::accept_ranges, "bytes");
    plan.head.set(http::field::content_type, "application/octet-stream");
    switch (range.kind) {
        case range_kind::full: plan.head.result(http::status::ok); break;
        case range_kind::partial:
            plan.head.result(http::status::partial_content);
            plan.head.set(http::field::content_range,
                          fmt::format("bytes {}-{}/{}", range.first, range.first + range.length - 1, size));
            break;
        case range_kind::unsatisfiable:
            plan.head.result(http::status::range_not_satisfiable);
            plan.head.set(http::field::content_range, fmt::format("bytes */{}", size));
            plan.body = std::monostate{};
            break;
    }
    plan.head.content_length(range.length);
    plan.first = range.first;
    plan.length = request.method() == http::verb::head ? 0 : range.length;
    return plan;
}

bool server::impl::stalls_before_handshake() {
    const std::lock_guard lock{mutex};
    for (const auto& rule : stalls)
        if (rule.where == stall_point::before_handshake) return true;
    return false;
}

}  // namespace ue::testing
