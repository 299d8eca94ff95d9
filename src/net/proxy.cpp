#include "update_expected/net/proxy.hpp"

#include <array>
#include <cstdlib>
#include <cstring>

#include <boost/asio/ip/address.hpp>

#include "update_expected/net/base64.hpp"
#include "update_expected/net/error.hpp"

#include "ascii.hpp"

namespace ue::net {
namespace {

using detail::ascii_iequal;
using detail::ascii_lower;

const std::string* lookup(const environment& env, std::string_view name) {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
}

// The first of `names` that is set, and its name.
std::pair<const std::string*, std::string_view> first_set(const environment& env,
                                                          std::initializer_list<std::string_view> names) {
    for (const auto name : names)
        if (const auto* value = lookup(env, name)) return {value, name};
    return {nullptr, {}};
}

// `address` inside `network`/`bits`, both of the same family.
bool in_cidr(const boost::asio::ip::address& address, const boost::asio::ip::address& network, unsigned bits) {
    if (address.is_v4() != network.is_v4()) return false;
    const auto compare = [bits](const auto& a, const auto& n) {
        const unsigned total = static_cast<unsigned>(a.size()) * 8;
        if (bits > total) return false;
        for (unsigned i = 0; i < bits; ++i) {
            const unsigned byte = i / 8, mask = 0x80u >> (i % 8);
            if ((a[byte] & mask) != (n[byte] & mask)) return false;
        }
        return true;
    };
    if (address.is_v4()) return compare(address.to_v4().to_bytes(), network.to_v4().to_bytes());
    return compare(address.to_v6().to_bytes(), network.to_v6().to_bytes());
}

bool ip_entry_matches(const boost::asio::ip::address& host, std::string_view entry) {
    // curl 7.88 compares bracketed IPv6 entries as text, so they never match; brackets are dropped
    // here so that "[::1]" means what it says.
    std::string text(entry);
    if (text.size() > 2 && text.front() == '[') {
        const auto close = text.find(']');
        if (close != std::string::npos) text = text.substr(1, close - 1) + text.substr(close + 1);
    }
    const auto slash = text.find('/');
    boost::system::error_code ec;
    const auto network = boost::asio::ip::make_address(text.substr(0, slash), ec);
    if (ec) return false;
    if (slash == std::string::npos) return network == host;
    const std::string bits_text = text.substr(slash + 1);
    if (bits_text.empty() || bits_text.size() > 3 || bits_text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    return in_cidr(host, network, static_cast<unsigned>(std::stoul(bits_text)));
}

bool name_entry_matches(std::string_view host, std::string_view entry) {
    if (!entry.empty() && entry.back() == '.') entry.remove_suffix(1);
    if (!entry.empty() && entry.front() == '.') entry.remove_prefix(1);
    if (entry.empty()) return false;
    if (entry.size() == host.size()) return ascii_iequal(entry, host);
    return entry.size() < host.size() && host[host.size() - entry.size() - 1] == '.' &&
           ascii_iequal(entry, host.substr(host.size() - entry.size()));
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    c = ascii_lower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string percent_decoded(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Whether the authority of `text` (after "://") names a port.
bool names_port(std::string_view text) {
    std::string_view rest = text.substr(text.find("://") + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    if (const auto close = rest.rfind(']'); close != std::string_view::npos) rest.remove_prefix(close);
    return rest.find(':') != std::string_view::npos;
}

}  // namespace

environment proxy_environment() {
    environment env;
    for (const char* name :
         {"https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"})
        if (const char* value = std::getenv(name)) env.emplace(name, value);
    return env;
}

bool no_proxy_matches(std::string_view host, std::string_view no_proxy) {
    if (no_proxy == "*") return true;
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address(std::string(host), ec);
    const bool is_ip = !ec;
    constexpr std::string_view separators = ", \t\r\n";
    while (!no_proxy.empty()) {
        const auto begin = no_proxy.find_first_not_of(separators);
        if (begin == std::string_view::npos) break;
        no_proxy.remove_prefix(begin);
        const auto end = no_proxy.find_first_of(separators);
        const std::string_view entry = no_proxy.substr(0, end);
        no_proxy.remove_prefix(end == std::string_view::npos ? no_proxy.size() : end);
        if (is_ip ? ip_entry_matches(address, entry) : name_entry_matches(host, entry)) return true;
    }
    return false;
}

proxy_choice proxy_for(const url& target, const environment& env, std::error_code& ec, std::string& detail) {
    ec.clear();
    detail.clear();
    proxy_choice choice;
    if (const auto [exempt, name] = first_set(env, {"no_proxy", "NO_PROXY"});
        exempt && no_proxy_matches(target.host, *exempt))
        return choice;

    auto [value, name] = target.tls() ? first_set(env, {"https_proxy", "HTTPS_PROXY"}) : first_set(env, {"http_proxy"});
    if (!value) std::tie(value, name) = first_set(env, {"all_proxy", "ALL_PROXY"});
    if (!value || value->empty()) return choice;
    choice.variable = std::string(name);

    std::string text = *value;
    if (text.find("://") == std::string::npos) text = "http://" + text;
    std::error_code parse_ec;
    auto proxy = url::parse(text, parse_ec);
    if (!proxy || proxy->scheme != "http") {
        ec = error::bad_proxy;
        detail = proxy ? choice.variable + " names a " + proxy->scheme + ":// proxy; only http:// proxies are supported"
                       : choice.variable + " is not a proxy URL";
        return choice;
    }
    if (!names_port(text)) proxy->port = 1080;
    proxy->target = "/";
    choice.proxy = std::move(proxy);
    return choice;
}

std::optional<std::string> proxy_authorization(const url& proxy) {
    if (proxy.userinfo.empty()) return std::nullopt;
    const std::string_view info = proxy.userinfo;
    const auto colon = info.find(':');
    return basic_credentials(percent_decoded(info.substr(0, colon)),
                             colon == std::string_view::npos ? std::string() : percent_decoded(info.substr(colon + 1)));
}

}  // namespace ue::net
