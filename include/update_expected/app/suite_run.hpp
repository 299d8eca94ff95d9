#pragma once

// The decisions of one (baseline, suite) during a refresh, without any I/O (docs/design.md, "the
// refresh"): which candidate's artifact a shard tries next, when a shard has ended and how, and
// once every shard has ended, which phases are written and which are reported incomplete, failed
// or pending (docs/pytorch-ci.md sections 2 and 6). The refresh turns network and cache results
// into these events and carries out the steps they return; tests drive it directly.

#include "update_expected/app/exit_code.hpp"
#include "update_expected/expected/table.hpp"
#include "update_expected/jobs/selection.hpp"
#include "update_expected/report/summary.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ue::app {

// Where a shard stands.
enum class shard_state {
    waiting,    // not started
    fetching,   // a candidate's artifact is being fetched (or read from the rerun cache)
    delivered,  // its artifact was read without error: its rows count
    missing,    // no candidate's artifact is there (or it has no candidate at all)
    failed,     // an artifact was corrupt or could not be had: never replaced by an older one
    pending,    // the candidate to try has not completed: its artifact may still come
};

// Where a candidate's reports may be, in the order they are looked for (docs/pytorch-ci.md section
// 3): its S3 object, then the GitHub Actions artifact of its run that holds them when the S3 upload
// failed.
enum class place { s3, github };

// Fetch the artifact of candidate `candidate` (an index into plan().shards[shard - 1], newest
// first) for `shard` from `where`.
struct fetch_step {
    unsigned shard = 0;
    std::size_t candidate = 0;
    place where = place::s3;
};

// A shard whose job has not completed, and that job.
struct pending_shard {
    unsigned shard = 0;
    jobs::job_row job{};
};

// What becomes of one phase of the suite.
struct phase_verdict {
    report::file_result file{};
    // Write the file: a complete phase (status written), or with --allow-partial an incomplete one
    // merged into its file (merged, status incomplete or failed). Else it is only reported.
    bool write = false;
};

// What becomes of the suite once every shard has ended.
struct suite_verdict {
    // In the order the phases were declared. After interrupt(), complete phases are left out.
    std::vector<phase_verdict> phases{};
    // Shards whose job has not completed: when there are any, no phase is written at all.
    std::vector<pending_shard> pending{};
    exit_code code = exit_code::ok;  // the suite's part of the exit status
};

// What one event leads to: fetches to start, and the verdict when the event ended the last shard.
struct suite_step {
    std::vector<fetch_step> fetches{};
    std::optional<suite_verdict> verdict{};
};

class suite_run {
public:
    struct options {
        bool allow_partial = false;  // merge incomplete phases into their files (--allow-partial)
        // After S3, look among the run's GitHub artifacts before the next older candidate
        // (not --no-github-artifacts).
        bool github_artifacts = false;
    };

    // Precondition: plan.shard_count >= 1 and plan.shards.size() == plan.shard_count.
    explicit suite_run(jobs::suite_plan plan, options opts);

    const jobs::suite_plan& plan() const noexcept { return plan_; }
    // The rows of the suite. The caller declares the phases before start() and stages each
    // artifact's rows into it while reading; the events commit or discard them.
    expected::suite_tables& tables() noexcept { return tables_; }
    const expected::suite_tables& tables() const noexcept { return tables_; }
    // `inductor_timm`, or `rocm/inductor_timm` for the ROCm baseline.
    std::string label() const;
    shard_state state(unsigned shard) const;
    // The candidate a shard tries (fetching) or ended with. Precondition: the shard has one.
    const jobs::candidate& candidate(unsigned shard) const;
    // Where that candidate's artifact is looked for (fetching) or was last looked for.
    place where(unsigned shard) const { return at(shard).where; }

    // ---- events; each returns what to do next ----

    // The suite's expected files were read and its phases declared: every shard with a candidate
    // fetches its newest one; one without is missing; one whose newest job has not completed is
    // pending.
    suite_step start();
    // Its expected files cannot be replaced safely (`reason`): every shard fails, nothing is fetched.
    suite_step start_refused(std::string reason);
    // The artifact being fetched for `shard` was read without a zip or CSV error.
    suite_step delivered(unsigned shard);
    // The artifact being fetched for `shard` is not there: the same candidate's GitHub artifact is
    // fetched (after S3, with options::github_artifacts), else the next older candidate, or the
    // shard is pending (that candidate has not completed) or missing (none is left). After
    // interrupt() the shard fails instead.
    suite_step missing(unsigned shard);
    // The artifact being fetched for `shard` is corrupt or could not be had (`reason`, one line a
    // user can act on), from either place. An older candidate is never tried: it would publish
    // stale rows.
    suite_step failed(unsigned shard, std::string reason);
    // The run was interrupted: from now on no file is written and no older candidate is tried.
    void interrupt() noexcept { interrupted_ = true; }

private:
    struct shard {
        shard_state state = shard_state::waiting;
        std::size_t candidate = 0;
        place where = place::s3;
        std::string reason;  // failed: why
    };

    // Starts candidate `c` of `s` at S3, or ends the shard when that candidate has not completed.
    void try_candidate(unsigned s, std::size_t c, suite_step& step);
    void try_place(unsigned s, place p, suite_step& step);
    void end(unsigned s, shard_state how, suite_step& step);
    shard& at(unsigned s);
    const shard& at(unsigned s) const;
    suite_verdict decide() const;
    report::file_result result(const std::string& phase, report::file_status status) const;
    report::file_result incomplete_result(const std::string& phase) const;

    jobs::suite_plan plan_;
    options options_;
    expected::suite_tables tables_;
    std::vector<shard> shards_;  // index shard - 1
    bool interrupted_ = false;
};

}  // namespace ue::app
