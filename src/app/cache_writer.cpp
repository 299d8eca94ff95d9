#include "cache_writer.hpp"

#include <utility>

#include <boost/asio/post.hpp>

namespace ue::app {

cache_writer::cache_writer(std::filesystem::path dir) : cache_(dir), answers_(std::move(dir)) {}

cache_writer::~cache_writer() { finish(); }

void cache_writer::store(cache::cached_artifact artifact) {
    boost::asio::post(thread_, [this, artifact = std::move(artifact)] {
        cache::error_info why;
        if (cache_.store(artifact, &why)) {
            if (outcome_.failed++ == 0) outcome_.first_failure = why.describe();
        } else {
            ++outcome_.stored;
        }
    });
}

void cache_writer::store(std::string url, cache::cached_answer answer) {
    boost::asio::post(thread_, [this, url = std::move(url), answer = std::move(answer)] {
        cache::error_info why;
        if (answers_.store(url, answer, &why) && outcome_.answers_failed++ == 0)
            outcome_.first_answer_failure = why.describe();
    });
}

cache_writer::outcome cache_writer::finish() {
    if (!finished_) {
        thread_.join();
        finished_ = true;
    }
    return outcome_;
}

}  // namespace ue::app
