#include "update_expected/jobs/artifact.hpp"

#include <gtest/gtest.h>

namespace ue::jobs {
namespace {

suite_plan plan_of(std::string suite, std::string benchmark, std::uint32_t count) {
    return {baseline::standard, std::move(suite), std::move(benchmark), count, {}};
}

candidate job(std::string machine) {
    return {job_row{"inductor", "n", 41234567890, 2, 15123456789, {}, {}, {}, true}, std::move(machine)};
}

TEST(ArtifactUrl, ExactBytes) {
    const auto plan = plan_of("inductor_huggingface", "huggingface", 3);
    const auto expected =
        "https://gha-artifacts.s3.amazonaws.com/pytorch/pytorch/15123456789/2/artifact/"
        "test-reports-test-inductor_huggingface-2-3-linux.g5.4xlarge.nvidia.gpu_41234567890.zip";
    const auto j = job("linux.g5.4xlarge.nvidia.gpu");
    EXPECT_EQ(artifact_url("https://gha-artifacts.s3.amazonaws.com", "pytorch/pytorch", plan, 2, j), expected);
    EXPECT_EQ(artifact_url("https://gha-artifacts.s3.amazonaws.com/", "pytorch/pytorch", plan, 2, j), expected);
    EXPECT_EQ(artifact_url("http://127.0.0.1:8080/mirror//", "o/r", plan, 1, j),
              "http://127.0.0.1:8080/mirror/o/r/15123456789/2/artifact/"
              "test-reports-test-inductor_huggingface-1-3-linux.g5.4xlarge.nvidia.gpu_41234567890.zip");
}

TEST(ArtifactUrl, OddMachineNamesAreEncoded) {
    const auto plan = plan_of("inductor_timm", "timm", 1);
    EXPECT_EQ(
        artifact_url("http://h", "o/r", plan, 1, job("a b/c?%~")),
        "http://h/o/r/15123456789/2/artifact/test-reports-test-inductor_timm-1-1-a%20b%2Fc%3F%25~_41234567890.zip");
}

TEST(GithubArtifactName, IsTheS3NameWithTheRunAttemptAndNothingEncoded) {
    const auto plan = plan_of("inductor_timm", "timm", 3);
    EXPECT_EQ(github_artifact_name(plan, 2, job("linux.g5.4xlarge.nvidia.gpu")),
              "test-reports-runattempt2-test-inductor_timm-2-3-linux.g5.4xlarge.nvidia.gpu_41234567890.zip");
    EXPECT_EQ(github_artifact_name(plan, 1, job("a b")),
              "test-reports-runattempt2-test-inductor_timm-1-3-a b_41234567890.zip");
}

TEST(EntryNames, PerPhaseWithTimmModels) {
    EXPECT_EQ(entry_file_name(phase::training, "timm"), "training_timm_models.csv");
    EXPECT_EQ(entry_file_name(phase::inference, "huggingface"), "inference_huggingface.csv");
    EXPECT_EQ(entry_file_name(phase::training, "torchbench"), "training_torchbench.csv");
    EXPECT_EQ(to_string(phase::inference), "inference");
}

TEST(EntryNames, PhaseOfAnEntry) {
    EXPECT_EQ(entry_phase("test/test-reports/training_timm_models.csv", "timm"), phase::training);
    EXPECT_EQ(entry_phase("test-reports/inference_timm_models.csv", "timm"), phase::inference);
    EXPECT_EQ(entry_phase("test/test-reports/inference_huggingface.csv", "huggingface"), phase::inference);
    for (std::string_view other :
         {"test/test-reports/training_timm.csv", "test/test-reports/training_huggingface.csv",
          "test/test-reports/training_timm_models.csv.bak", "x/test/test-reports/training_timm_models.csv",
          "test/test-reports/sub/training_timm_models.csv", "training_timm_models.csv",
          "test/test-reports/TRAINING_timm_models.csv", "test/test-reports/test_timm.xml", ""}) {
        EXPECT_EQ(entry_phase(other, "timm"), std::nullopt) << other;
    }
}

}  // namespace
}  // namespace ue::jobs
