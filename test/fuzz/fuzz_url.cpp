// net::url::parse on the input's first line, then url::resolve of the second line against it (a
// redirect's Location), redacted() and origin(). Checks: a parsed URL's text() parses back to the
// same URL; redacted() starts with origin(), which never holds the userinfo, and parses again; a
// resolved URL parses back to itself, has no dot segments left, and keeps the base's userinfo only
// on the base's origin.
#include "update_expected/net/url.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>

using ue::net::url;

namespace {

auto fields(const url& u) { return std::tie(u.scheme, u.userinfo, u.host, u.port, u.target); }

// Parses `text`, which must be a good URL, and demands `u` back.
void round_trip(const url& u) {
    std::error_code ec;
    const auto again = url::parse(u.text(), ec);
    if (!again || ec || fields(*again) != fields(u)) std::abort();
}

void check(const url& u) {
    if (u.scheme != "http" && u.scheme != "https") std::abort();
    if (u.port == 0 || u.target.empty() || u.target.front() != '/') std::abort();
    if (u.target.find('#') != std::string::npos) std::abort();
    round_trip(u);

    const std::string origin = u.origin();
    if (origin.find('@') != std::string::npos) std::abort();
    const std::string redacted = u.redacted();
    if (!redacted.starts_with(origin)) std::abort();
    std::error_code ec;
    const auto shown = url::parse(redacted, ec);
    if (!shown || !shown->userinfo.empty() || shown->origin() != origin) std::abort();
    // Redacting again changes nothing.
    if (shown->redacted() != redacted) std::abort();
}

bool has_dot_segment(std::string_view target) {
    const std::string_view path = target.substr(0, target.find('?'));
    std::size_t start = 1;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto segment = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
        if (segment == "." || segment == "..") return true;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto newline = input.find('\n');
    const std::string_view base_text = input.substr(0, newline);
    const std::string_view reference = newline == std::string_view::npos ? "" : input.substr(newline + 1);

    std::error_code ec;
    const auto base = url::parse(base_text, ec);
    if (!base) {
        if (!ec) std::abort();
        return 0;
    }
    if (ec) std::abort();
    check(*base);

    const auto r = base->resolve(reference, ec);
    if (!r) {
        if (!ec) std::abort();
        return 0;
    }
    if (ec) std::abort();
    check(*r);
    if (has_dot_segment(r->target)) std::abort();
    // The base's credentials never travel to another origin unless the reference itself names them.
    if (!base->userinfo.empty() && r->userinfo == base->userinfo && r->origin() != base->origin() &&
        reference.find(base->userinfo + "@") == std::string_view::npos)
        std::abort();
    // An absolute reference to the result resolves to the result again.
    if (!r->userinfo.empty() || r->origin() != base->origin()) {
        const auto again = base->resolve(r->text(), ec);
        if (!again || fields(*again) != fields(*r)) std::abort();
    }
    return 0;
}
