#pragma once

#include "update_expected/expected/schema.hpp"
#include "update_expected/expected/table.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ue::expected {

// The bytes of an expected file (docs/pytorch-ci.md section 6): the header, then the rows stably sorted by name in
// byte order (equal names keep the order given: shard order for a table's rows); a field is quoted
// only when it holds a comma, a quote or a line break, quotes doubled; every line is followed by
// three blank lines except the last, which ends the file with a single newline. No rows gives a
// header-only file. Precondition: every row has one value per column.
std::string format_expected_file(const schema& columns, std::vector<row> rows);

// The --allow-partial merge (docs/command.md) of an incomplete (suite, phase) into its existing file, both
// in the same schema: every name that arrived replaces *all* existing rows of that name with *all*
// arrived rows of that name (shard order); every existing row whose name did not arrive stays, in
// file order. So a duplicated name is never half-replaced, and rows of one name all come from one
// side. Returns existing survivors then arrivals; format_expected_file() sorts them.
std::vector<row> merge_partial(std::vector<row> existing, std::vector<row> arrived, std::size_t name_index);

}  // namespace ue::expected
