#include "update_expected/net/url.hpp"

#include <gtest/gtest.h>

#include "update_expected/net/error.hpp"

namespace ue::net {
namespace {

TEST(Url, SplitsSchemeHostPortTarget) {
    const auto u = url::from("HTTPS://Example.COM:8443/a/b?x=1#frag");
    EXPECT_EQ(u.scheme, "https");
    EXPECT_EQ(u.host, "example.com");
    EXPECT_EQ(u.port, 8443);
    EXPECT_EQ(u.target, "/a/b?x=1");
    EXPECT_TRUE(u.tls());
    EXPECT_EQ(u.authority(), "example.com:8443");
    EXPECT_EQ(u.origin(), "https://example.com:8443");
}

TEST(Url, DefaultsPortAndTargetByScheme) {
    const auto a = url::from("http://h");
    EXPECT_EQ(a.port, 80);
    EXPECT_EQ(a.target, "/");
    EXPECT_EQ(a.authority(), "h");
    const auto b = url::from("https://h?q=1");
    EXPECT_EQ(b.port, 443);
    EXPECT_EQ(b.target, "/?q=1");
    EXPECT_EQ(url::from("https://h:443/").authority(), "h");
}

TEST(Url, BracketedIpv6Literal) {
    const auto u = url::from("http://[::1]:8080/x");
    EXPECT_EQ(u.host, "::1");
    EXPECT_TRUE(u.ipv6_literal());
    EXPECT_EQ(u.port, 8080);
    EXPECT_EQ(u.authority(), "[::1]:8080");
    EXPECT_EQ(url::from("https://[2001:DB8::1]/").authority(), "[2001:db8::1]");
}

TEST(Url, KeepsUserinfoForTheWireOnly) {
    const auto u = url::from("https://user:p%40ss@host.example/path?a=b");
    EXPECT_EQ(u.userinfo, "user:p%40ss");
    EXPECT_EQ(u.host, "host.example");
    EXPECT_EQ(u.text(), "https://user:p%40ss@host.example/path?a=b");
    EXPECT_EQ(u.redacted(), "https://host.example/path?a=b");
}

TEST(Url, RedactsSecretQueryValues) {
    const auto u = url::from(
        "https://b.s3.amazonaws.com/k.zip?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F1"
        "&X-Amz-Signature=abcdef&access_token=t0k&page=2&sig=zz");
    EXPECT_EQ(u.redacted(),
              "https://b.s3.amazonaws.com/k.zip?X-Amz-Algorithm=AWS4&X-Amz-Credential=REDACTED"
              "&X-Amz-Signature=REDACTED&access_token=REDACTED&page=2&sig=REDACTED");
}

// Found by fuzz_proxy_env (corpus regression-ipv6-zone-bytes): Asio takes any bytes as an IPv6 zone id,
// so commas and non-ASCII bytes reached the host, the Host field and the NO_PROXY match.
TEST(Url, Ipv6ZoneIdsAreUnreservedCharactersOnly) {
    EXPECT_EQ(url::from("http://[fe80::1%eth0]:8080/x").host, "fe80::1%eth0");
    EXPECT_EQ(url::from("http://[fe80::1%25en_1.a~b]/x").host, "fe80::1%25en_1.a~b");
    for (const char* text : {"http://[fe80::1%e,th0]/", "http://[fd01::%\x90\x90]/p", "http://[fe80::1%\"a\"]/",
                             "http://[fe80::1%a:b]/"}) {
        std::error_code ec;
        EXPECT_FALSE(url::parse(text, ec)) << text;
        EXPECT_EQ(ec, error::bad_url) << text;
    }
}

TEST(Url, RejectsWhatItCannotUse) {
    const char* bad[] = {
        "",
        "host/path",
        "://h",
        "http//h",
        "http://",
        "http:///x",
        "http://h:0/",
        "http://h:65536",
        "http://h:12a/",
        "http://h :1/",
        "http://[::1/",
        "http://[::1]x/",
        "http://h/a b",
        "http://h\n/",
        "http://exa!mple/",
        "http://[zz::1]/",
    };
    for (const char* text : bad) {
        std::error_code ec;
        EXPECT_FALSE(url::parse(text, ec)) << text;
        EXPECT_EQ(ec, error::bad_url) << text;
    }
}

TEST(Url, RejectsOtherSchemesByName) {
    std::error_code ec;
    EXPECT_FALSE(url::parse("ftp://h/x", ec));
    EXPECT_EQ(ec, error::unsupported_scheme);
    EXPECT_FALSE(url::parse("file:///etc/passwd", ec));
    EXPECT_EQ(ec, error::unsupported_scheme);
}

TEST(Url, ResolvesRedirectLocations) {
    const url base = url::from("https://u:p@h.example:8443/a/b/c.zip?x=1");
    const auto resolved = [&](std::string_view reference) {
        std::error_code ec;
        const auto u = base.resolve(reference, ec);
        EXPECT_FALSE(ec) << reference;
        return u ? u->text() : std::string("(failed)");
    };
    EXPECT_EQ(resolved("https://other.example/k?y=2#frag"), "https://other.example/k?y=2");
    EXPECT_EQ(resolved("HTTP://other.example:81"), "http://other.example:81/");
    EXPECT_EQ(resolved("//cdn.example/k"), "https://cdn.example/k");
    EXPECT_EQ(resolved("/root?q"), "https://u:p@h.example:8443/root?q");
    EXPECT_EQ(resolved("?page=2"), "https://u:p@h.example:8443/a/b/c.zip?page=2");
    EXPECT_EQ(resolved("d.zip"), "https://u:p@h.example:8443/a/b/d.zip");
    EXPECT_EQ(resolved("../d.zip?z"), "https://u:p@h.example:8443/a/d.zip?z");
    EXPECT_EQ(resolved("./e/./f/../g"), "https://u:p@h.example:8443/a/b/e/g");
    EXPECT_EQ(resolved("../../../../x"), "https://u:p@h.example:8443/x");
    EXPECT_EQ(resolved("sub/"), "https://u:p@h.example:8443/a/b/sub/");
    EXPECT_EQ(resolved(""), "https://u:p@h.example:8443/a/b/c.zip?x=1");
    EXPECT_EQ(resolved("https://h.example:8443/same"), "https://u:p@h.example:8443/same");

    std::error_code ec;
    EXPECT_FALSE(base.resolve("ftp://h/x", ec));
    EXPECT_EQ(ec, error::unsupported_scheme);
    EXPECT_FALSE(base.resolve("/a b", ec));
    EXPECT_EQ(ec, error::bad_url);
    EXPECT_FALSE(base.resolve("http://", ec));
    EXPECT_EQ(ec, error::bad_url);
}

TEST(Url, FromThrowsOnBadText) { EXPECT_THROW(url::from("nope"), std::system_error); }

}  // namespace
}  // namespace ue::net
