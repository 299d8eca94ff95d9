// Feeds the input to the job-row decoder in chunks whose sizes come from the first byte, checks that
// the result equals the one-piece decoding (error code, rows, counts), then plans the rows and builds every URL.
#include "update_expected/jobs/artifact.hpp"
#include "update_expected/jobs/error.hpp"
#include "update_expected/jobs/row_decoder.hpp"
#include "update_expected/jobs/selection.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

struct outcome {
    std::error_code ec;
    std::string message;
    ue::jobs::decoded_rows result;
};

outcome decode(std::string_view doc, std::size_t chunk) {
    ue::jobs::row_decoder d({.max_bytes = 1u << 20, .max_depth = 16});
    std::error_code ec;
    for (std::size_t at = 0; !ec && at < doc.size(); at += chunk) ec = d.feed(doc.substr(at, chunk));
    if (!ec) ec = d.finish();
    return {ec, d.message(), d.take()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t const chunk = data[0] % 17 + 1;
    std::string_view const doc(reinterpret_cast<const char*>(data + 1), size - 1);

    const auto whole = decode(doc, doc.size() + 1);
    const auto chunked = decode(doc, chunk);
    // The byte offset of a syntax error may differ when the bad token is cut between two feeds.
    const bool same_message = whole.message == chunked.message || whole.ec == ue::jobs::error::malformed_json;
    if (whole.ec != chunked.ec || !same_message || whole.result.rows != chunked.result.rows ||
        whole.result.skipped.counts != chunked.result.skipped.counts)
        std::abort();
    if (whole.ec) return 0;

    ue::jobs::selection_options options;
    options.max_shards = 64;
    const auto plan = ue::jobs::select_jobs(whole.result.rows, options);
    for (const auto& suite : plan.suites)
        for (std::uint32_t shard = 1; shard <= suite.shard_count; ++shard)
            for (const auto& job : suite.shards[shard - 1])
                if (ue::jobs::artifact_url("http://h/", "o/r", suite, shard, job).empty()) std::abort();
    return 0;
}
