#pragma once
// The completion of every coroutine the test server and the test proxy spawn: an exception escaping
// a connection is a bug in them, so it is said on stderr rather than lost.

#include <cstdio>
#include <exception>

namespace ue::testing {

// `who` names the program in the message ("ue-test-server"); it must outlive the spawned coroutines.
inline auto report_exception_as(const char* who) {
    return [who](std::exception_ptr error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: connection failed: %s\n", who, e.what());
        }
    };
}

}  // namespace ue::testing
