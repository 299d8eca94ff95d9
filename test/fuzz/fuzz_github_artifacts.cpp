// A run's artifacts answer (`{"artifacts":[...]}`) through sources::json_answer, whole and split
// (see json_answer_feed.hpp), then decode_artifacts. Checks: every entry is an artifact or counted
// as skipped, the unreadable names among the bad ones; `wrong_shape` decodes and counts nothing;
// decoding again gives the same artifacts.
#include "json_answer_feed.hpp"

#include "update_expected/sources/github_answer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace ue::sources;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest;
    const auto doc = fuzz::parse_two_ways(data, size, rest);
    if (!doc) return 0;

    artifacts_page page;
    std::string message;
    const std::error_code ec = decode_artifacts(*doc, page, message);
    if (ec) {
        if (ec != ue::jobs::error::wrong_shape || message.empty() || !page.artifacts.empty() ||
            page.skipped.total() != 0)
            std::abort();
        return 0;
    }
    const auto& list = doc->as_object().at("artifacts").as_array();
    if (page.artifacts.size() + page.skipped.total() != list.size()) std::abort();
    if (page.unreadable.size() > page.skipped[ue::jobs::skip_reason::bad_field]) std::abort();

    artifacts_page again;
    if (decode_artifacts(*doc, again, message) || again.artifacts != page.artifacts ||
        again.skipped.counts != page.skipped.counts || again.unreadable != page.unreadable)
        std::abort();
    return 0;
}
