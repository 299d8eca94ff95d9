#include "run_record.hpp"

#include "update_expected/expected/atomic_file.hpp"
#include "update_expected/report/summary_json.hpp"

#include <algorithm>
#include <utility>

namespace ue::app {

namespace {

bool full_sha(std::string_view sha) {
    return sha.size() == 40 && sha.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

report::file_changes changes_of(const std::string& relative_path, const expected::existing_file* old,
                                std::string_view new_content) {
    // The content was just formatted by this program: it parses, and its header is a schema.
    auto parsed = expected::parse_expected_file(new_content, relative_path);
    if (!parsed || !parsed.value().schema) return {.path = relative_path, .new_file = old == nullptr, .rows = {}};
    const std::vector<expected::row> no_rows;
    // A file whose header is no schema has no usable rows: every row counts as added.
    const auto* old_rows = old == nullptr ? nullptr : old->schema ? &old->rows : &no_rows;
    return report::diff_rows(relative_path, *parsed.value().schema, old_rows, parsed.value().rows);
}

run_record::run_record(const config& settings) {
    summary_.sha = settings.sha;
    if (full_sha(settings.sha)) summary_.resolved_sha = settings.sha;
    summary_.repo = settings.repo.slug();
    summary_.source = std::string(to_string(settings.source));
    summary_.dry_run = settings.dry_run;
}

void run_record::add_artifact(report::artifact_result artifact) { summary_.artifacts.push_back(std::move(artifact)); }

void run_record::add_file(report::file_result file, std::optional<report::file_changes> changes) {
    if (changes) {
        file.changes = report::counts_of(*changes);
        changes_.push_back(std::move(*changes));
    }
    summary_.files.push_back(std::move(file));
}

void run_record::stopped(std::string reason) {
    if (summary_.error.empty()) summary_.error = std::move(reason);
}

void run_record::finish(exit_code code, std::chrono::milliseconds elapsed) {
    summary_.exit_code = to_int(code);
    summary_.elapsed = elapsed;
    // Only the early stops carry a reason (docs/summary-json.md); the others' are per file.
    if (code == exit_code::ok || code == exit_code::incomplete) summary_.error.clear();
}

std::string run_record::what_changed(bool colour) const {
    if (changes_.empty()) return {};
    // Suites finish in whatever order their transfers do: by path, two runs read alike.
    auto sorted = changes_;
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return report::render_changes(sorted, {.colour = colour, .dry_run = summary_.dry_run});
}

std::string run_record::write_json(const std::filesystem::path& path) const {
    auto written = expected::replace_file(path, report::to_json(summary_));
    return written ? std::string() : written.error().message;
}

}  // namespace ue::app
