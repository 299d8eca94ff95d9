#include "update_expected/expected/expected_file.hpp"

#include "update_expected/csv/error.hpp"
#include "update_expected/csv/record_reader.hpp"
#include "update_expected/expected/atomic_file.hpp"
#include "update_expected/expected/file_format.hpp"

#include <fmt/format.h>
#include <stdexcept>
#include <utility>

namespace ue::expected {
namespace {

failure csv_failure(std::error_code code, const std::filesystem::path& path, std::size_t line) {
    csv::error_info info{code, path.string(), line, {}, {}};
    return failure{code, info.describe()};
}

}  // namespace

result<existing_file> parse_expected_file(std::string_view content, const std::filesystem::path& path) {
    csv::record_reader reader;  // skips blank lines: the layout puts three between rows
    existing_file file;
    bool header_seen = false;
    std::optional<failure> failed;
    const auto take = [&] {
        if (!reader.has_record()) return;
        const auto record = reader.current();
        if (!header_seen) {
            header_seen = true;
            file.schema = schema::from_header({record.fields.begin(), record.fields.end()});
            return;
        }
        if (!file.schema) return;
        const auto width = file.schema->columns.size();
        if (record.fields.size() > width) {
            failed = failure{make_error_code(error::row_too_long),
                             fmt::format("{}: line {}: {} fields under a header of {}", path.string(), record.line,
                                         record.fields.size(), width)};
            return;
        }
        row values(record.fields.begin(), record.fields.end());
        values.resize(width);
        file.rows.push_back(std::move(values));
    };

    std::error_code ec;
    while (!content.empty() && !failed) {
        content.remove_prefix(reader.feed(content, ec));
        if (ec) return csv_failure(ec, path, reader.line());
        take();
    }
    if (failed) return *failed;
    reader.finish(ec);
    if (ec) return csv_failure(ec, path, reader.line());
    take();
    if (failed) return *failed;
    return file;
}

result<std::optional<existing_file>> read_expected_file(const std::filesystem::path& path) {
    auto content = read_file_if_exists(path);
    if (!content) return content.error();
    if (!content.value()) return std::optional<existing_file>();
    auto parsed = parse_expected_file(*content.value(), path);
    if (!parsed) return parsed.error();
    return std::optional<existing_file>(std::move(parsed).value());
}

std::filesystem::path expected_file_path(const std::filesystem::path& output_dir, jobs::baseline base,
                                         std::string_view suite, std::string_view phase) {
    const auto name = fmt::format("{}_{}.csv", suite, phase);
    return base == jobs::baseline::rocm ? output_dir / "rocm" / name : output_dir / name;
}

std::optional<std::string> content_to_write(const suite_tables& tables, std::string_view phase,
                                            const existing_file* existing, bool allow_partial) {
    const auto& columns = tables.columns(phase);
    switch (tables.status(phase)) {
        case phase_status::complete: return format_expected_file(columns, tables.rows(phase));
        case phase_status::partial:
            if (!allow_partial) return std::nullopt;
            if (existing == nullptr || !existing->schema) return format_expected_file(columns, tables.rows(phase));
            if (*existing->schema != columns)
                throw std::logic_error("content_to_write: existing file read with another schema");
            return format_expected_file(columns, merge_partial(existing->rows, tables.rows(phase), columns.name_index));
        case phase_status::absent: break;
    }
    return std::nullopt;
}

}  // namespace ue::expected
