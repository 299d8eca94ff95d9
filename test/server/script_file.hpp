#pragma once
// Scripted answers for a server from a JSON file, for the offline demo and bench/:
//
// {
//   "responses": [
//     {"method": "POST", "target": "/query", "status": 200,
//      "json": {"rows": []},                        // sent as compact JSON, or:
//      "body": "raw text",                          // sent as is
//      "headers": {"Retry-After": "1"}}             // optional
//   ],
//   "generated": [{"path": "/big.bin", "size": 1048576, "seed": 1}],
//   "faults": [{"path": "/big.bin", "spec": "503*2,reset:70000"}]   // see fault_spec.hpp
// }
//
// "method" defaults to GET and "status" to 200; "target" follows server::add_response's rules.

#include "test_server.hpp"

#include <filesystem>
#include <string_view>

namespace ue::testing {

// Adds every entry of `json_text` to `s`. Throws std::runtime_error naming the entry on bad input.
void apply_script(server& s, std::string_view json_text);

// Reads `path` and applies it; the error message names the file.
void load_script(server& s, const std::filesystem::path& path);

}  // namespace ue::testing
