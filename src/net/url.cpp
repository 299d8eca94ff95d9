#include "update_expected/net/url.hpp"

#include <boost/asio/ip/address_v6.hpp>

#include <array>
#include <charconv>
#include <vector>

#include "update_expected/net/error.hpp"

namespace ue::net {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

bool is_alnum(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// A registered name or IPv4 literal: letters, digits, '-', '.', '_' (some internal hosts use it).
bool valid_reg_name(std::string_view h) noexcept {
    if (h.empty()) return false;
    for (char c : h)
        if (!is_alnum(c) && c != '-' && c != '.' && c != '_') return false;
    return true;
}

// An IPv6 literal as Asio parses it (zone ids such as `%eth0` included). Asio takes any bytes after
// the '%' as the zone id; only unreserved characters and '%' (RFC 6874's "%25") are allowed here, so
// that no comma, quote or non-ASCII byte reaches the Host field or a NO_PROXY match.
bool valid_ipv6(std::string_view h) {
    const auto zone = h.find('%');
    for (std::size_t i = 0; i < h.size(); ++i) {
        const char c = h[i];
        const bool ok = i < zone ? is_alnum(c) || c == ':' || c == '.'
                                 : is_alnum(c) || c == '%' || c == '-' || c == '.' || c == '_' || c == '~';
        if (!ok) return false;
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(std::string(h), ec);
    return !ec;
}

// Query keys whose values are secrets in the URLs we meet: S3 presigned URLs (X-Amz-Signature,
// X-Amz-Credential, X-Amz-Security-Token), OAuth-style tokens, generic passwords and API keys.
bool sensitive_key(std::string_view key) {
    const std::string k = lowered(key);
    static constexpr std::array<std::string_view, 7> words{"signature", "credential", "token", "password",
                                                           "secret",    "key",        "auth"};
    for (auto w : words)
        if (k.find(w) != std::string::npos) return true;
    return k == "sig";
}

std::string redact_query(std::string_view query) {
    std::string out;
    while (true) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && sensitive_key(pair.substr(0, eq))) {
            out.append(pair.substr(0, eq + 1));
            out.append("REDACTED");
        } else {
            out.append(pair);
        }
        if (amp == std::string_view::npos) break;
        out.push_back('&');
        query.remove_prefix(amp + 1);
    }
    return out;
}

// RFC 3986 section 5.2.4, for a path that starts with '/'.
std::string remove_dot_segments(std::string_view path) {
    std::vector<std::string_view> kept;
    bool trailing_slash = false;
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto segment =
            path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        const bool last = slash == std::string_view::npos;
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
            trailing_slash = last;
        } else if (segment == ".") {
            trailing_slash = last;
        } else {
            kept.push_back(segment);
            trailing_slash = false;
        }
        if (last) break;
        start = slash + 1;
    }
    std::string out;
    for (const auto& segment : kept) {
        out += '/';
        out += segment;
    }
    if (trailing_slash || out.empty()) out += '/';
    return out;
}

bool has_scheme(std::string_view reference) {
    const auto colon = reference.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    const auto first_delimiter = reference.find_first_of("/?#");
    if (first_delimiter != std::string_view::npos && first_delimiter < colon) return false;
    for (char c : reference.substr(0, colon))
        if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return false;
    return true;
}

}  // namespace

std::optional<url> url::resolve(std::string_view reference, std::error_code& ec) const {
    ec.clear();
    for (char c : reference)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            ec = error::bad_url;
            return std::nullopt;
        }
    if (const auto hash = reference.find('#'); hash != std::string_view::npos) reference = reference.substr(0, hash);

    std::optional<url> out;
    if (has_scheme(reference)) {
        out = parse(reference, ec);
    } else if (reference.starts_with("//")) {
        out = parse(scheme + ":" + std::string(reference), ec);
    } else {
        out = *this;
        const std::string_view base = target;
        const std::string_view base_path = base.substr(0, base.find('?'));
        if (reference.empty()) {
            // The same resource.
        } else if (reference.front() == '/') {
            out->target = std::string(reference);
        } else if (reference.front() == '?') {
            out->target = std::string(base_path) + std::string(reference);
        } else {
            const auto query = reference.find('?');
            const std::string_view path = reference.substr(0, query);
            const std::string merged = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + std::string(path);
            out->target =
                merged + std::string(query == std::string_view::npos ? std::string_view{} : reference.substr(query));
        }
        return out->resolve_dots();
    }
    if (!out) return std::nullopt;
    if (out->origin() != origin()) return out->resolve_dots();
    if (out->userinfo.empty()) out->userinfo = userinfo;
    return out->resolve_dots();
}

url url::resolve_dots() const {
    url out = *this;
    const auto query = target.find('?');
    out.target = remove_dot_segments(std::string_view(target).substr(0, query)) +
                 (query == std::string::npos ? std::string() : target.substr(query));
    return out;
}

std::optional<url> url::parse(std::string_view text, std::error_code& ec) {
    const auto fail = [&ec](error e) -> std::optional<url> {
        ec = e;
        return std::nullopt;
    };
    ec.clear();
    for (char c : text)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return fail(error::bad_url);

    const auto colon = text.find("://");
    if (colon == std::string_view::npos || colon == 0) return fail(error::bad_url);
    url u;
    u.scheme = lowered(text.substr(0, colon));
    for (char c : u.scheme)
        if (!is_alnum(c) && c != '+' && c != '-' && c != '.') return fail(error::bad_url);
    if (u.scheme != "http" && u.scheme != "https") return fail(error::unsupported_scheme);

    std::string_view rest = text.substr(colon + 3);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    const auto path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    const std::string_view target = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);

    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        u.userinfo = std::string(authority.substr(0, at));
        authority.remove_prefix(at + 1);
    }

    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return fail(error::bad_url);
        const auto host = authority.substr(1, close - 1);
        if (!valid_ipv6(host)) return fail(error::bad_url);
        u.host = lowered(host);
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return fail(error::bad_url);
            port_text = after.substr(1);
        }
    } else {
        const auto c = authority.find(':');
        const auto host = authority.substr(0, c);
        if (!valid_reg_name(host)) return fail(error::bad_url);
        u.host = lowered(host);
        if (c != std::string_view::npos) port_text = authority.substr(c + 1);
    }

    u.port = u.scheme == "https" ? 443 : 80;
    if (!port_text.empty()) {
        unsigned value = 0;
        const auto* end = port_text.data() + port_text.size();
        const auto [ptr, err] = std::from_chars(port_text.data(), end, value);
        if (err != std::errc{} || ptr != end || value == 0 || value > 65535) return fail(error::bad_url);
        u.port = static_cast<std::uint16_t>(value);
    }

    u.target = target.empty() ? "/" : std::string(target);
    if (u.target.front() == '?') u.target.insert(0, "/");
    return u;
}

url url::from(std::string_view text) {
    std::error_code ec;
    auto u = parse(text, ec);
    if (!u) throw std::system_error(ec, std::string(text.substr(0, 64)));
    return *std::move(u);
}

std::string url::authority() const {
    std::string out = ipv6_literal() ? "[" + host + "]" : host;
    if (!default_port()) out += ":" + std::to_string(port);
    return out;
}

std::string url::origin() const { return scheme + "://" + authority(); }

std::string url::text() const {
    return scheme + "://" + (userinfo.empty() ? "" : userinfo + "@") + authority() + target;
}

std::string url::redacted() const {
    const auto q = target.find('?');
    if (q == std::string::npos) return origin() + target;
    return origin() + target.substr(0, q + 1) + redact_query(std::string_view(target).substr(q + 1));
}

}  // namespace ue::net
