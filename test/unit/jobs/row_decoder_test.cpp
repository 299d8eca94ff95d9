#include "update_expected/jobs/error.hpp"
#include "update_expected/jobs/row_decoder.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ue::jobs {
namespace {

struct outcome {
    std::error_code ec;
    std::string message;
    decoded_rows result;
};

// Feeds doc in pieces cut at the given offsets (ascending).
outcome decode(std::string_view doc, const std::vector<std::size_t>& cuts = {}, decode_limits limits = {}) {
    row_decoder d(limits);
    std::size_t at = 0;
    std::error_code ec;
    for (std::size_t cut : cuts) {
        ec = d.feed(doc.substr(at, cut - at));
        at = cut;
        if (ec) break;
    }
    if (!ec) ec = d.feed(doc.substr(at));
    if (!ec) ec = d.finish();
    return {ec, d.message(), d.take()};
}

// Every split in two, and byte by byte, gives the result of the whole document.
void expect_ground(std::string_view doc, decode_limits limits = {}) {
    const auto whole = decode(doc, {}, limits);
    std::vector<std::size_t> bytes;
    for (std::size_t i = 1; i < doc.size(); ++i) {
        const auto split = decode(doc, {i}, limits);
        ASSERT_EQ(split.ec, whole.ec) << "split at " << i;
        ASSERT_EQ(split.message, whole.message) << "split at " << i;
        ASSERT_EQ(split.result.rows, whole.result.rows) << "split at " << i;
        ASSERT_EQ(split.result.skipped.counts, whole.result.skipped.counts) << "split at " << i;
        bytes.push_back(i);
    }
    const auto by_byte = decode(doc, bytes, limits);
    EXPECT_EQ(by_byte.ec, whole.ec);
    EXPECT_EQ(by_byte.message, whole.message);
    EXPECT_EQ(by_byte.result.rows, whole.result.rows);
}

constexpr std::string_view row_a =
    R"j({"workflowName":"inductor","jobName":"b / test (inductor_timm, 1, 2, m)","id":11,"runAttempt":1,"workflowId":100,"time":"2024-05-01 10:00:00"})j";
constexpr std::string_view row_b =
    R"({"workflowName":"inductor-periodic","jobName":"x","id":"12","runAttempt":"2","workflowId":"18446744073709551615"})";

job_row expected_a() {
    return {"inductor", "b / test (inductor_timm, 1, 2, m)", 11, 1, 100, "2024-05-01 10:00:00", {}, {}, true};
}

job_row expected_b() { return {"inductor-periodic", "x", 12, 2, 18446744073709551615u, {}, {}, {}, true}; }

TEST(RowDecoder, AcceptsTheThreeShapes) {
    std::string const rows = fmt::format("[{},{}]", row_a, row_b);
    for (const auto& doc : {fmt::format(R"({{"meta":[{{"name":"id"}}],"data":{},"rows":2}})", rows),
                            fmt::format(R"({{"results":{}}})", rows), rows}) {
        const auto r = decode(doc);
        ASSERT_FALSE(r.ec) << doc << ": " << r.message;
        ASSERT_EQ(r.result.rows.size(), 2u);
        EXPECT_EQ(r.result.rows[0], expected_a());
        EXPECT_EQ(r.result.rows[1], expected_b());
        EXPECT_EQ(r.result.skipped.total(), 0u);
        expect_ground(doc);
    }
}

TEST(RowDecoder, EmptyRowListIsNotAnError) {
    for (std::string_view doc : {R"({"data":[]})", " [ ] \r\n"}) {
        const auto r = decode(doc);
        EXPECT_FALSE(r.ec) << doc;
        EXPECT_TRUE(r.result.rows.empty());
        expect_ground(doc);
    }
}

TEST(RowDecoder, NumbersAsNumbersOrStrings) {
    const auto r =
        decode(R"([{"workflowName":"w","jobName":"j","id":7.0,"runAttempt":"003","workflowId":9007199254740992}])");
    ASSERT_FALSE(r.ec) << r.message;
    ASSERT_EQ(r.result.rows.size(), 1u);
    EXPECT_EQ(r.result.rows[0].id, 7u);
    EXPECT_EQ(r.result.rows[0].run_attempt, 3u);
    EXPECT_EQ(r.result.rows[0].workflow_id, 9007199254740992u);
}

TEST(RowDecoder, BadNumbersSkipTheRow) {
    for (std::string_view bad :
         {R"(-1)", R"("-1")", R"(1.5)", R"("1.5")", R"("")", R"(" 1")", R"("1e3")", R"(1e300)",
          R"(18446744073709551616)", R"("18446744073709551616")", R"(null)", R"(true)", R"([1])"}) {
        const auto doc = fmt::format(
            R"([{{"workflowName":"w","jobName":"j","id":{},"runAttempt":1,"workflowId":2}},{}])", bad, row_a);
        const auto r = decode(doc);
        ASSERT_FALSE(r.ec) << bad << ": " << r.message;
        EXPECT_EQ(r.result.rows.size(), 1u) << bad;
        EXPECT_EQ(r.result.skipped[skip_reason::bad_field], 1u) << bad;
    }
}

TEST(RowDecoder, NonStringNamesSkipTheRow) {
    const auto r = decode(R"([{"workflowName":1,"jobName":"j","id":1,"runAttempt":1,"workflowId":2},
                              {"workflowName":"w","jobName":null,"id":1,"runAttempt":1,"workflowId":2}])");
    ASSERT_FALSE(r.ec);
    EXPECT_TRUE(r.result.rows.empty());
    EXPECT_EQ(r.result.skipped[skip_reason::bad_field], 2u);
}

