// net::proxy_for and net::no_proxy_matches on an environment built from the input. The first line
// is the target URL; each further line is `K VALUE`, K a digit naming the variable (0 https_proxy,
// 1 HTTPS_PROXY, 2 http_proxy, 3 all_proxy, 4 ALL_PROXY, 5 no_proxy, 6 NO_PROXY; other digits are
// ignored), VALUE its value (possibly empty). Checks: a host exempted by the NO_PROXY list that
// decides goes straight; a chosen proxy is http://, targets "/", came from a set non-empty variable
// of the right kind, and has Basic credentials exactly when it has userinfo; a refusal names the
// variable; "*", the host itself and its own address range always match.
#include "update_expected/net/error.hpp"
#include "update_expected/net/proxy.hpp"
#include "update_expected/net/url.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace ue::net;

namespace {

constexpr std::array<std::string_view, 7> names{"https_proxy", "HTTPS_PROXY", "http_proxy", "all_proxy",
                                                "ALL_PROXY",   "no_proxy",    "NO_PROXY"};

const std::string* lookup(const environment& env, std::string_view name) {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : &it->second;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = std::min(input.find('\n'), input.size());
    std::error_code ec;
    const auto target = url::parse(input.substr(0, newline), ec);
    if (!target) return 0;
    input.remove_prefix(std::min(newline + 1, input.size()));

    environment env;
    while (!input.empty()) {
        const auto end = std::min(input.find('\n'), input.size());
        const std::string_view line = input.substr(0, end);
        input.remove_prefix(std::min(end + 1, input.size()));
        if (line.empty() || line[0] < '0' || line[0] > '6') continue;
        env.insert_or_assign(std::string(names[line[0] - '0']),
                             std::string(line.substr(std::min<std::size_t>(2, line.size()))));
    }

    std::string detail;
    const proxy_choice choice = proxy_for(*target, env, ec, detail);
    const std::string* no_proxy = lookup(env, "no_proxy");
    if (no_proxy == nullptr) no_proxy = lookup(env, "NO_PROXY");
    const bool exempt = no_proxy != nullptr && no_proxy_matches(target->host, *no_proxy);
    if (ec) {
        if (ec != error::bad_proxy || exempt || choice.proxy || detail.empty() || choice.variable.empty() ||
            !detail.starts_with(choice.variable))
            std::abort();
    } else if (choice.proxy) {
        if (exempt || !detail.empty() || choice.proxy->scheme != "http" || choice.proxy->target != "/") std::abort();
        const std::string* value = lookup(env, choice.variable);
        if (value == nullptr || value->empty()) std::abort();
        const bool fits = choice.variable.ends_with("all_proxy") || choice.variable.ends_with("ALL_PROXY") ||
                          (target->tls() ? choice.variable == "https_proxy" || choice.variable == "HTTPS_PROXY"
                                         : choice.variable == "http_proxy");
        if (!fits) std::abort();
        const auto credentials = proxy_authorization(*choice.proxy);
        if (credentials.has_value() == choice.proxy->userinfo.empty()) std::abort();
        if (credentials && !credentials->starts_with("Basic ")) std::abort();
    }

    if (!no_proxy_matches(target->host, "*")) std::abort();
    if (no_proxy != nullptr && no_proxy_matches(target->host, *no_proxy) != exempt) std::abort();
    const std::string& host = target->host;
    if (!host.starts_with('.') && !host.ends_with('.')) {
        if (!no_proxy_matches(host, host) || !no_proxy_matches(host, "example.invalid, " + host + " ,x")) std::abort();
        if (target->ipv6_literal() && !no_proxy_matches(host, "[" + host + "]")) std::abort();
        // A host name never matches a longer name ending in it.
        if (no_proxy_matches(host, "x" + host)) std::abort();
    }
    return 0;
}
