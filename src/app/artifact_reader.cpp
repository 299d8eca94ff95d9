#include "update_expected/app/artifact_reader.hpp"

#include "update_expected/jobs/artifact.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace ue::app {

artifact_reader::artifact_reader(expected::suite_tables& tables, unsigned shard, std::string benchmark,
                                 std::string context, zip::limits limits)
    : tables_(tables), shard_(shard), benchmark_(std::move(benchmark)), context_(std::move(context)),
      limits_(limits) {}

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
      const auto declared = tables_.phases();
      const bool wanted = std::find(declared.begin(), declared.end(), name) != declared.end();
      const bool seen = std::find(seen_phases_.begin(), seen_phases_.end(), name) != seen_phases_.end();
      if (!wanted || seen) return {};
      zip.want_entry();
      phase_ = name;
      seen_phases_.push_back(name);
      tables_.stage_entry(shard_, phase_);
      entry_.emplace(csv::column_selection(tables_.columns(phase_).columns),
                     fmt::format("{} entry {}", context_, zip.entry().name));
      return {};
    }
    case zip::event::data:
      return entry_ ? feed_entry(zip.data()) : std::error_code{};
    case zip::event::entry_end:
      return entry_ ? end_entry() : std::error_code{};
    case zip::event::error:
      return fail_zip(zip);
    case zip::event::need_more:
    case zip::event::done:
      return {};
  }
  return {};
}

std::error_code artifact_reader::feed_entry(std::span<const std::byte> bytes) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  while (!text.empty()) {
    std::error_code ec;
    text.remove_prefix(entry_->feed(text, ec));
    if (ec) return fail_csv(ec);
    if (entry_->has_row()) {
      const auto row = entry_->row();
      tables_.stage_row(shard_, phase_, expected::row(row.begin(), row.end()));
    }
  }
  return {};
}

std::error_code artifact_reader::end_entry() {
  std::error_code ec;
  entry_->finish(ec);
  if (ec) return fail_csv(ec);
  if (entry_->has_row()) {
    const auto row = entry_->row();
    tables_.stage_row(shard_, phase_, expected::row(row.begin(), row.end()));
  }
  entry_.reset();
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
