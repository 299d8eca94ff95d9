// What a run's GitHub artifacts listing says of one report's name (docs/pytorch-ci.md section 3).

#include "run_artifacts.hpp"

#include "update_expected/net/error.hpp"

#include <gtest/gtest.h>

namespace ue::app {
namespace {

using kind = artifact_lookup::kind;

sources::artifacts_answer listing(std::vector<sources::run_artifact> artifacts) {
    sources::artifacts_answer a;
    a.artifacts = std::move(artifacts);
    return a;
}

TEST(LookUp, FindsTheExactNameAndPassesOverExpiredNamesakes) {
    const auto answer = listing({{1, "logs-runattempt1-x", 10, false},
                                 {2, "test-reports-runattempt1-test-a-1-2-m_9.zip", 10, true},
                                 {3, "test-reports-runattempt1-test-a-1-2-m_9.zip", 10, false},
                                 {4, "test-reports-runattempt1-test-a-1-2-m_9.zip.bak", 10, false}});
    const auto found = look_up(answer, "test-reports-runattempt1-test-a-1-2-m_9.zip");
    EXPECT_EQ(found.what, kind::found);
    EXPECT_EQ(found.id, 3u);
    EXPECT_EQ(look_up(answer, "test-reports-runattempt1-test-a-1-2-m").what, kind::absent);
    EXPECT_EQ(look_up(answer, "TEST-reports-runattempt1-test-a-1-2-m_9.zip").what, kind::absent);
}

TEST(LookUp, AnExpiredArtifactIsExpiredAndAnAbsentOneAbsent) {
    const auto answer = listing({{2, "test-reports-a.zip", 10, true}});
    EXPECT_EQ(look_up(answer, "test-reports-a.zip").what, kind::expired);
    EXPECT_EQ(look_up(listing({}), "test-reports-a.zip").what, kind::absent);
}

TEST(LookUp, AnEntryOfThatNameThatCouldNotBeReadIsAFailureNotAbsence) {
    auto answer = listing({{1, "logs-x", 10, false}});
    answer.unreadable = {"test-reports-a.zip"};
    const auto found = look_up(answer, "test-reports-a.zip");
    EXPECT_EQ(found.what, kind::failed);
    EXPECT_NE(found.message.find("test-reports-a.zip"), std::string::npos) << found.message;
    EXPECT_EQ(look_up(answer, "test-reports-b.zip").what, kind::absent);
}

TEST(LookUp, AFailedListingGivesItsCauseToEveryName) {
    sources::artifacts_answer failed;
    failed.code = net::error::connect_timeout;
    failed.message = "GitHub API https://h/x: connect_timeout";
    const auto found = look_up(failed, "test-reports-a.zip");
    EXPECT_EQ(found.what, kind::failed);
    EXPECT_EQ(found.message, failed.message);
    EXPECT_EQ(found.code, net::error::connect_timeout);
}

}  // namespace
}  // namespace ue::app
