#pragma once

// Drives a push reader over an input cut into pieces, so every test can demand that the result
// does not depend on where the input was cut.

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace ue::csv::test {

// Cut points for `size` bytes: none, one at `at`, or every `step` bytes.
struct cuts {
    std::size_t at = 0;    // 0: no single cut
    std::size_t step = 0;  // 0: no regular cuts
};

// Feeds `input` to `reader` in the pieces `c` describes, then finishes. `take` is called after
// every event with the reader; the loop stops at the first error, which is returned.
template <class Reader, class Take>
std::error_code drive(Reader& reader, std::string_view input, cuts c, Take take) {
    std::vector<std::string_view> pieces;
    if (c.step != 0) {
        for (std::size_t i = 0; i < input.size(); i += c.step) pieces.push_back(input.substr(i, c.step));
    } else if (c.at != 0) {
        pieces = {input.substr(0, c.at), input.substr(c.at)};
    } else {
        pieces = {input};
    }
    std::error_code ec;
    for (std::string_view piece : pieces) {
        // Each piece goes in its own buffer so that ASan sees any read past its end.
        const std::string copy(piece);
        std::string_view rest = copy;
        while (!rest.empty()) {
            rest.remove_prefix(reader.feed(rest, ec));
            if (ec) return ec;
            take(reader);
        }
    }
    reader.finish(ec);
    if (!ec) take(reader);
    return ec;
}

}  // namespace ue::csv::test
