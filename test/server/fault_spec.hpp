#pragma once
// Faults written as text, for `ue-test-server --fault PATH=SPEC` and the "faults" of a script file,
// so shell benchmarks and end-to-end tests can script the same misbehaviours as in-process tests.
//
// SPEC is a comma-separated list of faults, consumed in order by the requests for PATH; each may end
// in `*K` to repeat it K times:
//   NNN                    status NNN (e.g. 500, 503, 429, 403, 404), empty body
//   NNN:retry-after=S      the same with `Retry-After: S`
//   reset:N                headers and N body bytes, then a TCP reset
//   truncate:N             headers and N body bytes, then a clean close
//   stall                  read the request, answer nothing
//   stall:N                headers and N body bytes, then nothing
//   drip:BYTES:MS          the body BYTES at a time, MS milliseconds apart
//   corrupt:OFFSET         the byte at OFFSET of the content inverted
//   redirect:NNN:LOCATION  NNN (301, 302, 303, 307, 308) to LOCATION (a path or an absolute URL,
//                          without commas)
//   garbage                200 with a body that is not JSON
//   full                   the whole content with 200, ignoring Range
// Example: `/a.zip=503:retry-after=1*2,reset:70000`.

#include "test_server.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ue::testing {

// Parses a SPEC list. Throws std::invalid_argument naming the bad item.
std::vector<fault> parse_faults(std::string_view spec);

// Parses "PATH=SPEC": the path (starting with '/') and its faults. Throws std::invalid_argument.
std::pair<std::string, std::vector<fault>> parse_fault_option(std::string_view option);

}  // namespace ue::testing
