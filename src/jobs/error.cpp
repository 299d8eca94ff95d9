#include "update_expected/jobs/error.hpp"

namespace ue::jobs {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "ue.jobs"; }

    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::malformed_json: return "malformed JSON in job rows";
            case error::too_deep: return "job-row JSON nested too deeply";
            case error::too_large: return "job-row JSON too large";
            case error::wrong_shape: return "job-row JSON has the wrong shape";
        }
        return "unknown ue.jobs error";
    }
};

}  // namespace

const std::error_category& jobs_category() noexcept {
    static const category instance;
    return instance;
}

}  // namespace ue::jobs
