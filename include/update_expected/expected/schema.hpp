#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ue::expected {

// The columns of one expected file, in file order, and where `name` is among them.
// Rows of a table or file hold exactly one value per column, in this order.
struct schema {
    std::vector<std::string> columns;
    std::size_t name_index = 0;

    // A header is a schema only when it has a `name` column (the first one counts when it repeats);
    // otherwise nullopt, and the caller warns and resolves as if there were no file.
    static std::optional<schema> from_header(std::vector<std::string> header);

    friend bool operator==(const schema&, const schema&) = default;
};

// `name,accuracy,graph_breaks`: the columns of a new file when the user asks for none.
schema default_schema();

// docs/pytorch-ci.md section 6: the existing file's header wins; else the user's `--columns` (already
// checked by the command line to start with `name`); else the default.
schema resolve_schema(std::optional<schema> existing, std::optional<schema> requested);

}  // namespace ue::expected
