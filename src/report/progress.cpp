#include "update_expected/report/progress.hpp"

#include "update_expected/report/units.hpp"

#include <cmath>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

namespace ue::report {
namespace {

std::string format_eta(double seconds) {
    const auto s = static_cast<std::uint64_t>(std::ceil(seconds));
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace

std::optional<progress_mode> parse_progress_mode(std::string_view text) {
    if (text == "auto") return progress_mode::automatic;
    if (text == "always") return progress_mode::always;
    if (text == "never") return progress_mode::never;
    return std::nullopt;
}

bool should_show(progress_mode mode, bool is_tty) {
    switch (mode) {
        case progress_mode::automatic: return is_tty;
        case progress_mode::always: return true;
        case progress_mode::never: return false;
    }
    return false;
}

std::string format_progress(const progress_counters& c, std::size_t max_width) {
    const auto total_digits = fmt::formatted_size("{}", c.total);
    std::string line = fmt::format("[{:>{}}/{}] {}", c.done, total_digits, c.total, format_bytes(c.bytes));
    const double seconds = std::chrono::duration<double>(c.elapsed).count();
    if (seconds > 0) {
        const auto rate = static_cast<std::uint64_t>(static_cast<double>(c.bytes) / seconds);
        line += fmt::format("  {}/s", format_bytes(rate));
        if (c.done > 0 && c.done < c.total) {
            const double left = static_cast<double>(c.total - c.done) / static_cast<double>(c.done);
            line += "  ETA " + format_eta(seconds * left);
        }
    }
    if (c.retrying > 0) line += fmt::format("  {} retrying", c.retrying);
    if (line.size() > max_width) line.resize(max_width);
    return line;
}

progress_line::progress_line(std::ostream& out, bool live, now_function now, clock::duration min_interval)
    : out_(out), live_(live), now_(std::move(now)), min_interval_(min_interval) {}

progress_line::~progress_line() {
    // A destructor must not throw; a stream that throws on failure is the caller's choice, and the
    // line is cosmetic.
    try {
        clear();
    } catch (...) {
    }
}

void progress_line::update(const progress_counters& counters) {
    if (!live_) return;
    const auto t = now_();
    if (last_draw_ && t - *last_draw_ < min_interval_) return;
    auto text = format_progress(counters);
    if (text == shown_) return;
    // Text first, then clear-to-end-of-line: what was longer before is erased without a flicker.
    out_ << '\r' << text << "\x1b[K" << std::flush;
    shown_ = std::move(text);
    last_draw_ = t;
}

void progress_line::clear() {
    if (shown_.empty()) return;
    out_ << "\r\x1b[K" << std::flush;
    shown_.clear();
}

}  // namespace ue::report
