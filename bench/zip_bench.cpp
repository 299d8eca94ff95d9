// Zip reader throughput, beside the standard tools, in one run:
//  (a) extracting a wanted entry that is >= 90% of a large deflated artifact, beside `unzip -p`;
//  (b) skipping large unwanted entries (sizes in the local headers), beside `cat file > /dev/null`.
// Both sides read the same file from the page cache (warmed first); the best of several runs counts.
// Usage: zip_bench [MiB of CSV text, default 300] [scratch dir, default /tmp]
#include <update_expected/zip/reader.hpp>
#include <zip_writer.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

// CSV rows like PyTorch's accuracy reports, varied enough that deflate ratios look real (~4-6x).
std::string csv_text(std::size_t bytes) {
    std::string out =
        "dev,name,batch_size,accuracy,calls_captured,unique_graphs,graph_breaks,"
        "unique_graph_breaks,autograd_captures,autograd_compiles,cudagraph_skips,compilation_latency\n";
    out.reserve(bytes + 256);
    const char* status[] = {"pass", "pass", "pass", "fail_accuracy", "pass_due_to_skip", "eager_fail_to_run"};
    std::uint64_t x = 88172645463325252ull;
    while (out.size() < bytes) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        out += fmt::format("cuda,Model{}_{:x},{},{},{},{},{},{},0,0,{},{}.{:03}\n", x % 5000, (x >> 20) % 4096,
                           1 << (x >> 8) % 7, status[(x >> 12) % 6], (x >> 16) % 900, (x >> 24) % 9, (x >> 28) % 13,
                           (x >> 32) % 5, (x >> 36) % 3, (x >> 40) % 400, (x >> 48) % 1000);
    }
    return out;
}

// Incompressible bytes: stored entries whose size alone is what skipping must cope with.
std::string noise(std::size_t bytes, std::uint64_t seed) {
    std::string out(bytes, '\0');
    for (std::size_t i = 0; i + 8 <= bytes; i += 8) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        for (int k = 0; k < 8; ++k) out[i + k] = static_cast<char>(seed >> (8 * k));
    }
    return out;
}

void write_file(const std::string& path, const std::string& bytes) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size() || std::fclose(f) != 0) {
        fmt::print(stderr, "cannot write {}\n", path);
        std::exit(1);
    }
}

double best_of(int runs, const std::function<void()>& fn) {
    double best = 1e30;
    for (int i = 0; i < runs; ++i) {
        const auto t0 = clock_type::now();
        fn();
        best = std::min(best, std::chrono::duration<double>(clock_type::now() - t0).count());
    }
    return best;
}

// Reads `path` in 1 MiB pieces through the reader; returns the bytes delivered for wanted entries.
std::uint64_t read_zip(const std::string& path, const std::string& wanted) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    std::vector<std::byte> buf(1 << 20);
    ue::zip::limits lim;
    lim.max_entry_size = std::uint64_t{1} << 32;  // the synthetic entry may exceed the default limit
    ue::zip::reader r(lim);
    std::uint64_t delivered = 0;
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) break;
        std::span<const std::byte> in(buf.data(), static_cast<std::size_t>(n));
        ue::zip::result res{0, ue::zip::event::need_more};
        do {
            res = n == 0 ? r.finish() : r.next(in);
            in = in.subspan(res.consumed);
            if (res.what == ue::zip::event::entry && r.entry().name == wanted)
                r.want_entry();
            else if (res.what == ue::zip::event::data)
                delivered += r.data().size();
        } while (res.what != ue::zip::event::need_more && res.what != ue::zip::event::done &&
                 res.what != ue::zip::event::error);
        if (res.what == ue::zip::event::error) {
            fmt::print(stderr, "{}: {}\n", path, r.error().describe());
            std::exit(1);
        }
        if (res.what == ue::zip::event::done || n == 0) break;
    }
    ::close(fd);
    return delivered;
}

