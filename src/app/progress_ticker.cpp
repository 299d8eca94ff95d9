#include "progress_ticker.hpp"

namespace ue::app {

progress_ticker::progress_ticker(boost::asio::io_context& io, std::ostream& err, bool live)
    : timer_(io), line_(err, live), live_(live) {}

void progress_ticker::start(std::chrono::milliseconds interval) {
    if (running_ || started_ != std::chrono::steady_clock::time_point{}) return;
    started_ = std::chrono::steady_clock::now();
    interval_ = interval;
    if (!live_) return;
    running_ = true;
    draw();
    arm();
}

void progress_ticker::stop() {
    running_ = false;
    timer_.cancel();
    line_.clear();
}

void progress_ticker::draw() {
    counters_.elapsed = std::chrono::steady_clock::now() - started_;
    line_.update(counters_);
}

void progress_ticker::arm() {
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || !running_) return;
        draw();
        arm();
    });
}

}  // namespace ue::app
