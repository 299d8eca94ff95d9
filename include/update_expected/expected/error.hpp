#pragma once

#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace ue::expected {

// Errors of the expected part. Failures keep the code of whoever found them (the OS error for file
// system calls, the csv part's code for a malformed existing file) and add the path to the message;
// these codes are for what nobody else can name.
enum class error {
    row_too_long = 1,  // a row of an existing expected file has more fields than its header
    directory_busy,    // another run holds the output directory's lock (after the wait)
};

const std::error_category& expected_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), expected_category()}; }

// An error code with the message a user sees: it names the file and, for OS errors, the OS text.
struct failure {
    std::error_code code;
    std::string message;
};

// Either a value or a failure; the small subset of C++23 std::expected this part needs.
template <class T>
class result {
public:
    result(T value) : state_(std::move(value)) {}  // NOLINT: implicit like std::expected
    result(failure f) : state_(std::move(f)) {}    // NOLINT

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    // Preconditions: ok() for value(), !ok() for error().
    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    const failure& error() const { return std::get<1>(state_); }

private:
    std::variant<T, failure> state_;
};

}  // namespace ue::expected

template <>
struct std::is_error_code_enum<ue::expected::error> : std::true_type {};
