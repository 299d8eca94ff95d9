#pragma once

// Private to the app part: the GitHub Actions artifacts of the runs whose reports were not on S3
// (docs/pytorch-ci.md section 3). A run's listing is asked once, when its first shard needs it, and
// answers every shard of that run; nothing is asked for a run whose reports S3 had.

#include "update_expected/net/client.hpp"
#include "update_expected/sources/github.hpp"

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace ue::app {

// What a run's listing says of one artifact name.
struct artifact_lookup {
    enum class kind {
        found,    // listed and not expired: download `id`
        absent,   // the complete listing lacks the name: the job uploaded no such artifact
        expired,  // listed with `expired: true`: its bytes are gone
        failed,   // the listing could not be had: `message` says why
    };
    kind what = kind::absent;
    std::uint64_t id = 0;
    std::string message{};  // failed: one line naming the URL, without credentials
    std::error_code code{};
    unsigned status = 0;  // failed: the HTTP status of a refusal, 0 otherwise
};

// The artifact of `answer` named exactly `name`: a live one wins over expired namesakes.
artifact_lookup look_up(const sources::artifacts_answer& answer, std::string_view name);

class run_artifacts {
public:
    // `api` and `client` must outlive this object; `client` runs on `io`.
    run_artifacts(boost::asio::io_context& io, net::client& client, sources::github_settings api)
        : io_(io), client_(client), api_(std::move(api)) {}

    // Calls `done` with what run `run`'s listing says of `name`: at once when the listing is in,
    // else once it arrives (asking for it the first time a run is named).
    void find(std::uint64_t run, std::string name, std::function<void(artifact_lookup)> done);

    // The listing URL of `run`, as messages name it.
    std::string listing_url(std::uint64_t run) const;

private:
    struct waiter {
        std::string name;
        std::function<void(artifact_lookup)> done;
    };
    struct listing {
        bool arrived = false;
        sources::artifacts_answer answer;
        std::vector<waiter> waiting;
    };
    void arrived(std::uint64_t run, sources::artifacts_answer answer);

    boost::asio::io_context& io_;
    net::client& client_;
    sources::github_settings api_;
    std::map<std::uint64_t, listing> runs_;
};

}  // namespace ue::app
