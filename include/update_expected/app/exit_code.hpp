#pragma once

// The exit status of `update-expected` (docs/command.md "Exit codes"); scripts and cron jobs depend on
// these numbers.

namespace ue::app {

enum class exit_code : int {
    ok = 0,             ///< every wanted (suite, phase) written or already up to date
    incomplete = 1,     ///< some (suite, phase) incomplete or failed; the complete ones are written
    usage = 2,          ///< bad or missing flag/SHA, unreadable CA or jobs file, no output directory
    source_failed = 3,  ///< job rows could not be had (network, auth, rate limit, bad answer)
    try_again = 75,     ///< EX_TEMPFAIL: output dir busy, no wanted jobs yet, jobs still running
    interrupted = 130,  ///< stopped by SIGINT (128 + 2)
    terminated = 143,   ///< stopped by SIGTERM (128 + 15)
};

[[nodiscard]] constexpr int to_int(exit_code code) noexcept { return static_cast<int>(code); }

/// Rank of a code when several apply: usage > source_failed > interrupted = terminated >
/// try_again > incomplete > ok.
[[nodiscard]] constexpr int rank(exit_code code) noexcept {
    switch (code) {
        case exit_code::ok: return 0;
        case exit_code::incomplete: return 1;
        case exit_code::try_again: return 2;
        case exit_code::interrupted:
        case exit_code::terminated: return 3;
        case exit_code::source_failed: return 4;
        case exit_code::usage: return 5;
    }
    return 5;
}

/// The code a run exits with when `current` already applies and `next` applies too: the higher
/// ranked. On a tie (SIGINT and SIGTERM) `current` stays: the first signal decides.
[[nodiscard]] constexpr exit_code combine(exit_code current, exit_code next) noexcept {
    return rank(next) > rank(current) ? next : current;
}

}  // namespace ue::app
