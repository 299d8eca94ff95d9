#include "update_expected/net/error.hpp"

#include <gtest/gtest.h>

namespace ue::net {
namespace {

TEST(NetError, MessagesStartWithTheirName) {
    EXPECT_EQ(std::error_code(error::headers_timeout).message().rfind("headers_timeout", 0), 0u);
    EXPECT_EQ(std::error_code(error::cancelled).message().rfind("cancelled", 0), 0u);
    EXPECT_STREQ(net_category().name(), "ue.net");
}

TEST(NetError, TimeoutsAreRecognised) {
    EXPECT_TRUE(is_timeout(error::resolve_timeout));
    EXPECT_TRUE(is_timeout(error::body_idle_timeout));
    EXPECT_FALSE(is_timeout(error::cancelled));
    EXPECT_FALSE(is_timeout(std::make_error_code(std::errc::timed_out)));
}

TEST(NetError, DescribeGivesOneLineWithContext) {
    outcome o;
    o.code = error::body_idle_timeout;
    o.url = "https://h/x.zip";
    o.attempt = 2;
    o.where = stage::body;
    o.bytes = 1234;
    o.status = 200;
    EXPECT_EQ(o.describe(),
              "GET https://h/x.zip: body_idle_timeout: response body stalled after HTTP 200 "
              "[stage body, attempt 2, 1234 bytes received]");
}

TEST(NetError, DescribeShowsStatusAndExcerptOnOneLine) {
    outcome o;
    o.code = error::http_status;
    o.url = "https://h/x.zip";
    o.where = stage::done;
    o.status = 404;
    o.body_excerpt = "<Error>\n<Code>NoSuchKey</Code>\r\n";
    const auto line = o.describe();
    EXPECT_EQ(line,
              "GET https://h/x.zip: HTTP 404 \"<Error> <Code>NoSuchKey</Code>  \" "
              "[stage done, attempt 1, 0 bytes received]");
    EXPECT_EQ(line.find('\n'), std::string::npos);
}

TEST(NetError, DescribeCarriesDetail) {
    outcome o;
    o.code = error::certificate_rejected;
    o.url = "https://h/";
    o.where = stage::handshake;
    o.detail = "hostname mismatch";
    EXPECT_NE(o.describe().find("certificate_rejected"), std::string::npos);
    EXPECT_NE(o.describe().find("(hostname mismatch)"), std::string::npos);
    EXPECT_NE(o.describe().find("stage handshake"), std::string::npos);
}

TEST(NetError, CauseIsTheSameForEveryTransferAHostWideFailureEnds) {
    outcome a;
    a.code = error::certificate_rejected;
    a.where = stage::handshake;
    a.detail = "unable to get local issuer certificate";
    a.url = "https://h/a.zip";
    outcome b = a;
    b.url = "https://h/b.zip";
    b.attempt = 2;
    EXPECT_EQ(a.cause(), b.cause());
    EXPECT_EQ(a.cause().find("a.zip"), std::string::npos) << a.cause();
    EXPECT_NE(a.cause().find("(unable to get local issuer certificate) [stage handshake]"), std::string::npos)
        << a.cause();
    b.where = stage::connect;
    EXPECT_NE(a.cause(), b.cause());
}

}  // namespace
}  // namespace ue::net
