// Feeds arbitrary bytes to the CSV readers, whole and in data-derived chunks, and demands the same
// records or the same error (same line) both ways. Byte 0 picks the chunk size, byte 1 the
// settings; the rest is the CSV.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../unit/csv/read_all.hpp"
#include "update_expected/csv/record_reader.hpp"
#include "update_expected/csv/report_reader.hpp"

namespace {

using namespace ue::csv;

std::string records(std::string_view input, record_settings settings, test::cuts c) {
    record_reader reader(settings);
    std::string out;
    const std::error_code ec = test::drive(reader, input, c, [&](const record_reader& r) {
        if (!r.has_record()) return;
        const record rec = r.current();
        out += std::to_string(rec.line) + (rec.has_line_break ? "+" : ":");
        for (std::string_view f : rec.fields) out += std::to_string(f.size()) + "=" + std::string(f);
        out += "\n";
    });
    if (ec) out += ec.message() + " @" + std::to_string(reader.line());
    return out;
}

std::string rows(std::string_view input, record_settings settings, test::cuts c) {
    report_reader reader(column_selection({"name", "accuracy", "graph_breaks", "calls_captured"}), "fuzz", settings);
    std::string out;
    const std::error_code ec = test::drive(reader, input, c, [&](const report_reader& r) {
        if (!r.has_row()) return;
        out += std::to_string(r.line()) + ":";
        for (const std::string& v : r.row()) out += std::to_string(v.size()) + "=" + v;
        out += "\n";
    });
    if (ec) out += reader.error().describe();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const test::cuts split{.at = 0, .step = std::size_t{data[0]} % 17 + 1};
    record_settings settings;
    if (data[1] & 1) settings = {.max_field_size = 16, .max_record_size = 64, .max_fields = 8};
    settings.skip_blank_lines = (data[1] & 2) == 0;
    const std::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

    if (records(input, settings, {}) != records(input, settings, split)) std::abort();
    if (rows(input, settings, {}) != rows(input, settings, split)) std::abort();
    return 0;
}