TEST(RowDecoder, MissingFieldsAreCountedNotFatal) {
    constexpr std::string_view keys[] = {"workflowName", "jobName", "id", "runAttempt", "workflowId"};
    for (const auto key : keys) {
        std::string row(row_a);
        const auto at = row.find(fmt::format("\"{}\"", key));
        ASSERT_NE(at, std::string::npos);
        row.replace(at + 1, key.size(), "other");
        const auto r = decode(fmt::format("[{},{},1,\"s\",[]]", row, row_b));
        ASSERT_FALSE(r.ec) << key;
        ASSERT_EQ(r.result.rows.size(), 1u) << key;
        EXPECT_EQ(r.result.rows[0], expected_b());
        EXPECT_EQ(r.result.skipped[skip_reason::missing_field], 1u) << key;
        EXPECT_EQ(r.result.skipped[skip_reason::not_an_object], 3u) << key;
    }
}

TEST(RowDecoder, StatusMarksRowsNotCompleted) {
    const auto r =
        decode(R"([{"workflowName":"w","jobName":"j","id":1,"runAttempt":1,"workflowId":2,"status":"in_progress"},
                              {"workflowName":"w","jobName":"j","id":1,"runAttempt":1,"workflowId":2,"status":"completed","conclusion":"failure"}])");
    ASSERT_FALSE(r.ec);
    ASSERT_EQ(r.result.rows.size(), 2u);
    EXPECT_FALSE(r.result.rows[0].completed);
    EXPECT_EQ(r.result.rows[0].status, "in_progress");
    EXPECT_TRUE(r.result.rows[1].completed);
    EXPECT_EQ(r.result.rows[1].conclusion, "failure");
}

TEST(RowDecoder, WrongShapes) {
    for (std::string_view doc : {R"({})", R"({"data":{}})", R"({"results":1})", R"({"data":[],"results":[]})",
                                 R"("rows")", R"(1)", R"(null)", R"({"rows":[]})"}) {
        const auto r = decode(doc);
        EXPECT_EQ(r.ec, error::wrong_shape) << doc;
        EXPECT_FALSE(r.message.empty());
        expect_ground(doc);
    }
}

TEST(RowDecoder, MalformedJsonNamesTheByteOffset) {
    const auto r = decode(R"({"data":[1,,2]})");
    EXPECT_EQ(r.ec, error::malformed_json);
    EXPECT_NE(r.message.find("at byte 11"), std::string::npos) << r.message;
    for (std::string_view doc : {"", "[", R"({"data":[)", R"([] [])", R"([1,])", R"({"data":[]}x)", "[\"\xff\"]"}) {
        EXPECT_EQ(decode(doc).ec, error::malformed_json) << doc;
        expect_ground(doc);
    }
}

TEST(RowDecoder, ErrorsStick) {
    row_decoder d;
    EXPECT_EQ(d.feed("[x"), error::malformed_json);
    EXPECT_EQ(d.feed("]"), error::malformed_json);
    EXPECT_EQ(d.finish(), error::malformed_json);
}

TEST(RowDecoder, LimitsAreEnforced) {
    const decode_limits limits{.max_bytes = 16, .max_depth = 3};
    EXPECT_EQ(decode(R"([[[[1]]]])", {}, limits).ec, error::too_deep);
    EXPECT_FALSE(decode(R"([[[1]]])", {}, limits).ec);
    EXPECT_FALSE(decode(R"([1,2,3,4,5,6,78])", {}, limits).ec);  // exactly 16 bytes
    const auto big = decode(R"([1,2,3,4,5,6,789])", {}, limits);
    EXPECT_EQ(big.ec, error::too_large);
    EXPECT_NE(big.message.find("16 bytes"), std::string::npos) << big.message;
    expect_ground(R"([1,2,3,4,5,6,789])", limits);
    expect_ground(R"([[[[1]]]])", limits);
}

TEST(RowDecoder, ErrorCategoryNamesEveryCode) {
    for (auto e : {error::malformed_json, error::too_deep, error::too_large, error::wrong_shape}) {
        std::error_code const ec = e;
        EXPECT_STREQ(ec.category().name(), "ue.jobs");
        EXPECT_NE(ec.message(), "unknown ue.jobs error");
    }
}

}  // namespace
}  // namespace ue::jobs
