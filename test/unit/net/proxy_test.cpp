// proxy_for and no_proxy_matches as plain functions: the environment is a map, never the machine's.

#include "update_expected/net/proxy.hpp"

#include <gtest/gtest.h>

#include "update_expected/net/base64.hpp"
#include "update_expected/net/error.hpp"

namespace ue::net {
namespace {

std::string chosen(const std::string& target, const environment& env) {
    std::error_code ec;
    std::string detail;
    const auto choice = proxy_for(url::from(target), env, ec, detail);
    EXPECT_FALSE(ec) << detail;
    return choice.proxy ? choice.proxy->text() + " from " + choice.variable : "direct";
}

TEST(ProxyFor, ReadsTheVariablesAsCurl788Does) {
    EXPECT_EQ(chosen("https://h/x", {}), "direct");
    EXPECT_EQ(chosen("https://h/x", {{"https_proxy", "http://p:3128"}, {"HTTPS_PROXY", "http://q:1"}}),
              "http://p:3128/ from https_proxy");
    EXPECT_EQ(chosen("https://h/x", {{"HTTPS_PROXY", "http://q:1"}}), "http://q:1/ from HTTPS_PROXY");
    // http_proxy in lower case only: HTTP_PROXY may come from a CGI request header.
    EXPECT_EQ(chosen("http://h/x", {{"HTTP_PROXY", "http://q:1"}}), "direct");
    EXPECT_EQ(chosen("http://h/x", {{"http_proxy", "http://p:2"}}), "http://p:2/ from http_proxy");
    EXPECT_EQ(chosen("http://h/x", {{"https_proxy", "http://p:2"}}), "direct");
    // all_proxy before ALL_PROXY, both after the scheme's own variable.
    EXPECT_EQ(chosen("https://h/x", {{"ALL_PROXY", "http://a:1"}, {"all_proxy", "http://b:1"}}),
              "http://b:1/ from all_proxy");
    EXPECT_EQ(chosen("http://h/x", {{"ALL_PROXY", "http://a:1"}}), "http://a:1/ from ALL_PROXY");
    EXPECT_EQ(chosen("https://h/x", {{"https_proxy", "http://p:1"}, {"ALL_PROXY", "http://a:1"}}),
              "http://p:1/ from https_proxy");
    // Set but empty: no proxy, and no fall-back to ALL_PROXY.
    EXPECT_EQ(chosen("https://h/x", {{"https_proxy", ""}, {"ALL_PROXY", "http://a:1"}}), "direct");
    // No scheme: http; no port: 1080.
    EXPECT_EQ(chosen("https://h/x", {{"https_proxy", "proxy.corp"}}), "http://proxy.corp:1080/ from https_proxy");
    EXPECT_EQ(chosen("https://h/x", {{"https_proxy", "http://u:p@proxy.corp"}}),
              "http://u:p@proxy.corp:1080/ from https_proxy");
    EXPECT_EQ(chosen("https://h/x", {{"https_proxy", "http://proxy.corp:80/ignored"}}),
              "http://proxy.corp/ from https_proxy");
}

TEST(ProxyFor, NoProxyExemptsHosts) {
    const environment base{{"https_proxy", "http://p:1"}};
    auto with = [&](const char* name, const char* value) {
        environment e = base;
        e[name] = value;
        return e;
    };
    EXPECT_EQ(chosen("https://h.example.com/x", with("NO_PROXY", "example.com")), "direct");
    EXPECT_EQ(chosen("https://h.example.com/x", with("no_proxy", "other.org, example.com")), "direct");
    EXPECT_EQ(chosen("https://h.example.com:8443/x", with("no_proxy", "h.example.com")), "direct");
    EXPECT_EQ(chosen("https://h.example.com/x", with("no_proxy", "*")), "direct");
    EXPECT_EQ(chosen("https://h.example.com/x", with("no_proxy", "ample.com")), "http://p:1/ from https_proxy");
    // no_proxy wins over NO_PROXY when both are set, even when it matches nothing.
    environment both = with("no_proxy", "other.org");
    both["NO_PROXY"] = "example.com";
    EXPECT_EQ(chosen("https://h.example.com/x", both), "http://p:1/ from https_proxy");
}

TEST(NoProxy, HostSuffixesDotsAndCase) {
    EXPECT_TRUE(no_proxy_matches("example.com", "example.com"));
    EXPECT_TRUE(no_proxy_matches("a.b.example.com", "example.com"));
    EXPECT_TRUE(no_proxy_matches("a.example.com", ".example.com"));
    EXPECT_TRUE(no_proxy_matches("example.com", ".example.com"));  // the leading dot is ignored
    EXPECT_TRUE(no_proxy_matches("example.com", "EXAMPLE.com."));
    EXPECT_TRUE(no_proxy_matches("example.com.", "example.com"));
    EXPECT_FALSE(no_proxy_matches("badexample.com", "example.com"));
    EXPECT_FALSE(no_proxy_matches("example.com", "a.example.com"));
    EXPECT_FALSE(no_proxy_matches("example.com", "example.com:443"));  // entries carry no port
    EXPECT_TRUE(no_proxy_matches("anything", "*"));
    EXPECT_FALSE(no_proxy_matches("anything", "*.com"));
    EXPECT_FALSE(no_proxy_matches("anything", ""));
    EXPECT_TRUE(no_proxy_matches("b.org", " a.org ,\tb.org"));
    EXPECT_TRUE(no_proxy_matches("b.org", "a.org b.org"));
    EXPECT_FALSE(no_proxy_matches("b.org", ",,"));
}

TEST(NoProxy, IpAddressesAndCidrRanges) {
    EXPECT_TRUE(no_proxy_matches("127.0.0.1", "127.0.0.1"));
    EXPECT_TRUE(no_proxy_matches("10.1.2.3", "10.0.0.0/8"));
    EXPECT_FALSE(no_proxy_matches("11.1.2.3", "10.0.0.0/8"));
    EXPECT_TRUE(no_proxy_matches("192.168.1.77", "192.168.1.64/26"));
    EXPECT_FALSE(no_proxy_matches("192.168.1.128", "192.168.1.64/26"));
    EXPECT_TRUE(no_proxy_matches("1.2.3.4", "0.0.0.0/0"));
    EXPECT_FALSE(no_proxy_matches("1.2.3.4", "1.2.3.4/33"));
    EXPECT_FALSE(no_proxy_matches("127.0.0.1", "localhost"));  // names are not resolved
    EXPECT_FALSE(no_proxy_matches("10.0.0.1", "0.0.1"));       // no suffix match for addresses
    EXPECT_TRUE(no_proxy_matches("::1", "::1"));
    EXPECT_TRUE(no_proxy_matches("::1", "[::1]"));
    EXPECT_TRUE(no_proxy_matches("fd00::5", "fd00::/8"));
    EXPECT_FALSE(no_proxy_matches("fe80::5", "fd00::/8"));
    EXPECT_FALSE(no_proxy_matches("::1", "127.0.0.1/8"));
}

TEST(ProxyFor, OnlyHttpProxiesAreSupported) {
    for (const char* value : {"https://p:1", "socks5://p:1080", "socks5h://p", "http://p:99999", "http://p q"}) {
        std::error_code ec;
        std::string detail;
        const auto choice = proxy_for(url::from("https://h/x"), {{"HTTPS_PROXY", value}}, ec, detail);
        EXPECT_EQ(ec, error::bad_proxy) << value;
        EXPECT_FALSE(choice.proxy) << value;
        EXPECT_NE(detail.find("HTTPS_PROXY"), std::string::npos) << detail;
    }
}

TEST(ProxyAuthorization, FromPercentDecodedUserinfo) {
    EXPECT_FALSE(proxy_authorization(url::from("http://p:1")));
    EXPECT_EQ(proxy_authorization(url::from("http://al%20ice:p%40ss@p:1")).value_or(""),
              basic_credentials("al ice", "p@ss"));
    EXPECT_EQ(proxy_authorization(url::from("http://user@p:1")).value_or(""), basic_credentials("user", ""));
}

TEST(Base64, PadsEveryLength) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("a"), "YQ==");
    EXPECT_EQ(base64("ab"), "YWI=");
    EXPECT_EQ(base64("abc"), "YWJj");
    EXPECT_EQ(base64(std::string("\xff\x00\x10", 3)), "/wAQ");
    EXPECT_EQ(basic_credentials("alice", "s3cret"), "Basic YWxpY2U6czNjcmV0");
}

}  // namespace
}  // namespace ue::net
