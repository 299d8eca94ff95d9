#include "update_expected/app/artifact_reader.hpp"

#include "update_expected/jobs/artifact.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace ue::app {

artifact_reader::artifact_reader(expected::suite_tables& tables, unsigned shard, std::string benchmark,
                                 std::string context, zip::limits limits)
    : tables_(tables), shard_(shard), benchmark_(std::move(benchmark)), context_(std::move(context)), limits_(limits) {}

std::error_code artifact_reader::feed(std::span<const std::byte> chunk) {
    if (error_) return error_;
    if (!zip_) zip_.emplace(limits_);
    // Every event but need_more leaves input to parse, even an empty rest: zlib may hold output.
    for (;;) {
        const zip::result r = zip_->next(chunk);
        chunk = chunk.subspan(r.consumed);
        if (r.what == zip::event::need_more) return {};
        if (const auto ec = on_zip(*zip_, r)) return ec;
        if (r.what == zip::event::done) return {};
    }
}

std::error_code artifact_reader::finish() {
    if (error_) return error_;
    if (!zip_) zip_.emplace(limits_);
    const zip::result r = zip_->finish();
    if (r.what != zip::event::done) return fail_zip(*zip_);
    return {};
}

void artifact_reader::restart() {
    tables_.reset(shard_);
    kept_.entries.clear();
    zip_.reset();
    entry_.reset();
    seen_phases_.clear();
    error_.clear();
    message_.clear();
}

std::error_code artifact_reader::on_zip(zip::reader& zip, zip::result r) {
    switch (r.what) {
        case zip::event::entry: {
            const auto phase = jobs::entry_phase(zip.entry().name, benchmark_);
            if (!phase) return {};
            const std::string name(jobs::to_string(*phase));
            if (!wanted_phase(name)) return {};
            zip.want_entry();
            begin_entry(zip.entry().name, name, fmt::format("{} entry {}", context_, zip.entry().name));
            return {};
        }
        case zip::event::data: return entry_ ? feed_entry(zip.data()) : std::error_code{};
        case zip::event::entry_end: return entry_ ? end_entry() : std::error_code{};
        case zip::event::error: return fail_zip(zip);
        case zip::event::need_more:
        case zip::event::done: return {};
    }
    return {};
}

void artifact_reader::begin_entry(const std::string& name, const std::string& phase, std::string context) {
    phase_ = phase;
    seen_phases_.push_back(phase);
    tables_.stage_entry(shard_, phase);
    if (keep_) kept_.entries.push_back({.name = name, .phase = phase, .header = {}, .rows = {}});
    entry_.emplace(csv::column_selection(tables_.columns(phase).columns), std::move(context));
}

std::error_code artifact_reader::feed_entry(std::span<const std::byte> bytes) {
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    while (!text.empty()) {
        std::error_code ec;
        text.remove_prefix(entry_->feed(text, ec));
        if (ec) return fail_csv(ec);
        if (entry_->has_row()) take_row();
    }
    return {};
}

std::error_code artifact_reader::end_entry() {
    std::error_code ec;
    entry_->finish(ec);
    if (ec) return fail_csv(ec);
    if (entry_->has_row()) take_row();
    if (keep_) {
        const auto header = entry_->header();
        kept_.entries.back().header.assign(header.begin(), header.end());
    }
    entry_.reset();
    return {};
}

void artifact_reader::take_row() {
    const auto row = entry_->row();
    tables_.stage_row(shard_, phase_, expected::row(row.begin(), row.end()));
    if (keep_) {
        const auto fields = entry_->raw_row().fields;
        kept_.entries.back().rows.emplace_back(fields.begin(), fields.end());
    }
}

bool artifact_reader::wanted_phase(std::string_view phase) const {
    const auto declared = tables_.phases();
    const bool wanted = std::find(declared.begin(), declared.end(), phase) != declared.end();
    const bool seen = std::find(seen_phases_.begin(), seen_phases_.end(), phase) != seen_phases_.end();
    return wanted && !seen;
}

void artifact_reader::keep_for_cache(std::string url) {
    keep_ = true;
    kept_.url = std::move(url);
}

// The same path as a live read from the entry on, so that the cached rows meet the same column
// selection and the same errors; only the records come already split.
std::error_code artifact_reader::replay(const cache::cached_artifact& artifact) {
    if (error_) return error_;
    std::vector<std::string_view> fields;
    for (const auto& entry : artifact.entries) {
        if (!wanted_phase(entry.phase)) continue;
        begin_entry(entry.name, entry.phase, fmt::format("{} entry {} (from the rerun cache)", context_, entry.name));
        std::error_code ec;
        fields.assign(entry.header.begin(), entry.header.end());
        entry_->take(fields, 0, ec);
        if (ec) return fail_csv(ec);
        for (std::size_t i = 0; i < entry.rows.size(); ++i) {
            fields.assign(entry.rows[i].begin(), entry.rows[i].end());
            entry_->take(fields, 0, ec);
            if (ec) {
                // Blank lines are not kept, so the data row's number stands for its line.
                auto info = entry_->error();
                info.context += fmt::format(": data row {}", i + 1);
                fail_csv(ec);
                message_ = info.describe();
                return error_;
            }
            if (entry_->has_row()) take_row();
        }
        if (const auto end = end_entry()) return end;
    }
    return {};
}

std::error_code artifact_reader::fail_zip(const zip::reader& zip) {
    error_ = zip.error().code;
    message_ = fmt::format("{}: {}", context_, zip.error().describe());
    return error_;
}

std::error_code artifact_reader::fail_csv(std::error_code ec) {
    error_ = ec;
    message_ = entry_->error().describe();
    entry_.reset();
    return error_;
}

}  // namespace ue::app
