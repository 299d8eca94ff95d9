#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace ue::report {

// `--progress auto|always|never`.
enum class progress_mode { automatic, always, never };

// `auto`, `always` or `never`; nullopt for anything else (the command line calls that a usage error).
std::optional<progress_mode> parse_progress_mode(std::string_view text);

// Whether the live line is drawn: `auto` only when stderr is a terminal (`is_tty`, the caller's
// isatty), `always` even into a file or pipe, `never` not at all.
bool should_show(progress_mode mode, bool is_tty);

// Where a run stands; the pipeline keeps these counters and hands a copy to the line.
struct progress_counters {
    std::size_t done = 0;                 // artifacts finished (read, from cache, missing or failed)
    std::size_t total = 0;                // artifacts planned; may grow when a missing one falls back to an older job
    std::uint64_t bytes = 0;              // body bytes received so far
    std::chrono::nanoseconds elapsed{0};  // since the first transfer started
    std::size_t retrying = 0;             // transfers waiting to retry or retrying now
};

// One line, at most `max_width` columns (a longer one is cut), e.g.
//   [ 37/82] 12.4 MiB  8.1 MiB/s  ETA 3s  2 retrying
// The rate (average since the start) needs some elapsed time; the ETA needs at least one artifact
// done and some left (it assumes the rest go as fast as the done ones); `N retrying` shows only when
// N > 0. Whatever is unknown is left out rather than shown as a guess. The default width stays
// below 80 because writing the last column of a terminal makes some of them wrap.
std::string format_progress(const progress_counters& counters, std::size_t max_width = 79);

// The live progress line on stderr. When `live` (see should_show), each update redraws the line in
// place (`\r`, the text, clear-to-end-of-line), at most once per `min_interval` (the first update
// always draws); when not live it writes nothing at all, ever: no text, no carriage return. The
// caller must call clear() before writing any other line to the same stream (warnings, errors), and
// the destructor clears too. Single-threaded: call it from the event loop. Does not own `out`,
// which must outlive it; `now` is the clock (injectable for tests).
class progress_line {
public:
    using clock = std::chrono::steady_clock;
    using now_function = std::function<clock::time_point()>;

    progress_line(std::ostream& out, bool live, now_function now = clock::now,
                  clock::duration min_interval = std::chrono::milliseconds(100));
    ~progress_line();
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;

    // Draws `counters` unless not live, throttled, or the text is what is already shown.
    void update(const progress_counters& counters);
    // Erases the line if one is shown (`\r` then clear-to-end-of-line), leaving the cursor at the
    // start of an empty line; no output when nothing is shown. The next update draws again.
    void clear();

private:
    std::ostream& out_;
    bool live_;
    now_function now_;
    clock::duration min_interval_;
    std::optional<clock::time_point> last_draw_;
    std::string shown_;  // the text on screen; empty when none
};

}  // namespace ue::report
