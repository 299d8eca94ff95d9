#include "update_expected/jobs/row_decoder.hpp"

#include "decimal.hpp"
#include "update_expected/jobs/error.hpp"

#include <boost/json/error.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <cmath>

namespace ue::jobs {
namespace {

namespace json = boost::json;

json::parse_options parse_options(const decode_limits& limits) {
    json::parse_options opt;
    opt.max_depth = limits.max_depth;
    return opt;
}

// A JSON number is exact only up to 2^53 when it arrives as a double.
constexpr double max_exact_double = 9007199254740992.0;

std::optional<std::uint64_t> to_count(const json::value& v) {
    switch (v.kind()) {
        case json::kind::int64:
            if (v.get_int64() < 0) return std::nullopt;
            return static_cast<std::uint64_t>(v.get_int64());
        case json::kind::uint64: return v.get_uint64();
        case json::kind::double_: {
            const double d = v.get_double();
            if (!(d >= 0 && d <= max_exact_double) || std::trunc(d) != d) return std::nullopt;
            return static_cast<std::uint64_t>(d);
        }
        case json::kind::string: return detail::parse_decimal(v.get_string());
        default: return std::nullopt;
    }
}

std::optional<std::string> optional_string(const json::object& row, std::string_view key) {
    const auto* v = row.if_contains(key);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
}

// Adds the row to out, or counts why not.
void decode_row(const json::value& element, decoded_rows& out) {
    const auto* row = element.if_object();
    if (row == nullptr) {
        ++out.skipped[skip_reason::not_an_object];
        return;
    }
    const json::value* fields[5];
    constexpr std::string_view keys[5] = {"workflowName", "jobName", "id", "runAttempt", "workflowId"};
    for (std::size_t i = 0; i < 5; ++i) {
        fields[i] = row->if_contains(keys[i]);
        if (fields[i] == nullptr) {
            ++out.skipped[skip_reason::missing_field];
            return;
        }
    }
    const auto id = to_count(*fields[2]);
    const auto attempt = to_count(*fields[3]);
    const auto workflow_id = to_count(*fields[4]);
    if (!fields[0]->is_string() || !fields[1]->is_string() || !id || !attempt || !workflow_id) {
        ++out.skipped[skip_reason::bad_field];
        return;
    }
    job_row r;
    r.workflow_name = fields[0]->get_string();
    r.job_name = fields[1]->get_string();
    r.id = *id;
    r.run_attempt = *attempt;
    r.workflow_id = *workflow_id;
    r.time = optional_string(*row, "time");
    r.status = optional_string(*row, "status");
    r.conclusion = optional_string(*row, "conclusion");
    r.completed = !r.status || *r.status == "completed";
    out.rows.push_back(std::move(r));
}

}  // namespace

row_decoder::row_decoder(decode_limits limits)
    : limits_(limits), parser_(json::storage_ptr(), parse_options(limits_)) {}

std::error_code row_decoder::fail(std::error_code ec, std::string message) {
    error_ = ec;
    message_ = std::move(message);
    return ec;
}

std::error_code row_decoder::feed(std::string_view bytes) {
    if (error_) return error_;
    if (bytes.size() > limits_.max_bytes - offset_)
        return fail(error::too_large, fmt::format("job-row JSON larger than the limit of {} bytes", limits_.max_bytes));
    json::error_code jec;
    std::size_t const used = parser_.write(bytes.data(), bytes.size(), jec);
    if (jec) {
        const auto code = jec == json::error::too_deep ? error::too_deep : error::malformed_json;
        return fail(code, fmt::format("malformed job-row JSON at byte {}: {}", offset_ + used, jec.message()));
    }
    offset_ += bytes.size();
    return {};
}

std::error_code row_decoder::finish() {
    if (error_) return error_;
    json::error_code jec;
    parser_.finish(jec);
    if (jec)
        return fail(error::malformed_json,
                    fmt::format("malformed job-row JSON at byte {}: {}", offset_, jec.message()));
    json::value const doc = parser_.release();

    const json::array* rows = doc.if_array();
    if (const auto* top = doc.if_object()) {
        const auto* data = top->if_contains("data");
        const auto* results = top->if_contains("results");
        if (data != nullptr && results != nullptr)
            return fail(error::wrong_shape, "job-row JSON has both \"data\" and \"results\"");
        const auto* list = data != nullptr ? data : results;
        rows = list != nullptr ? list->if_array() : nullptr;
    }
    if (rows == nullptr)
        return fail(error::wrong_shape, "job-row JSON is neither {\"data\":[...]}, {\"results\":[...]} nor [...]");
    result_.rows.reserve(rows->size());
    for (const auto& element : *rows) decode_row(element, result_);
    return {};
}

}  // namespace ue::jobs
