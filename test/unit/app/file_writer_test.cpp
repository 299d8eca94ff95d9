// The file writer: expected files written off the loop, outcomes reported on it.

#include "file_writer.hpp"

#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

namespace ue::app {
namespace {

using ue::test::read_text;
using ue::test::temp_dir;

TEST(FileWriter, WritesOffTheLoopAndReportsOnIt) {
    temp_dir dir;
    boost::asio::io_context loop;
    std::vector<std::string> order;
    std::optional<std::thread::id> reported_on;
    {
        file_writer writer(loop);
        for (const char* name : {"a.csv", "b.csv"}) {
            writer.replace(dir.path() / name, std::string("content of ") + name, {}, [&, name](auto written) {
                EXPECT_TRUE(written) << written.error().message;
                order.emplace_back(name);
                reported_on = std::this_thread::get_id();
            });
        }
        // Nothing else keeps the loop running: the pending outcomes must.
        loop.run();
        EXPECT_EQ(order, (std::vector<std::string>{"a.csv", "b.csv"}));
        EXPECT_EQ(reported_on, std::this_thread::get_id());
    }
    EXPECT_EQ(read_text(dir.path() / "a.csv"), "content of a.csv");
    EXPECT_EQ(read_text(dir.path() / "b.csv"), "content of b.csv");
}

TEST(FileWriter, AFailureIsReportedWithThePath) {
    temp_dir dir;
    boost::asio::io_context loop;
    std::optional<std::string> message;
    file_writer writer(loop);
    writer.replace(dir.path() / "rocm" / "x.csv", "x", {}, [&](auto written) {
        ASSERT_FALSE(written);
        message = written.error().message;
    });
    loop.run();
    ASSERT_TRUE(message);
    EXPECT_NE(message->find("rocm/x.csv"), std::string::npos) << *message;
}

}  // namespace
}  // namespace ue::app