void run(const std::string& command) {
    if (std::system(command.c_str()) != 0) {
        fmt::print(stderr, "failed: {}\n", command);
        std::exit(1);
    }
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 300;
    const std::string dir = argc > 2 ? argv[2] : "/tmp";
    const std::string wanted = "test/test-reports/training_huggingface.csv";
    const std::string extract_zip = dir + "/ue_zip_bench_extract.zip";
    const std::string skip_zip = dir + "/ue_zip_bench_skip.zip";
    constexpr double MB = 1e6;

    fmt::print("generating {} MiB of CSV text and the two artifacts in {} ...\n", mib, dir);
    const std::string csv = csv_text(mib << 20);
    std::uint64_t extract_size = 0;
    std::uint64_t wanted_size = 0;  // its local header and deflated data
    {
        ue::test::zip_writer w;
        w.add("test/test-reports/python-pytest/junit.xml", csv.substr(0, csv.size() / 50));
        const std::size_t before = w.bytes().size();
        w.add(wanted, csv);
        wanted_size = w.bytes().size() - before;
        const std::string z = w.finish();
        extract_size = z.size();
        write_file(extract_zip, z);
    }
    std::uint64_t skip_size = 0;
    {
        ue::test::zip_writer w;
        for (int i = 0; i < 4; ++i)
            w.add(fmt::format("test/test-reports/big-{}.bin", i), noise((mib << 20) / 4, 7 + i), {.method = 0});
        w.add(wanted, csv.substr(0, 1 << 16));
        const std::string z = w.finish();
        skip_size = z.size();
        write_file(skip_zip, z);
    }
    run("cat " + extract_zip + " " + skip_zip + " > /dev/null");  // warm the page cache

    const int runs = 3;
    std::uint64_t got = 0;
    const double ours_a = best_of(runs, [&] { got = read_zip(extract_zip, wanted); });
    if (got != csv.size()) {
        fmt::print(stderr, "extracted {} bytes, expected {}\n", got, csv.size());
        return 1;
    }
    const double unzip_a = best_of(runs, [&] { run("unzip -p " + extract_zip + " " + wanted + " > /dev/null"); });
    const double ours_b = best_of(runs, [&] { got = read_zip(skip_zip, wanted); });
    if (got != (1u << 16)) {
        fmt::print(stderr, "skip run extracted {} bytes, expected 65536\n", got);
        return 1;
    }
    const double cat_b = best_of(runs, [&] { run("cat " + skip_zip + " > /dev/null"); });

    fmt::print("\n(a) wanted entry {:.1f} MB inflated from a {:.1f} MB zip ({:.0f}% of it)\n", csv.size() / MB,
               extract_size / MB, 100.0 * static_cast<double>(wanted_size) / static_cast<double>(extract_size));
    fmt::print("(b) {:.1f} MB zip of four large unwanted stored entries and one small wanted one\n\n", skip_size / MB);
    fmt::print("{:<34} {:>9} {:>12} {:>9} {:>12}\n", "case (zip MB/s)", "ue::zip s", "ue::zip MB/s", "ref s",
               "ref MB/s");
    fmt::print("{:<34} {:>9.3f} {:>12.0f} {:>9.3f} {:>12.0f}\n", "(a) extract  vs unzip -p", ours_a,
               extract_size / MB / ours_a, unzip_a, extract_size / MB / unzip_a);
    fmt::print("{:<34} {:>9.3f} {:>12.0f} {:>9.3f} {:>12.0f}\n", "(b) skip     vs cat > /dev/null", ours_b,
               skip_size / MB / ours_b, cat_b, skip_size / MB / cat_b);
    fmt::print("(a) inflated output: ue::zip {:.0f} MB/s, unzip {:.0f} MB/s\n", csv.size() / MB / ours_a,
               csv.size() / MB / unzip_a);
    std::remove(extract_zip.c_str());
    std::remove(skip_zip.c_str());
    return 0;
}
