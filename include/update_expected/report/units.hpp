#pragma once

#include <cstdint>
#include <string>

namespace ue::report {

// A byte count for people, in binary units: `512 B`, `1.0 KiB`, `12.4 MiB`, `3.2 GiB`, up to TiB.
// One decimal, rounded to nearest; the unit is chosen after rounding, so 1048575 bytes is `1.0 MiB`,
// never `1024.0 KiB`.
std::string format_bytes(std::uint64_t bytes);

}  // namespace ue::report
