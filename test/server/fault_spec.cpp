#include "fault_spec.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>

namespace ue::testing {
namespace {

std::uint64_t number(std::string_view text, std::string_view item) {
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size())
        throw std::invalid_argument(fmt::format("fault `{}`: `{}` is not a number", item, text));
    return value;
}

unsigned status_code(std::string_view text, std::string_view item) {
    const std::uint64_t status = number(text, item);
    if (status < 100 || status > 599)
        throw std::invalid_argument(fmt::format("fault `{}`: status {} out of 100..599", item, status));
    return static_cast<unsigned>(status);
}

// "a:b:c" -> {"a", "b:c"} split at the first colon; the second part empty when there is none.
std::pair<std::string_view, std::string_view> split_colon(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return {text, {}};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

fault parse_one(std::string_view item) {
    const auto [name, rest] = split_colon(item);
    const auto need_rest = [&, rest = rest] {
        if (rest.empty()) throw std::invalid_argument(fmt::format("fault `{}`: missing its argument", item));
        return rest;
    };
    if (name == "reset") return fault::reset_after(number(need_rest(), item));
    if (name == "truncate") return fault::truncate_after(number(need_rest(), item));
    if (name == "stall") return rest.empty() ? fault::stall_before_headers() : fault::stall_after(number(rest, item));
    if (name == "corrupt") return fault::corrupt_byte(number(need_rest(), item));
    if (name == "garbage" && rest.empty()) return fault::garbage_json();
    if (name == "full" && rest.empty()) return fault::ignore_range();
    if (name == "drip") {
        const auto [bytes, pause] = split_colon(need_rest());
        const std::uint64_t piece = number(bytes, item);
        if (piece == 0) throw std::invalid_argument(fmt::format("fault `{}`: pieces of 0 bytes", item));
        return fault::drip(piece, std::chrono::milliseconds(number(pause, item)));
    }
    if (name == "redirect") {
        const auto [status, location] = split_colon(need_rest());
        if (location.empty()) throw std::invalid_argument(fmt::format("fault `{}`: missing its location", item));
        return fault::redirect(status_code(status, item), std::string(location));
    }
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string_view::npos) {
        const unsigned status = status_code(name, item);
        if (rest.empty()) return fault::error(status);
        constexpr std::string_view retry_after = "retry-after=";
        if (!rest.starts_with(retry_after))
            throw std::invalid_argument(fmt::format("fault `{}`: expected retry-after=SECONDS", item));
        const std::string_view seconds = rest.substr(retry_after.size());
        number(seconds, item);
        return fault::retry_after(status, std::string(seconds));
    }
    throw std::invalid_argument(fmt::format("fault `{}`: unknown kind", item));
}

}  // namespace

std::vector<fault> parse_faults(std::string_view spec) {
    std::vector<fault> out;
    while (!spec.empty()) {
        const auto comma = spec.find(',');
        std::string_view item = spec.substr(0, comma);
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        std::uint64_t times = 1;
        // A redirect's location may hold '*'; a repeat count is only digits after the last one.
        if (const auto star = item.rfind('*');
            star != std::string_view::npos && star + 1 < item.size() &&
            item.find_first_not_of("0123456789", star + 1) == std::string_view::npos) {
            times = number(item.substr(star + 1), item);
            item = item.substr(0, star);
        }
        if (times == 0 || times > 10'000)
            throw std::invalid_argument(fmt::format("fault `{}`: repeat count out of 1..10000", item));
        const fault one = parse_one(item);
        out.insert(out.end(), times, one);
    }
    if (out.empty()) throw std::invalid_argument("empty fault list");
    return out;
}

std::pair<std::string, std::vector<fault>> parse_fault_option(std::string_view option) {
    const auto equals = option.find('=');
    if (equals == std::string_view::npos || !option.starts_with('/'))
        throw std::invalid_argument(fmt::format("--fault `{}`: expected PATH=SPEC with PATH starting with /", option));
    return {std::string(option.substr(0, equals)), parse_faults(option.substr(equals + 1))};
}

}  // namespace ue::testing
