#include "update_expected/sources/github_answer.hpp"

#include "update_expected/jobs/error.hpp"

#include <boost/json/error.hpp>
#include <fmt/format.h>

namespace ue::sources {
namespace {

namespace json = boost::json;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// True when a space-separated relation-type list holds `rel`.
bool names(std::string_view types, std::string_view rel) {
    while (!types.empty()) {
        const auto space = types.find(' ');
        if (iequals(types.substr(0, space), rel)) return true;
        if (space == std::string_view::npos) break;
        types.remove_prefix(space + 1);
    }
    return false;
}

std::optional<std::uint64_t> to_count(const json::value* v) {
    if (v == nullptr) return std::nullopt;
    if (v->is_uint64()) return v->get_uint64();
    if (v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
    return std::nullopt;
}

// A string member, "" for null; nullopt when absent or of another type.
std::optional<std::string> text_or_null(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_null()) return std::string();
    if (!v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

// The array member `key` of an object document, or nullptr with `message` set.
const json::array* list_of(const json::value& doc, std::string_view key, std::string& message) {
    const auto* top = doc.if_object();
    const auto* list = top != nullptr ? top->if_contains(key) : nullptr;
    if (list == nullptr || !list->is_array()) {
        message = fmt::format("the answer is not an object with a \"{}\" array", key);
        return nullptr;
    }
    return &list->get_array();
}

// Calls `decode` with each object of the array member `key` of an object document, counting the
// entries that are not objects; another shape is jobs::error::wrong_shape with `message` set.
template <class Decode>
std::error_code for_each_object(const json::value& doc, std::string_view key, jobs::skip_counts& skipped,
                                std::string& message, Decode decode) {
    const auto* list = list_of(doc, key, message);
    if (list == nullptr) return jobs::error::wrong_shape;
    for (const auto& element : *list) {
        if (const auto* o = element.if_object()) {
            decode(*o);
        } else {
            ++skipped[jobs::skip_reason::not_an_object];
        }
    }
    return {};
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f'); }

}  // namespace
std::optional<std::string> link_target(std::string_view value, std::string_view rel) {
    std::size_t i = 0;
    while (i < value.size()) {
        const auto open = value.find('<', i);
        if (open == std::string_view::npos) return std::nullopt;
        const auto close = value.find('>', open);
        if (close == std::string_view::npos) return std::nullopt;
        const std::string_view target = value.substr(open + 1, close - open - 1);
        // Parameters run to the next comma outside quotes.
        bool named = false;
        i = close + 1;
        while (i < value.size() && value[i] != ',') {
            if (value[i] != ';') {
                ++i;
                continue;
            }
            ++i;
            const auto eq = value.find_first_of("=;,", i);
            const std::string_view name = trim(value.substr(i, eq == std::string_view::npos ? eq : eq - i));
            if (eq == std::string_view::npos || value[eq] != '=') {
                i = eq == std::string_view::npos ? value.size() : eq;
                continue;
            }
            i = eq + 1;
            while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
            std::string param;
            if (i < value.size() && value[i] == '"') {
                for (++i; i < value.size() && value[i] != '"'; ++i) {
                    if (value[i] == '\\' && i + 1 < value.size()) ++i;
                    param += value[i];
                }
                if (i < value.size()) ++i;  // the closing quote
            } else {
                const auto end = value.find_first_of(";,", i);
                param = trim(value.substr(i, end == std::string_view::npos ? end : end - i));
                i = end == std::string_view::npos ? value.size() : end;
            }
            if (iequals(name, "rel") && names(param, rel)) named = true;
        }
        if (named) return std::string(target);
        ++i;  // the comma
    }
    return std::nullopt;
}

std::optional<std::string> link_target(const net::response_head& head, std::string_view rel) {
    for (const auto& [name, value] : head.fields) {
        if (!iequals(name, "link")) continue;
        if (auto target = link_target(value, rel)) return target;
    }
    return std::nullopt;
}

json_answer::json_answer(answer_limits limits)
    : limits_(limits), parser_(json::storage_ptr(), [&] {
          json::parse_options options;
          options.max_depth = limits.max_depth;
          return options;
      }()) {}

std::error_code json_answer::fail(std::error_code ec, std::string message) {
    error_ = ec;
    message_ = std::move(message);
    return ec;
}

std::error_code json_answer::feed(std::string_view bytes) {
    if (error_) return error_;
    if (bytes.size() > limits_.max_bytes - offset_) {
        return fail(jobs::error::too_large, fmt::format("answer larger than the limit of {} bytes", limits_.max_bytes));
    }
    json::error_code jec;
    const std::size_t used = parser_.write(bytes.data(), bytes.size(), jec);
    if (jec) {
        const auto code = jec == json::error::too_deep ? jobs::error::too_deep : jobs::error::malformed_json;
        return fail(code, fmt::format("malformed JSON at byte {}: {}", offset_ + used, jec.message()));
    }
    offset_ += bytes.size();
    return {};
}

std::error_code json_answer::finish() {
    if (error_) return error_;
    json::error_code jec;
    parser_.finish(jec);
    if (jec)
        return fail(jobs::error::malformed_json, fmt::format("malformed JSON at byte {}: {}", offset_, jec.message()));
    return {};
}

std::error_code decode_runs(const json::value& doc, runs_page& out, std::string& message) {
    return for_each_object(doc, "workflow_runs", out.skipped, message, [&](const json::object& o) {
        if (!o.contains("id") || !o.contains("name") || !o.contains("event")) {
            ++out.skipped[jobs::skip_reason::missing_field];
            return;
        }
        const auto id = to_count(o.if_contains("id"));
        auto name = text_or_null(o, "name");
        auto event = text_or_null(o, "event");
        auto status = o.contains("status") ? text_or_null(o, "status") : std::string();
        auto head_sha = o.contains("head_sha") ? text_or_null(o, "head_sha") : std::string();
        const auto attempt = o.contains("run_attempt") ? to_count(o.if_contains("run_attempt")) : std::uint64_t{1};
        if (!id || !name || !event || !status || !head_sha || !attempt) {
            ++out.skipped[jobs::skip_reason::bad_field];
            return;
        }
        out.runs.push_back(
            {*id, std::move(*name), *attempt, std::move(*status), std::move(*event), std::move(*head_sha)});
    });
}

bool wanted_run(const workflow_run& run, std::string_view sha, const std::vector<std::string>& workflows) {
    if (run.event == "workflow_run" || run.event == "repository_dispatch") return false;
    if (!run.head_sha.empty() && !iequals(run.head_sha, sha)) return false;
    for (const auto& w : workflows) {
        if (w == run.name) return true;
    }
    return false;
}

std::error_code decode_jobs(const json::value& doc, const workflow_run& run, std::vector<jobs::job_row>& rows,
                            jobs::skip_counts& skipped, std::string& message) {
    return for_each_object(doc, "jobs", skipped, message, [&](const json::object& o) {
        const auto* id = o.if_contains("id");
        const auto* name = o.if_contains("name");
        const auto* attempt = o.if_contains("run_attempt");
        const auto* status = o.if_contains("status");
        if (id == nullptr || name == nullptr || attempt == nullptr || status == nullptr) {
            ++skipped[jobs::skip_reason::missing_field];
            return;
        }
        const auto id_value = to_count(id);
        const auto attempt_value = to_count(attempt);
        if (!id_value || !attempt_value || !name->is_string() || !status->is_string()) {
            ++skipped[jobs::skip_reason::bad_field];
            return;
        }
        jobs::job_row row;
        row.workflow_name = run.name;
        row.job_name = name->get_string();
        row.id = *id_value;
        row.run_attempt = *attempt_value;
        row.workflow_id = run.id;
        row.status = std::string(status->get_string());
        if (const auto* c = o.if_contains("conclusion"); c != nullptr && c->is_string()) {
            row.conclusion = std::string(c->get_string());
        }
        row.completed = *row.status == "completed";
        rows.push_back(std::move(row));
    });
}

std::error_code decode_artifacts(const json::value& doc, artifacts_page& out, std::string& message) {
    return for_each_object(doc, "artifacts", out.skipped, message, [&](const json::object& o) {
        if (!o.contains("id") || !o.contains("name")) {
            ++out.skipped[jobs::skip_reason::missing_field];
            return;
        }
        const auto id = to_count(o.if_contains("id"));
        const auto* name = o.if_contains("name");
        const auto* expired = o.if_contains("expired");
        const auto size = o.contains("size_in_bytes") ? to_count(o.if_contains("size_in_bytes")) : std::uint64_t{0};
        if (!id || !name->is_string() || !size || (expired != nullptr && !expired->is_bool())) {
            ++out.skipped[jobs::skip_reason::bad_field];
            if (name->is_string()) out.unreadable.emplace_back(name->get_string());
            return;
        }
        out.artifacts.push_back({.id = *id,
                                 .name = std::string(name->get_string()),
                                 .size_in_bytes = *size,
                                 .expired = expired != nullptr && expired->get_bool()});
    });
}

bool is_full_sha(std::string_view text) noexcept {
    if (text.size() != 40) return false;
    for (const char c : text) {
        if (!is_hex(c)) return false;
    }
    return true;
}

std::error_code decode_commit_sha(const json::value& doc, std::string_view ref, std::string& sha,
                                  std::string& message) {
    const auto* top = doc.if_object();
    const auto* value = top != nullptr ? top->if_contains("sha") : nullptr;
    if (value == nullptr || !value->is_string() || !is_full_sha(value->get_string())) {
        message = "the commit answer has no 40-hex \"sha\"";
        return jobs::error::wrong_shape;
    }
    std::string full(value->get_string());
    for (auto& c : full) c = lower(c);
    bool hex_ref = ref.size() <= full.size();
    for (const char c : ref) hex_ref = hex_ref && is_hex(c);
    if (hex_ref && !iequals(full.substr(0, ref.size()), ref)) {
        message = fmt::format("the commit answer's sha {} does not start with {}", full, ref);
        return jobs::error::wrong_shape;
    }
    sha = std::move(full);
    return {};
}

std::optional<std::string> first_completed_sha(const runs_page& page) {
    for (const auto& run : page.runs) {
        if (run.status == "completed" && is_full_sha(run.head_sha)) return run.head_sha;
    }
    return std::nullopt;
}

}  // namespace ue::sources
