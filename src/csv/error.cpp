#include "update_expected/csv/error.hpp"

#include <fmt/format.h>

namespace ue::csv {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ue.csv"; }

    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::unterminated_quote: return "unterminated quoted field";
            case error::bad_quote: return "unexpected character after a closing quote";
            case error::field_too_long: return "field too long";
            case error::record_too_long: return "record too long";
            case error::too_many_fields: return "too many fields in a record";
            case error::missing_header: return "empty report (no header)";
            case error::missing_name_column: return "no \"name\" column in the header";
            case error::line_break_in_value: return "value contains a line break";
            case error::bad_count_value: return "is not a count";
        }
        return "unknown ue.csv error";
    }
};

}  // namespace

const std::error_category& csv_category() noexcept {
    static const category instance;
    return instance;
}

std::string error_info::describe() const {
    std::string out = context.empty() ? std::string("csv") : context;
    if (line != 0) out += fmt::format(": line {}", line);
    if (!column.empty()) out += fmt::format(", column {}", column);
    if (code == error::bad_count_value) return out + fmt::format(": \"{}\" is not a count", value);
    return out + ": " + code.message();
}

}  // namespace ue::csv
