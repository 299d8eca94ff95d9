#pragma once

#include "update_expected/cache/answer_cache.hpp"
#include "update_expected/cache/artifact_cache.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

#include <boost/asio/thread_pool.hpp>

namespace ue::app {

// Fills the rerun cache on a thread of its own. Each store fsyncs the entry and its directory
// (~10 ms): on the event loop that would stall every transfer once per artifact, and after the
// loop it would add ~1 s to a full run of ~80 artifacts. Stores run in the order given.
//
// Threading: construct, store() and finish() on the pipeline's thread. The cache object is used
// only by the writer thread after construction; the counters are read after finish() joined it.
class cache_writer {
public:
    // `dir` as for artifact_cache (created when missing).
    explicit cache_writer(std::filesystem::path dir);
    ~cache_writer();  // waits for the stores still queued
    cache_writer(const cache_writer&) = delete;
    cache_writer& operator=(const cache_writer&) = delete;

    // Queues `artifact`, which must have been read without any error (artifact_cache's contract).
    void store(cache::cached_artifact artifact);
    // Queues a GitHub API answer (answer_cache), in the same directory.
    void store(std::string url, cache::cached_answer answer);

    struct outcome {
        std::size_t stored = 0;
        std::size_t failed = 0;
        std::string first_failure;  // artifact_cache's error_info::describe() of the first failure
        std::size_t answers_failed = 0;
        std::string first_answer_failure;
    };
    // Waits for every queued store and says how they went. Call once; store() no more after it.
    outcome finish();

private:
    cache::artifact_cache cache_;
    cache::answer_cache answers_;
    boost::asio::thread_pool thread_{1};
    outcome outcome_;
    bool finished_ = false;
};

}  // namespace ue::app
