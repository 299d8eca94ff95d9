#include "ranges.hpp"

#include <charconv>
#include <optional>

namespace ue::testing {
namespace {

std::optional<std::uint64_t> parse_number(std::string_view text) {
    std::uint64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end) return std::nullopt;
    return value;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

range_decision decide_range(std::string_view range, std::string_view if_range, std::string_view etag,
                            std::uint64_t size) {
    const range_decision full{range_kind::full, 0, size};
    constexpr std::string_view unit = "bytes=";
    range = trim(range);
    if (range.empty() || !range.starts_with(unit)) return full;
    if (!if_range.empty() && trim(if_range) != etag) return full;
    const std::string_view spec = trim(range.substr(unit.size()));
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return full;
    const std::string_view first_text = trim(spec.substr(0, dash));
    const std::string_view last_text = trim(spec.substr(dash + 1));

    if (first_text.empty()) {  // suffix: the last S bytes
        const auto suffix = parse_number(last_text);
        if (!suffix) return full;
        if (*suffix == 0 || size == 0) return {range_kind::unsatisfiable, 0, 0};
        const std::uint64_t length = *suffix < size ? *suffix : size;
        return {range_kind::partial, size - length, length};
    }
    const auto first = parse_number(first_text);
    if (!first) return full;
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
        const auto parsed = parse_number(last_text);
        if (!parsed || *parsed < *first) return full;
        if (*parsed < last) last = *parsed;
    }
    if (*first >= size) return {range_kind::unsatisfiable, 0, 0};
    return {range_kind::partial, *first, last - *first + 1};
}

}  // namespace ue::testing
