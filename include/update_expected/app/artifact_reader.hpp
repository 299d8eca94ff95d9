#pragma once

#include "update_expected/cache/artifact_cache.hpp"
#include "update_expected/csv/report_reader.hpp"
#include "update_expected/expected/table.hpp"
#include "update_expected/zip/reader.hpp"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <system_error>

namespace ue::app {

// Carries one shard artifact's body from the socket to its suite's tables: body bytes into the zip
// reader, each wanted report entry's inflated bytes into a CSV report reader, each row into the
// table staged for the shard. Holds no parsing of its own, and no socket.
//
// The table decides what counts: the caller commits the shard after finish() succeeded and discards
// it after any error (docs/pytorch-ci.md section 6: an artifact with any zip or CSV error delivers nothing).
class artifact_reader {
public:
    // `tables` must outlive the reader and have its phases declared; `benchmark` names the report
    // entries (docs/pytorch-ci.md section 4); `context` (the artifact URL, redacted) prefixes every message.
    artifact_reader(expected::suite_tables& tables, unsigned shard, std::string benchmark, std::string context,
                    zip::limits limits = {});

    // Consumes one chunk of the body. An error is final; message() then says what and where.
    std::error_code feed(std::span<const std::byte> chunk);

    // End of the body: the zip must have reached its central directory.
    std::error_code finish();

    // The body starts again from byte 0 (a retried transfer): forgets everything staged.
    void restart();

    const std::string& message() const noexcept { return message_; }

    // From now on keeps every wanted entry's header and raw rows (all columns) as read, for the
    // rerun cache; call before the first feed(). Costs the memory of those rows.
    void keep_for_cache(std::string url);
    // What was kept: meaningful only after finish() succeeded (the cache takes nothing else).
    cache::cached_artifact take_cached() { return std::move(kept_); }

    // Stages a cached artifact's entries as if its body had been read, with the columns wanted now
    // (they may differ from those of the run that cached it). An error (a value of a newly wanted
    // column that is not a count, a header without `name`) is final, as for feed(); the caller then
    // discards the shard.
    std::error_code replay(const cache::cached_artifact& artifact);

private:
    std::error_code on_zip(zip::reader& zip, zip::result r);
    // A wanted entry starts: its rows are staged for `phase` from now on.
    void begin_entry(const std::string& name, const std::string& phase, std::string context);
    std::error_code feed_entry(std::span<const std::byte> bytes);
    std::error_code end_entry();
    std::error_code fail_zip(const zip::reader& zip);
    std::error_code fail_csv(std::error_code ec);
    bool wanted_phase(std::string_view phase) const;  // declared, and no entry of it read yet
    void take_row();

    expected::suite_tables& tables_;
    unsigned shard_;
    std::string benchmark_;
    std::string context_;
    zip::limits limits_;
    // Made on the first byte: a queued transfer holds no inflate window or buffers.
    std::optional<zip::reader> zip_;
    std::optional<csv::report_reader> entry_;  // the wanted entry being read, if any
    std::string phase_;                        // its phase
    std::vector<std::string> seen_phases_;     // phases whose entry was read (first one wins)
    std::error_code error_;
    std::string message_;
    bool keep_ = false;
    cache::cached_artifact kept_;
};

}  // namespace ue::app
