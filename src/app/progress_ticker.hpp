#pragma once

#include "update_expected/report/progress.hpp"

#include <chrono>
#include <ostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace ue::app {

// The live progress line (--progress) redrawn by a timer on the pipeline's own event loop, so
// that it moves while transfers are slow or retrying. The pipeline updates counters() as
// artifacts are planned, receive bytes and finish; the ticker adds the elapsed time.
// When not live it neither draws nor arms its timer: nothing reaches the stream, ever.
class progress_ticker {
public:
    // `err` must outlive the ticker.
    progress_ticker(boost::asio::io_context& io, std::ostream& err, bool live);

    report::progress_counters& counters() noexcept { return counters_; }

    // The first transfer starts: the clock of rate and ETA starts, the line is drawn and then
    // redrawn every `interval` until stop(). Later calls do nothing.
    void start(std::chrono::milliseconds interval = std::chrono::milliseconds(200));
    // Before any other line goes to the same stream: erases the bar (the next tick redraws it).
    void clear() { line_.clear(); }
    // Nothing more to show: the timer stops (it no longer keeps the loop alive) and the bar goes.
    void stop();

private:
    void draw();
    void arm();

    boost::asio::steady_timer timer_;
    report::progress_line line_;
    bool live_;
    bool running_ = false;
    std::chrono::milliseconds interval_{200};
    std::chrono::steady_clock::time_point started_{};
    report::progress_counters counters_;
};

}  // namespace ue::app
