// A refusal of the GitHub API through sources::rate_limit_policy. Byte 0 picks the status (403, 429,
// or another one), bytes 1-4 the wall clock (seconds since the epoch, before 2106); then header lines
// `name: value` up to an empty line, then the body excerpt. The same refusal is asked about until
// the policy stops waiting. Checks: only 403 and 429 are limits; a wait lasts at least one second and
// at most the settings allow; a give-up says why; every refusal ends in a give-up (or is not a limit)
// within the allowed number of waits, and answers do not change kind on the way.
#include "update_expected/net/response_head.hpp"
#include "update_expected/sources/github_rate_limit.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace ue::sources;
using std::chrono::milliseconds;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 5) return 0;
    const unsigned status = data[0] % 4 == 0 ? 403 : data[0] % 4 == 1 ? 429 : 200 + data[0];
    const std::uint32_t epoch = std::uint32_t{data[1]} | std::uint32_t{data[2]} << 8 | std::uint32_t{data[3]} << 16 |
                                std::uint32_t{data[4]} << 24;
    const std::chrono::system_clock::time_point now{std::chrono::seconds(epoch)};
    std::string_view rest(reinterpret_cast<const char*>(data + 5), size - 5);

    ue::net::response_head head;
    head.status = status;
    while (!rest.empty()) {
        const auto end = std::min(rest.find('\n'), rest.size());
        const std::string_view line = rest.substr(0, end);
        rest.remove_prefix(std::min(end + 1, rest.size()));
        if (line.empty()) break;
        const auto colon = line.find(':');
        head.fields.emplace_back(std::string(line.substr(0, colon)),
                                 colon == std::string_view::npos ? "" : std::string(line.substr(colon + 1)));
    }

    rate_limit_settings settings;
    settings.max_wait = milliseconds(3'600'000);
    rate_limit_policy policy(settings);
    const milliseconds longest_secondary = settings.secondary_wait * (1u << settings.secondary_waits);
    const unsigned most_waits = std::max(settings.reset_waits, settings.secondary_waits);
    unsigned waits = 0;
    for (;;) {
        const rate_limit_verdict v = policy.next(status, head, rest, now);
        if (status != 403 && status != 429 && v.what != rate_limit_verdict::kind::not_limited) std::abort();
        if (v.what == rate_limit_verdict::kind::not_limited) {
            if (waits != 0 || !v.message.empty() || v.delay != milliseconds(0)) std::abort();
            break;
        }
        if (v.message.empty()) std::abort();
        if (v.what == rate_limit_verdict::kind::give_up) {
            if (v.delay != milliseconds(0)) std::abort();
            break;
        }
        if (v.delay < milliseconds(1000) || v.delay > std::max(settings.max_wait, longest_secondary)) std::abort();
        if (++waits > most_waits) std::abort();
    }
    (void)utc_text(now);
    return 0;
}
