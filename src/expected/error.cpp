#include "update_expected/expected/error.hpp"

namespace ue::expected {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ue.expected"; }

    std::string message(int code) const override {
        switch (static_cast<error>(code)) {
            case error::row_too_long: return "row has more fields than the header";
            case error::directory_busy: return "another run holds the output directory";
        }
        return "unknown ue.expected error";
    }
};

}  // namespace

const std::error_category& expected_category() noexcept {
    static const category instance;
    return instance;
}

}  // namespace ue::expected
