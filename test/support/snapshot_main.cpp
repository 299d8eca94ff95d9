// ue-snapshot: writes a generated, realistic CI snapshot for the offline demo (scripts/demo):
//   DIR/artifacts/...      the shard artifacts, to be served by ue-test-server --root
//   DIR/jobs.json          the job rows (the ClickHouse answer shape), for --jobs-file
//   DIR/expected/          an older baseline to refresh: most files one commit behind (a changed
//                          value, a row missing, a retired model), some already current, the ROCm
//                          ones absent
// Every default suite with PyTorch-like shard counts and model names, noise jobs, one retried
// shard and one ROCm suite (realistic_suites(), make_snapshot()).

#include "snapshot.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

void write(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<std::string> split_lines(const std::string& file) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < file.size()) {
        const auto end = file.find('\n', start);
        if (end > start) lines.push_back(file.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return lines;
}

// The file as it was one commit earlier, so that the refresh has something to report.
std::string older(const std::string& current, std::size_t n) {
    auto lines = split_lines(current);
    if (lines.size() < 4) return current;
    switch (n % 4) {
        case 0: {  // one model's graph breaks moved
            auto& line = lines[2];
            const auto comma = line.rfind(',');
            line = line.substr(0, comma + 1) + std::to_string(std::atoi(line.c_str() + comma + 1) + 1);
            break;
        }
        case 1:  // a model that is new in this commit
            lines.erase(lines.begin() + 3);
            break;
        case 2:  // a model that was retired, and one that used to fail
        {
            lines.insert(lines.begin() + 1, "AAA_retired_model,pass,0");
            auto& line = lines[4];  // name,accuracy,graph_breaks
            const auto first = line.find(',');
            const auto second = line.find(',', first + 1);
            line = line.substr(0, first) + ",fail_accuracy" + line.substr(second);
            break;
        }
        default:  // already up to date
            break;
    }
    return ue::test::expected_layout(lines);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: ue-snapshot DIR\n");
        return 2;
    }
    try {
        const fs::path dir = argv[1];
        ue::test::snapshot_spec spec;
        spec.suites = ue::test::realistic_suites();
        spec.models_per_suite = 40;
        spec.filler_bytes = 256 * 1024;
        const auto snap = ue::test::make_snapshot(spec);
        snap.write_artifacts(dir / "artifacts");
        write(dir / "jobs.json", snap.jobs_json(ue::test::rows_shape::clickhouse));
        std::size_t n = 0;
        for (const auto& [key, rows] : snap.expected) {
            if (key.starts_with("rocm/")) continue;
            write(dir / "expected" / key, older(snap.expected_file(key), n++));
        }
        std::printf("%zu jobs, %zu artifacts, %zu expected files\n", snap.jobs.size(), snap.artifacts.size(),
                    snap.expected.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ue-snapshot: %s\n", e.what());
        return 1;
    }
    return 0;
}
