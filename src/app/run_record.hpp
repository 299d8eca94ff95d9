#pragma once

// What one run did, collected as it goes, for its three reports: the what-changed report and the
// summary line on stdout, and the --summary-json document. The pipeline records facts here and
// never formats a report itself.

#include "update_expected/app/exit_code.hpp"
#include "update_expected/config.hpp"
#include "update_expected/expected/expected_file.hpp"
#include "update_expected/report/changes.hpp"
#include "update_expected/report/summary.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ue::app {

// The rows writing `new_content` to `relative_path` adds, removes and changes, against `old` (the
// file as it was: nullptr when there was none). `new_content` is what content_to_write() returned,
// parsed back, so that whatever decided the rows (complete suite or --allow-partial merge) is
// reported as written.
report::file_changes changes_of(const std::string& relative_path, const expected::existing_file* old,
                                std::string_view new_content);

class run_record {
public:
    explicit run_record(const config& settings);

    // The full SHA the rows are for, once a prefix or `latest` is resolved.
    void resolved(std::string sha) { summary_.resolved_sha = std::move(sha); }
    // One artifact tried (network or cache), in the order they finished.
    void add_artifact(report::artifact_result artifact);
    // One (suite, phase) decided; `changes` when its content was decided (written or unchanged).
    void add_file(report::file_result file, std::optional<report::file_changes> changes = std::nullopt);
    // What stopped the run early (exit 2, 3, 75, 130, 143); the first reason given stays.
    void stopped(std::string reason);
    // The end of the run: its exit status and wall time.
    void finish(exit_code code, std::chrono::milliseconds elapsed);

    const report::run_summary& summary() const noexcept { return summary_; }
    // The what-changed report of the files whose content was decided, by path; empty when none.
    std::string what_changed(bool colour) const;
    // The --summary-json document, written atomically to `path`. Returns why it could not be
    // written, or an empty string.
    std::string write_json(const std::filesystem::path& path) const;

private:
    report::run_summary summary_;
    std::vector<report::file_changes> changes_;
};

}  // namespace ue::app
