#include "update_expected/app/suite_run.hpp"

#include <stdexcept>
#include <utility>

#include <fmt/format.h>

namespace ue::app {

suite_run::suite_run(jobs::suite_plan plan, options opts)
    : plan_(std::move(plan)), options_(opts), tables_(plan_.shard_count), shards_(plan_.shard_count) {}

std::string suite_run::label() const { return (plan_.base == jobs::baseline::rocm ? "rocm/" : "") + plan_.suite; }

shard_state suite_run::state(unsigned s) const { return at(s).state; }

const jobs::candidate& suite_run::candidate(unsigned s) const { return plan_.shards.at(s - 1).at(at(s).candidate); }

suite_step suite_run::start() {
    suite_step step;
    for (unsigned s = 1; s <= plan_.shard_count; ++s) {
        if (plan_.shards[s - 1].empty()) {
            end(s, shard_state::missing, step);
        } else {
            try_candidate(s, 0, step);
        }
    }
    return step;
}

suite_step suite_run::start_refused(std::string reason) {
    suite_step step;
    for (unsigned s = 1; s <= plan_.shard_count; ++s) {
        at(s).reason = reason;
        end(s, shard_state::failed, step);
    }
    return step;
}

suite_step suite_run::delivered(unsigned s) {
    suite_step step;
    end(s, shard_state::delivered, step);
    return step;
}

suite_step suite_run::missing(unsigned s) {
    suite_step step;
    if (interrupted_) {
        at(s).reason = "interrupted";
        end(s, shard_state::failed, step);
    } else if (at(s).where == place::s3 && options_.github_artifacts) {
        try_place(s, place::github, step);
    } else if (const std::size_t next = at(s).candidate + 1; next < plan_.shards[s - 1].size()) {
        try_candidate(s, next, step);
    } else {
        end(s, shard_state::missing, step);
    }
    return step;
}

suite_step suite_run::failed(unsigned s, std::string reason) {
    suite_step step;
    at(s).reason = std::move(reason);
    end(s, shard_state::failed, step);
    return step;
}

// A candidate that has not completed may still upload its artifact: neither fetched nor replaced
// by an older job's (docs/pytorch-ci.md section 2).
void suite_run::try_candidate(unsigned s, std::size_t c, suite_step& step) {
    at(s).candidate = c;
    at(s).where = place::s3;
    if (!plan_.shards[s - 1][c].row.completed) return end(s, shard_state::pending, step);
    try_place(s, place::s3, step);
}

void suite_run::try_place(unsigned s, place p, suite_step& step) {
    shard& sh = at(s);
    sh.state = shard_state::fetching;
    sh.where = p;
    step.fetches.push_back({.shard = s, .candidate = sh.candidate, .where = p});
}

void suite_run::end(unsigned s, shard_state how, suite_step& step) {
    shard& sh = at(s);
    if (sh.state != shard_state::waiting && sh.state != shard_state::fetching) {
        throw std::logic_error(fmt::format("{} shard {}: ended twice", label(), s));
    }
    sh.state = how;
    if (how == shard_state::delivered) {
        tables_.commit(s);
    } else {
        tables_.discard(s);
    }
    if (tables_.all_in()) step.verdict = decide();
}

suite_run::shard& suite_run::at(unsigned s) { return shards_.at(s - 1); }

const suite_run::shard& suite_run::at(unsigned s) const { return shards_.at(s - 1); }

// A suite with a shard whose job has not completed is not written at all, even with
// --allow-partial: the run is to be repeated once the job is done (exit 75).
suite_verdict suite_run::decide() const {
    suite_verdict verdict;
    for (unsigned s = 1; s <= plan_.shard_count; ++s) {
        if (at(s).state == shard_state::pending) verdict.pending.push_back({.shard = s, .job = candidate(s).row});
    }
    if (!verdict.pending.empty()) {
        for (const auto& phase : tables_.phases()) {
            auto file = result(phase, report::file_status::incomplete);
            for (unsigned s : tables_.missing_shards(phase)) {
                (at(s).state == shard_state::pending ? file.pending_shards : file.missing_shards).push_back(s);
            }
            verdict.phases.push_back({.file = std::move(file), .write = false});
        }
        verdict.code = exit_code::try_again;
        return verdict;
    }
    for (const auto& phase : tables_.phases()) {
        switch (tables_.status(phase)) {
            case expected::phase_status::complete:
                if (!interrupted_)
                    verdict.phases.push_back({.file = result(phase, report::file_status::written), .write = true});
                break;
            case expected::phase_status::partial:
                verdict.code = exit_code::incomplete;
                if (options_.allow_partial && !interrupted_) {
                    auto file = incomplete_result(phase);
                    file.merged = true;
                    verdict.phases.push_back({.file = std::move(file), .write = true});
                } else {
                    verdict.phases.push_back({.file = incomplete_result(phase), .write = false});
                }
                break;
            case expected::phase_status::absent: break;
        }
    }
    // A suite whose shards all failed has no phase at all to report: still incomplete.
    for (const auto& sh : shards_) {
        if (sh.state != shard_state::delivered) verdict.code = exit_code::incomplete;
    }
    return verdict;
}

report::file_result suite_run::result(const std::string& phase, report::file_status status) const {
    return {.baseline = plan_.base,
            .suite = plan_.suite,
            .phase = phase,
            .status = status,
            .shard_count = plan_.shard_count};
}

// A phase some shards did not deliver: incomplete when their artifacts were not there, failed (with
// the first failed shard's reason) when one was corrupt or could not be had.
report::file_result suite_run::incomplete_result(const std::string& phase) const {
    auto file = result(phase, report::file_status::incomplete);
    for (unsigned s : tables_.missing_shards(phase)) {
        if (at(s).state == shard_state::failed && file.reason.empty()) {
            file.status = report::file_status::failed;
            file.reason = fmt::format("shard {}/{}: {}", s, plan_.shard_count, at(s).reason);
        }
        file.missing_shards.push_back(s);
    }
    if (file.status == report::file_status::failed) file.missing_shards.clear();
    return file;
}

}  // namespace ue::app
