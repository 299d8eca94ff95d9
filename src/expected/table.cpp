#include "update_expected/expected/table.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>
#include <utility>

namespace ue::expected {

suite_tables::suite_tables(unsigned shard_count)
    : shard_count_(shard_count), shards_(shard_count, shard_state::reading) {
    if (shard_count == 0) throw std::logic_error("suite_tables: a suite has at least one shard");
}

void suite_tables::add_phase(std::string phase, schema columns) {
    const auto same = [&](const phase_table& t) { return t.name == phase; };
    if (std::any_of(phases_.begin(), phases_.end(), same))
        throw std::logic_error(fmt::format("suite_tables: phase {} declared twice", phase));
    phases_.push_back(phase_table{std::move(phase), std::move(columns), std::vector<shard_rows>(shard_count_),
                                  std::vector<shard_rows>(shard_count_)});
}

std::size_t suite_tables::open_shard(unsigned shard) const {
    if (shard == 0 || shard > shard_count_)
        throw std::out_of_range(fmt::format("suite_tables: shard {} not in 1..{}", shard, shard_count_));
    const std::size_t index = shard - 1;
    if (shards_[index] != shard_state::reading)
        throw std::logic_error(fmt::format("suite_tables: shard {} already finished", shard));
    return index;
}

suite_tables::phase_table& suite_tables::find(std::string_view phase) {
    return const_cast<phase_table&>(std::as_const(*this).find(phase));
}

const suite_tables::phase_table& suite_tables::find(std::string_view phase) const {
    for (const auto& t : phases_)
        if (t.name == phase) return t;
    throw std::logic_error(fmt::format("suite_tables: phase {} not declared", phase));
}

void suite_tables::stage_entry(unsigned shard, std::string_view phase) {
    const auto index = open_shard(shard);
    find(phase).staged[index].has_entry = true;
}

void suite_tables::stage_row(unsigned shard, std::string_view phase, row values) {
    const auto index = open_shard(shard);
    auto& table = find(phase);
    if (values.size() != table.schema.columns.size())
        throw std::logic_error(
            fmt::format("suite_tables: row of {} values for {} columns", values.size(), table.schema.columns.size()));
    table.staged[index].has_entry = true;
    table.staged[index].rows.push_back(std::move(values));
}

void suite_tables::reset(unsigned shard) {
    const auto index = open_shard(shard);
    for (auto& t : phases_) t.staged[index] = {};
}

void suite_tables::commit(unsigned shard) {
    const auto index = open_shard(shard);
    for (auto& t : phases_) t.delivered[index] = std::exchange(t.staged[index], {});
    shards_[index] = shard_state::committed;
}

void suite_tables::discard(unsigned shard) {
    const auto index = open_shard(shard);
    for (auto& t : phases_) t.staged[index] = {};
    shards_[index] = shard_state::discarded;
}

bool suite_tables::all_in() const noexcept {
    return std::none_of(shards_.begin(), shards_.end(), [](shard_state s) { return s == shard_state::reading; });
}

std::vector<std::string> suite_tables::phases() const {
    std::vector<std::string> names;
    for (const auto& t : phases_) names.push_back(t.name);
    return names;
}

const schema& suite_tables::columns(std::string_view phase) const { return find(phase).schema; }

phase_status suite_tables::status(std::string_view phase) const {
    const auto& delivered = find(phase).delivered;
    const auto count =
        std::count_if(delivered.begin(), delivered.end(), [](const shard_rows& s) { return s.has_entry; });
    if (count == 0) return phase_status::absent;
    return static_cast<unsigned>(count) == shard_count_ ? phase_status::complete : phase_status::partial;
}

std::vector<unsigned> suite_tables::missing_shards(std::string_view phase) const {
    const auto& delivered = find(phase).delivered;
    std::vector<unsigned> missing;
    for (unsigned shard = 1; shard <= shard_count_; ++shard)
        if (!delivered[shard - 1].has_entry) missing.push_back(shard);
    return missing;
}

std::vector<row> suite_tables::rows(std::string_view phase) const {
    std::vector<row> all;
    for (const auto& shard : find(phase).delivered) all.insert(all.end(), shard.rows.begin(), shard.rows.end());
    return all;
}

}  // namespace ue::expected
