#include "update_expected/jobs/job_name.hpp"

#include "decimal.hpp"

#include <array>

namespace ue::jobs {
namespace {

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(' ');
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

}  // namespace

job_name parse_job_name(std::string_view name, std::uint32_t max_shards) {
    constexpr std::string_view separator = " / ";
    constexpr std::string_view open = "test (";
    job_name out;
    const auto last = name.rfind(separator);
    if (last == std::string_view::npos) return out;
    auto test = name.substr(last + separator.size());
    if (!test.starts_with(open) || !test.ends_with(')')) return out;
    test = test.substr(open.size(), test.size() - open.size() - 1);

    // SUITE, SHARD, NUM_SHARDS, MACHINE; further fields (e.g. "unstable") do not matter here.
    std::array<std::string_view, 4> fields;
    bool more = true;
    for (auto& field : fields) {
        if (!more) return out;
        const auto comma = test.find(',');
        field = trim(test.substr(0, comma));
        more = comma != std::string_view::npos;
        test = more ? test.substr(comma + 1) : std::string_view();
    }
    if (fields[0].empty() || fields[3].empty()) return out;
    out.suite = fields[0];
    out.machine = fields[3];
    out.status = name_status::bad_shard;
    const auto shard = detail::parse_decimal(fields[1], max_shards);
    const auto count = detail::parse_decimal(fields[2], max_shards);
    if (!shard || !count || *shard == 0 || *shard > *count) return out;
    out.shard = static_cast<std::uint32_t>(*shard);
    out.num_shards = static_cast<std::uint32_t>(*count);
    out.status = name_status::ok;
    return out;
}

}  // namespace ue::jobs
