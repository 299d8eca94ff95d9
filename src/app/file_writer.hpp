#pragma once

#include "update_expected/expected/atomic_file.hpp"

#include <filesystem>
#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

namespace ue::app {

// Writes expected files (expected::replace_file: temporary file, fsync, rename, directory fsync)
// on a thread of its own. On the event loop each write stalled every transfer for as long as the
// file system took to create and sync the file (on a busy ext4, milliseconds per file, ~65 files).
// Writes run in the order given; each completion is posted to the loop and keeps it running until
// it has been called, so the loop cannot run dry with a write's outcome still unreported.
//
// Threading: construct, replace() and destroy on the loop's thread. Completions run on the loop's
// thread. The destructor waits for the writes still queued.
class file_writer {
public:
    using completion = std::function<void(expected::result<expected::replace_status>)>;

    explicit file_writer(boost::asio::io_context& loop);
    ~file_writer();
    file_writer(const file_writer&) = delete;
    file_writer& operator=(const file_writer&) = delete;

    void replace(std::filesystem::path path, std::string content, expected::replace_options options, completion done);

private:
    boost::asio::io_context& loop_;
    boost::asio::thread_pool thread_{1};
};

}  // namespace ue::app
