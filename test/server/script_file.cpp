#include "script_file.hpp"

#include "fault_spec.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ue::testing {
namespace {

namespace json = boost::json;

std::string text_of(const json::value& v) { return std::string(v.as_string()); }

void add_response_entry(server& s, const json::object& entry) {
    const std::string method = entry.contains("method") ? text_of(entry.at("method")) : "GET";
    const auto status = entry.contains("status") ? json::value_to<unsigned>(entry.at("status")) : 200U;
    std::string body;
    if (entry.contains("json"))
        body = json::serialize(entry.at("json"));
    else if (entry.contains("body"))
        body = text_of(entry.at("body"));
    header_list headers;
    if (entry.contains("headers"))
        for (const auto& [name, value] : entry.at("headers").as_object())
            headers.emplace_back(std::string(name), text_of(value));
    s.add_response(method, text_of(entry.at("target")), status, std::move(body), std::move(headers));
}

void add_generated_entry(server& s, const json::object& entry) {
    s.add_generated(text_of(entry.at("path")), json::value_to<std::uint64_t>(entry.at("size")),
                    entry.contains("seed") ? json::value_to<std::uint64_t>(entry.at("seed")) : 0);
}

void add_fault_entry(server& s, const json::object& entry) {
    s.add_faults(text_of(entry.at("path")), parse_faults(text_of(entry.at("spec"))));
}

template <class Add>
void for_each_entry(server& s, const json::object& script, std::string_view key, Add add) {
    if (!script.contains(key)) return;
    const json::array& entries = script.at(key).as_array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
        try {
            add(s, entries[i].as_object());
        } catch (const std::exception& e) {
            throw std::runtime_error(fmt::format("{}[{}]: {}", key, i, e.what()));
        }
    }
}

}  // namespace

void apply_script(server& s, std::string_view json_text) {
    boost::system::error_code ec;
    const json::value script = json::parse(json_text, ec);
    if (ec) throw std::runtime_error(fmt::format("not JSON: {}", ec.message()));
    if (!script.is_object()) throw std::runtime_error("the script must be a JSON object");
    for_each_entry(s, script.as_object(), "responses", add_response_entry);
    for_each_entry(s, script.as_object(), "generated", add_generated_entry);
    for_each_entry(s, script.as_object(), "faults", add_fault_entry);
}

void load_script(server& s, const std::filesystem::path& path) {
    std::ifstream file{path};
    if (!file) throw std::runtime_error(fmt::format("{}: cannot open", path.string()));
    std::ostringstream text;
    text << file.rdbuf();
    try {
        apply_script(s, text.str());
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}: {}", path.string(), e.what()));
    }
}

}  // namespace ue::testing
