#include "file_writer.hpp"

#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace ue::app {

file_writer::file_writer(boost::asio::io_context& loop) : loop_(loop) {}

file_writer::~file_writer() { thread_.join(); }

void file_writer::replace(std::filesystem::path path, std::string content, expected::replace_options options,
                          completion done) {
    boost::asio::post(thread_, [&loop = loop_, work = boost::asio::make_work_guard(loop_), path = std::move(path),
                                content = std::move(content), options, done = std::move(done)]() mutable {
        auto written = expected::replace_file(path, content, options);
        boost::asio::post(loop, [work = std::move(work), done = std::move(done),
                                 written = std::move(written)]() mutable { done(std::move(written)); });
    });
}

}  // namespace ue::app
