#pragma once

#include "update_expected/expected/schema.hpp"
#include "update_expected/jobs/baseline.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ue::expected {

// One value per schema column, in schema order.
using row = std::vector<std::string>;

// Whether a (suite, phase) can be written (docs/pytorch-ci.md section 6).
enum class phase_status {
    complete,  // every shard delivered the phase: write the file
    partial,   // some shards delivered it, others did not: not written (merged with --allow-partial)
    absent,    // no shard delivered it: nothing to write and nothing missing to report
};

// The rows of one (baseline, suite) for each of its phases, collected per shard.
//
// A shard *delivers* a phase only when its whole artifact was read without a zip or CSV error and
// held that phase's entry. So rows and entries are staged per shard while its artifact is read, and
// the artifact's outcome decides: commit() makes all of them count, discard() drops all of them.
// Shards are numbered 1..shard_count as in the job name. Sans-IO; the caller owns the sequencing.
class suite_tables {
public:
    // Precondition: shard_count >= 1.
    explicit suite_tables(unsigned shard_count);

    // Declares a phase and its columns (resolved from the existing file, see schema.hpp) before any
    // row of it is staged. Precondition: the phase is not declared yet.
    void add_phase(std::string phase, schema columns);

    // The artifact of `shard` holds the entry of `phase` (even if the entry has no rows).
    void stage_entry(unsigned shard, std::string_view phase);
    // A row of that entry (also stages the entry). Precondition: values.size() equals the phase's
    // column count.
    void stage_row(unsigned shard, std::string_view phase, row values);
    // The artifact is being read again from its start (a retried transfer): drops what was staged.
    void reset(unsigned shard);
    // The artifact finished cleanly: every staged entry and row of `shard` counts.
    void commit(unsigned shard);
    // The artifact failed or is missing: the shard delivers nothing; staged rows are dropped.
    void discard(unsigned shard);

    // Preconditions of the staging calls and commit/discard: 1 <= shard <= shard_count(), the shard
    // is not finished (committed or discarded) yet, and the phase is declared. Violations throw
    // std::logic_error (std::out_of_range for the shard number).

    unsigned shard_count() const noexcept { return shard_count_; }
    // Every shard committed or discarded: the suite's files can be decided now.
    bool all_in() const noexcept;
    // Declared phases, in declaration order.
    std::vector<std::string> phases() const;

    const schema& columns(std::string_view phase) const;
    phase_status status(std::string_view phase) const;
    // Shards that did not deliver the phase (yet), ascending.
    std::vector<unsigned> missing_shards(std::string_view phase) const;
    // The delivered rows in shard order, then arrival order within a shard (the order equal names
    // keep when written; see file_format.hpp).
    std::vector<row> rows(std::string_view phase) const;

private:
    struct shard_rows {
        bool has_entry = false;
        std::vector<row> rows;
    };
    struct phase_table {
        std::string name;
        expected::schema schema;
        std::vector<shard_rows> staged;     // index shard - 1
        std::vector<shard_rows> delivered;  // index shard - 1
    };
    enum class shard_state { reading, committed, discarded };

    std::size_t open_shard(unsigned shard) const;
    phase_table& find(std::string_view phase);
    const phase_table& find(std::string_view phase) const;

    unsigned shard_count_;
    std::vector<shard_state> shards_;  // index shard - 1
    std::vector<phase_table> phases_;
};

}  // namespace ue::expected
