#include "e2e_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace ue::test {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path& p, std::string_view content) {
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

snapshot_spec small_spec() {
    snapshot_spec spec;
    spec.suites = {{"inductor", "timm", 2},
                   {"inductor", "huggingface", 1},
                   {"cpu_inductor", "torchbench", 4, false, {"inference"}},
                   {"dynamic_aot_eager", "huggingface", 3},
                   {"inductor", "timm", 2, true}};
    spec.models_per_suite = 12;
    spec.filler_bytes = 8 * 1024;
    return spec;
}

testing::server_options s3_like() {
    testing::server_options options;
    options.missing = testing::missing_reply::access_denied;
    return options;
}

void RefreshE2e::SetUp() {
    char pattern[] = "/tmp/ue-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    artifacts_ = dir_ / "artifacts";
    out_ = dir_ / "checkout/benchmarks/dynamo/ci_expected_accuracy";
    fs::create_directories(artifacts_);
    fs::create_directories(out_);
    binary_ = std::getenv("UPDATE_EXPECTED_BIN");
}

void RefreshE2e::TearDown() { fs::remove_all(dir_); }

void RefreshE2e::serve(const snapshot_spec& spec, testing::server_options options) {
    snap_ = make_snapshot(spec);
    snap_.write_artifacts(artifacts_);
    write_file(dir_ / "jobs.json", snap_.jobs_json(rows_shape::bare_array));
    options.root = artifacts_;
    server_ = std::make_unique<testing::server>(options);
    if (!local_github_) return;
    for (const auto& j : snap_.jobs) {
        server_->add_response(
            "GET", "/github/repos/" + spec.repo + "/actions/runs/" + std::to_string(j.workflow_id) + "/artifacts", 200,
            R"({"total_count":0,"artifacts":[]})");
    }
}

std::vector<std::string> RefreshE2e::base_args() const {
    std::vector<std::string> args{std::string(sha), "--artifacts-url",           server_->base_url(),
                                  "--ca-file",      server_->ca_file().string(), "--output-dir",
                                  out_.string()};
    if (local_github_) args.insert(args.end(), {"--github-api-url", server_->url("/github")});
    return args;
}

std::vector<std::string> RefreshE2e::file_args(std::vector<std::string> extra) const {
    auto args = base_args();
    args.insert(args.end(), {"--jobs-file", (dir_ / "jobs.json").string()});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::map<std::string, std::string> RefreshE2e::environment(const std::map<std::string, std::string>& extra) const {
    auto env = clean_environment({{"XDG_CACHE_HOME", (dir_ / "cache").string()}});
    for (const auto& [k, v] : extra) env[k] = v;
    return env;
}

std::vector<std::string> RefreshE2e::clickhouse_args() const {
    auto args = base_args();
    args.insert(args.end(), {"--source", "clickhouse", "--query-url", server_->url("/query")});
    return args;
}

process_result RefreshE2e::run(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                               terminal_streams terminals) {
    child_process child(binary_, args, environment(env), dir_, terminals);
    return child.wait();
}

void RefreshE2e::expect_all_written(const std::set<std::string>& except) {
    for (const auto& [key, rows] : snap_.expected) {
        if (except.count(key)) continue;
        ASSERT_TRUE(fs::exists(out_ / key)) << key;
        EXPECT_EQ(read_file(out_ / key), snap_.expected_file(key)) << key;
    }
}

std::vector<fs::path> RefreshE2e::all_files() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(out_)) {
        if (e.is_regular_file()) files.push_back(fs::relative(e.path(), out_));
    }
    std::sort(files.begin(), files.end());
    return files;
}

void RefreshE2e::remove_artifact(std::string_view suite, int shard) {
    const auto* a = snap_.find_artifact(suite, shard);
    ASSERT_NE(a, nullptr);
    fs::remove(artifacts_ / a->path);
}

void RefreshE2e::replace_artifact(std::string_view suite, int shard, const std::string& bytes) {
    const auto* a = snap_.find_artifact(suite, shard);
    ASSERT_NE(a, nullptr);
    write_file(artifacts_ / a->path, bytes);
}

}  // namespace ue::test
