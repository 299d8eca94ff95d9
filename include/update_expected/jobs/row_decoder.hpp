#pragma once

#include "update_expected/jobs/job_row.hpp"

#include <boost/json/stream_parser.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace ue::jobs {

struct decode_limits {
    std::size_t max_bytes = 64u << 20;  // whole document; ClickHouse answers for one commit are ~1 MB
    std::size_t max_depth = 32;         // rows sit at depth 3; the rest is ClickHouse metadata
};

struct decoded_rows {
    std::vector<job_row> rows;  // in document order
    skip_counts skipped;        // only the decoding reasons (not_an_object, missing_field, bad_field)
};

// Push decoder of a job-row document: `{"data":[rows]}` (ClickHouse), `{"results":[rows]}` (Rockset
// style) or a bare `[rows]`. Each row is an object with workflowName and jobName (strings), id,
// runAttempt and workflowId (a JSON number or a decimal string, non-negative, integral, a number at
// most 2^53 and a string at most 2^64-1), and optionally time, status and conclusion (strings;
// a status other than "completed" marks the row not completed). Unknown members are ignored.
//
// Feed the bytes as they arrive with feed(), then call finish() once. The first error sticks: every
// later call returns it and message() describes it with the byte offset where the parser noticed it
// (for a token cut between two feeds, that can be a few bytes past the token's start). The decoder keeps the parsed
// document (bounded by max_bytes) until finish().
class row_decoder {
public:
    explicit row_decoder(decode_limits limits = {});

    // Any split of the document gives the same rows, counts and error code.
    std::error_code feed(std::string_view bytes);
    // End of input: checks the shape and decodes the rows into result(). Call it once, and feed()
    // no more after it.
    std::error_code finish();

    const decoded_rows& result() const noexcept { return result_; }
    decoded_rows take() noexcept { return std::move(result_); }
    const std::string& message() const noexcept { return message_; }  // empty until an error

private:
    std::error_code fail(std::error_code ec, std::string message);

    decode_limits limits_;
    boost::json::stream_parser parser_;
    std::size_t offset_ = 0;  // bytes accepted so far
    std::error_code error_;
    std::string message_;
    decoded_rows result_;
};

}  // namespace ue::jobs
