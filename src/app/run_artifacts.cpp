#include "run_artifacts.hpp"

#include "update_expected/jobs/error.hpp"
#include "update_expected/sources/github_api.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ue::app {

artifact_lookup look_up(const sources::artifacts_answer& answer, std::string_view name) {
    if (!answer.ok()) {
        return {.what = artifact_lookup::kind::failed,
                .message = answer.message,
                .code = answer.code,
                .status = answer.status};
    }
    artifact_lookup out;
    for (const auto& a : answer.artifacts) {
        if (a.name != name) continue;
        if (!a.expired) return {.what = artifact_lookup::kind::found, .id = a.id};
        out.what = artifact_lookup::kind::expired;
    }
    // Listed, but its entry could not be read: not "absent", which would let an older job stand in.
    if (std::find(answer.unreadable.begin(), answer.unreadable.end(), name) != answer.unreadable.end()) {
        return {.what = artifact_lookup::kind::failed,
                .message = fmt::format("the run's artifacts listing has an entry named {} that cannot be read", name),
                .code = jobs::error::wrong_shape};
    }
    return out;
}

void run_artifacts::find(std::uint64_t run, std::string name, std::function<void(artifact_lookup)> done) {
    const auto [it, first] = runs_.try_emplace(run);
    listing& l = it->second;
    if (l.arrived) return done(look_up(l.answer, name));
    l.waiting.push_back({std::move(name), std::move(done)});
    if (!first) return;
    sources::list_run_artifacts(io_, client_, api_, run,
                                [this, run](sources::artifacts_answer answer) { arrived(run, std::move(answer)); });
}

std::string run_artifacts::listing_url(std::uint64_t run) const {
    return sources::run_artifacts_url(api_.api_base, api_.repo, run).redacted();
}

void run_artifacts::arrived(std::uint64_t run, sources::artifacts_answer answer) {
    listing& l = runs_.at(run);
    l.arrived = true;
    l.answer = std::move(answer);
    // A waiter's completion may name this run again (another shard): it finds the listing in.
    auto waiting = std::move(l.waiting);
    for (auto& w : waiting) w.done(look_up(l.answer, w.name));
}

}  // namespace ue::app
