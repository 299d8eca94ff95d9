#include "snapshot.hpp"

#include "zip_writer.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace ue::test {
namespace {

// splitmix64: the same bytes on every platform and standard library, unlike <random>'s distributions.
class prng {
public:
    explicit prng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t state_;
};

const std::vector<std::string>& model_names(const std::string& benchmark) {
    static const std::vector<std::string> huggingface{"AlbertForMaskedLM",
                                                      "AllenaiLongformerBase",
                                                      "BartForCausalLM",
                                                      "BertForMaskedLM",
                                                      "BlenderbotForCausalLM",
                                                      "BlenderbotSmallForConditionalGeneration",
                                                      "CamemBert",
                                                      "DebertaV2ForMaskedLM",
                                                      "DistilBertForMaskedLM",
                                                      "DistillGPT2",
                                                      "ElectraForCausalLM",
                                                      "GPT2ForSequenceClassification",
                                                      "GoogleFnet",
                                                      "LayoutLMForMaskedLM",
                                                      "M2M100ForConditionalGeneration",
                                                      "MBartForCausalLM",
                                                      "MT5ForConditionalGeneration",
                                                      "MegatronBertForCausalLM",
                                                      "MobileBertForMaskedLM",
                                                      "OPTForCausalLM",
                                                      "PLBartForCausalLM",
                                                      "PegasusForCausalLM",
                                                      "Qwen/Qwen3-0.6B",
                                                      "RobertaForCausalLM",
                                                      "T5ForConditionalGeneration",
                                                      "T5Small",
                                                      "TrOCRForCausalLM",
                                                      "XGLMForCausalLM",
                                                      "XLNetLMHeadModel",
                                                      "YituTechConvBert",
                                                      "google/gemma-2-2b",
                                                      "meta-llama/Llama-3.2-1B"};
    static const std::vector<std::string> timm{"adv_inception_v3",
                                               "beit_base_patch16_224",
                                               "botnet26t_256",
                                               "coat_lite_mini",
                                               "convit_base",
                                               "convmixer_768_32",
                                               "convnext_base",
                                               "crossvit_9_240",
                                               "cspdarknet53",
                                               "deit_base_distilled_patch16_224",
                                               "dla102",
                                               "dm_nfnet_f0",
                                               "dpn107",
                                               "eca_botnext26ts_256",
                                               "ghostnet_100",
                                               "gluon_inception_v3",
                                               "hrnet_w18",
                                               "inception_v3",
                                               "jx_nest_base",
                                               "lcnet_050",
                                               "mixer_b16_224",
                                               "mobilenetv2_100",
                                               "mobilevit_s",
                                               "nfnet_l0",
                                               "pit_b_224",
                                               "poolformer_m36",
                                               "regnety_002",
                                               "repvgg_a2",
                                               "res2net101_26w_4s",
                                               "resnest101e",
                                               "sebotnet33ts_256",
                                               "swin_base_patch4_window7_224"};
    static const std::vector<std::string> torchbench{"BERT_pytorch",
                                                     "Background_Matting",
                                                     "LearningToPaint",
                                                     "alexnet",
                                                     "basic_gnn_edgecnn",
                                                     "cm3leon_generate",
                                                     "dcgan",
                                                     "demucs",
                                                     "densenet121",
                                                     "detectron2_fcos_r_50_fpn",
                                                     "dlrm",
                                                     "doctr_det_predictor",
                                                     "drq",
                                                     "fastNLP_Bert",
                                                     "functorch_dp_cifar10",
                                                     "hf_Albert",
                                                     "hf_Bart",
                                                     "hf_Bert",
                                                     "hf_GPT2",
                                                     "hf_T5",
                                                     "lennard_jones",
                                                     "llama",
                                                     "maml_omniglot",
                                                     "mnasnet1_0",
                                                     "mobilenet_v2",
                                                     "nanogpt",
                                                     "nvidia_deeprecommender",
                                                     "phlippe_densenet",
                                                     "pytorch_unet",
                                                     "resnet50",
                                                     "shufflenet_v2_x1_0",
                                                     "squeezenet1_1"};
    if (benchmark == "huggingface") return huggingface;
    if (benchmark == "timm") return timm;
    if (benchmark == "torchbench") return torchbench;
    throw std::invalid_argument("snapshot: unknown benchmark " + benchmark);
}

std::string entry_benchmark(const std::string& benchmark) { return benchmark == "timm" ? "timm_models" : benchmark; }

struct model_result {
    std::string name, accuracy;
    int graph_breaks = 0;
    bool crashed = false;  // a short row: dev,name,batch_size,accuracy
    int calls_captured = 0;
};

// One report CSV with PyTorch's full header; a crashed model's row is short.
std::string report_csv(const std::vector<model_result>& rows, prng& rng) {
    std::string out =
        "dev,name,batch_size,accuracy,calls_captured,unique_graphs,graph_breaks,unique_graph_breaks,"
        "autograd_captures,autograd_compiles,cudagraph_skips,compilation_latency\n";
    for (const auto& r : rows) {
        out += "cuda,";
        out += r.name.find(',') != std::string::npos ? '"' + r.name + '"' : r.name;
        out += ',' + std::to_string(1 + rng.below(64)) + ',' + r.accuracy;
        if (!r.crashed) {
            out += ',' + std::to_string(r.calls_captured) + ',' + std::to_string(1 + rng.below(4)) + ',' +
                   std::to_string(r.graph_breaks) + ',' + std::to_string(rng.below(3)) + ",0,0,0," +
                   std::to_string(10 + rng.below(90)) + '.' + std::to_string(rng.below(100));
        }
        out += '\n';
    }
    return out;
}

// XML reports: large, compressible like real ones, never wanted.
constexpr std::string_view xml_head = "<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites>\n";
constexpr std::string_view xml_tail = "</testsuites>\n";

// Appends test cases to `out` until it holds at least `bytes`.
void add_testcases(std::string& out, std::size_t bytes, prng& rng) {
    while (out.size() < bytes) {
        out += "<testcase classname=\"TestInductorOpInfo\" name=\"test_op_" + std::to_string(rng.below(100000)) +
               "\" time=\"0." + std::to_string(rng.below(1000)) + "\" file=\"test_torchinductor_" +
               std::to_string(rng.below(50)) + ".py\"/>\n";
    }
}

// Returns the entry's content, except for a repeated block (then empty).
std::string add_filler(zip_writer& zip, const std::string& name, const snapshot_spec& spec, prng& rng) {
    if (spec.filler_block == 0) {
        std::string xml(xml_head);
        add_testcases(xml, spec.filler_bytes, rng);
        xml += xml_tail;
        zip.add(name, xml);
        return xml;
    }
    std::string block;
    add_testcases(block, spec.filler_block, rng);
    const std::size_t times = std::max<std::size_t>(1, (spec.filler_bytes + block.size() - 1) / block.size());
    zip.add_repeated(name, xml_head, block, times, xml_tail);
    return {};
}

// The same reports as actions/upload-artifact@v4 zips them (docs/pytorch-ci.md section 3): paths
// below the patterns' common root `test/`, written by Node's archiver, which streams each entry and
// puts its sizes in a data descriptor after it.
std::string as_github_artifact(const std::vector<std::pair<std::string, std::string>>& entries) {
    zip_writer zip;
    for (const auto& [name, content] : entries) {
        zip.add(name.starts_with("test/") ? name.substr(5) : name, content, {.descriptor = true});
    }
    return zip.finish();
}

std::string build_config(const suite_spec& s) {
    if (s.rocm) return "linux-jammy-rocm-py3.10";
    if (s.config.find("cpu") != std::string::npos) return "linux-jammy-cpu-py3.10-gcc11-inductor";
    return "linux-jammy-cuda12.8-py3.10-gcc9-sm86";
}

std::string machine(const suite_spec& s) {
    if (s.rocm) return "linux.rocm.gpu.gfx942.4";
    if (s.config.find("cpu") != std::string::npos) return "linux.8xlarge.amx";
    return "linux.g5.4xlarge.nvidia.gpu";
}

std::string test_job_name(const suite_spec& s, int shard, const std::string& build, const std::string& mach) {
    return build + " / test (" + s.suite() + ", " + std::to_string(shard) + ", " + std::to_string(s.shards) + ", " +
           mach + ")";
}

std::string artifact_path(const std::string& repo, const job& j, const suite_spec& s, int shard) {
    return repo + "/" + std::to_string(j.workflow_id) + "/" + std::to_string(j.attempt) +
           "/artifact/test-reports-test-" + s.suite() + "-" + std::to_string(shard) + "-" + std::to_string(s.shards) +
           "-" + machine(s) + "_" + std::to_string(j.id) + ".zip";
}

std::string github_artifact_name(const job& j, const suite_spec& s, int shard) {
    return "test-reports-runattempt" + std::to_string(j.attempt) + "-test-" + s.suite() + "-" + std::to_string(shard) +
           "-" + std::to_string(s.shards) + "-" + machine(s) + "_" + std::to_string(j.id) + ".zip";
}

std::string quote_if_needed(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + '"';
}

}  // namespace

std::string expected_layout(const std::vector<std::string>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += lines[i];
        out += i + 1 < lines.size() ? "\n\n\n\n" : "\n";
    }
    return out;
}

snapshot make_snapshot(const snapshot_spec& spec) {
    prng rng(spec.seed);
    snapshot snap;
    const std::uint64_t run_inductor = 17000000000ULL + spec.seed;
    const std::uint64_t run_periodic = run_inductor + 7;
    std::uint64_t next_job_id = 49000000000ULL;

    for (std::size_t si = 0; si < spec.suites.size(); ++si) {
        const suite_spec& s = spec.suites[si];
        const auto& names = model_names(s.benchmark);
        const bool periodic = s.config.find("cpu") != std::string::npos;
        const std::uint64_t run = periodic ? run_periodic : run_inductor;
        const std::string workflow = periodic ? "inductor-periodic" : "inductor";

        // Per phase, per shard: the models of that shard, and what the newest attempt reports.
        std::map<std::string, std::vector<expected_row>> expected_rows;  // per phase, shard order
        for (int shard = 1; shard <= s.shards; ++shard) {
            const bool retried = spec.retried_shard && si == 0 && shard == 1;
            for (int attempt = retried ? 1 : 2; attempt <= 2; ++attempt) {
                const int run_attempt = retried ? attempt : 1;
                const bool newest = attempt == 2;
                const bool used = newest ? !(retried && spec.newest_attempt_missing) : spec.newest_attempt_missing;
                job j{workflow, test_job_name(s, shard, build_config(s), machine(s)), next_job_id++, run, run_attempt};
                snap.jobs.push_back(j);
                if (retried && newest && spec.newest_attempt_missing) continue;  // uploaded nothing

                zip_writer zip;
                std::vector<std::pair<std::string, std::string>> entries;  // for the GitHub copy
                const std::string prefix = s.rocm ? "test-reports/" : "test/test-reports/";
                const std::string xml_name = prefix + "python-pytest/benchmarks/dynamo/" + s.suite() + ".xml";
                entries.emplace_back(xml_name, add_filler(zip, xml_name, spec, rng));
                for (const auto& phase : s.phases) {
                    std::vector<model_result> rows;
                    for (std::size_t m = 0; m < names.size() && m < static_cast<std::size_t>(spec.models_per_suite);
                         ++m) {
                        if (static_cast<int>(m % s.shards) + 1 != shard) continue;
                        model_result r{names[m], "pass", static_cast<int>(rng.below(8)), false,
                                       static_cast<int>(100 + rng.below(900))};
                        const auto roll = rng.below(12);
                        if (roll == 0) r.accuracy = "fail_accuracy";
                        if (roll == 1) r.accuracy = "eager_fail_to_run";
                        if (roll == 2) {
                            r.accuracy = "model_fail_to_load";
                            r.crashed = true;
                            r.graph_breaks = 0;
                        }
                        if (!newest) r.accuracy = "fail_to_run";  // the failed first attempt
                        rows.push_back(r);
                    }
                    const std::string csv_name = prefix + phase + "_" + entry_benchmark(s.benchmark) + ".csv";
                    entries.emplace_back(csv_name, report_csv(rows, rng));
                    zip.add(csv_name, entries.back().second);
                    if (used) {
                        for (const auto& r : rows) {
                            expected_rows[phase].push_back(
                                {{"name", r.name},
                                 {"accuracy", r.accuracy},
                                 {"graph_breaks", std::to_string(r.graph_breaks)},
                                 {"calls_captured", r.crashed ? "" : std::to_string(r.calls_captured)}});
                        }
                    }
                }
                snap.artifacts.push_back({artifact_path(spec.repo, j, s, shard), zip.finish()});
                if (spec.github_copies) {
                    auto& a = snap.artifacts.back();
                    a.github_name = github_artifact_name(j, s, shard);
                    a.github_bytes = as_github_artifact(entries);
                    a.run_id = j.workflow_id;
                }
            }
        }
        for (auto& [phase, rows] : expected_rows) {
            std::stable_sort(rows.begin(), rows.end(),
                             [](const auto& a, const auto& b) { return a.at("name") < b.at("name"); });
            snap.expected[(s.rocm ? "rocm/" : "") + s.suite() + "_" + phase + ".csv"] = std::move(rows);
        }
    }

    if (spec.noise) {
        const std::string gpu = "linux-jammy-cuda12.8-py3.10-gcc9-sm86";
        auto add = [&](std::string workflow, std::string name) {
            snap.jobs.push_back({std::move(workflow), std::move(name), next_job_id++, run_inductor, 1});
        };
        // Jobs that must not be picked get artifacts whose rows would show in the output if they were.
        auto poisoned = [&](std::string workflow, std::string build) {
            const suite_spec s{"inductor", "huggingface", 1};
            add(std::move(workflow), test_job_name(s, 1, build, machine(s)));
            zip_writer zip;
            zip.add("test/test-reports/inference_huggingface.csv",
                    report_csv({{"PoisonModelFromAnUnwantedJob", "pass", 0, false}}, rng));
            snap.artifacts.push_back({artifact_path(spec.repo, snap.jobs.back(), s, 1), zip.finish(), true});
        };
        poisoned("pull", gpu);
        poisoned("inductor", "linux-jammy-cuda13.0-py3.10-gcc11-sm86");
        add("inductor", gpu + " / build");
        add("inductor", "get-label-type / runner-determinator");
        add("inductor", gpu + " / test (inductor_distributed, 1, 1, linux.g5.12xlarge.nvidia.gpu)");
        add("inductor", gpu + " / test (inductor_huggingface, one, 1, linux.g5.4xlarge.nvidia.gpu)");
        add("inductor", "Lint / lintrunner-noclang");
        add("inductor-unittest", gpu + " / unit-test (inductor, 1, 2, linux.g5.4xlarge.nvidia.gpu)");
        snap.jobs.push_back({"inductor", gpu + " / test (inductor_timm, 1, 2, linux.g5.4xlarge.nvidia.gpu)",
                             next_job_id++, 0, 1, true});
    }
    return snap;
}

std::string snapshot::expected_file(const std::string& key, const std::vector<std::string>& columns) const {
    std::string header;
    for (const auto& c : columns) header += (header.empty() ? "" : ",") + c;
    std::vector<std::string> lines{header};
    for (const auto& row : expected.at(key)) {
        std::string line;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto it = row.find(columns[i]);
            line += (i ? "," : "") + quote_if_needed(it == row.end() ? "" : it->second);
        }
        lines.push_back(line);
    }
    return expected_layout(lines);
}

std::string snapshot::jobs_json(rows_shape shape) const {
    std::string rows;
    bool as_string = false;
    for (const auto& j : jobs) {
        auto num = [&](std::uint64_t v) {
            as_string = !as_string;  // ClickHouse sends 64-bit integers as strings; other sources numbers
            return as_string ? '"' + std::to_string(v) + '"' : std::to_string(v);
        };
        if (!rows.empty()) rows += ",\n";
        rows += "{\"workflowName\":\"" + j.workflow + "\",\"jobName\":\"" + j.name + "\",\"id\":" + num(j.id) +
                ",\"runAttempt\":" + num(static_cast<std::uint64_t>(j.attempt));
        if (!j.missing_workflow_id) rows += ",\"workflowId\":" + num(j.workflow_id);
        rows += ",\"time\":\"2026-11-20T08:00:00Z\"}";
    }
    switch (shape) {
        case rows_shape::clickhouse:
            return "{\"meta\":[{\"name\":\"workflowName\",\"type\":\"String\"}],\"data\":[\n" + rows +
                   "\n],\"rows\":" + std::to_string(jobs.size()) + "}";
        case rows_shape::rockset: return "{\"results\":[\n" + rows + "\n]}";
        case rows_shape::bare_array: break;
    }
    return "[\n" + rows + "\n]";
}

void snapshot::write_artifacts(const std::filesystem::path& root) const {
    for (const auto& a : artifacts) {
        const auto path = root / a.path;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream out(path, std::ios::binary);
        out.write(a.bytes.data(), static_cast<std::streamsize>(a.bytes.size()));
        if (!out) throw std::runtime_error("snapshot: cannot write " + path.string());
    }
}

const artifact_file* snapshot::find_artifact(std::string_view suite, int shard, bool rocm) const {
    const std::string needle = "test-reports-test-" + std::string(suite) + "-" + std::to_string(shard) + "-";
    const artifact_file* newest = nullptr;
    for (const auto& a : artifacts) {
        const bool is_rocm = a.path.find("rocm") != std::string::npos;  // the machine names it
        if (!a.decoy && is_rocm == rocm && a.path.find(needle) != std::string::npos)
            newest = &a;  // artifacts are added oldest first
    }
    return newest;
}

std::vector<suite_spec> realistic_suites() {
    const std::vector<std::string> configs{"aot_eager",
                                           "aot_inductor",
                                           "cpu_aot_inductor",
                                           "cpu_aot_inductor_amp_freezing",
                                           "cpu_aot_inductor_freezing",
                                           "cpu_inductor",
                                           "cpu_inductor_amp_freezing",
                                           "cpu_inductor_freezing",
                                           "dynamic_aot_eager",
                                           "dynamic_cpu_aot_inductor",
                                           "dynamic_cpu_aot_inductor_amp_freezing",
                                           "dynamic_cpu_aot_inductor_freezing",
                                           "dynamic_cpu_inductor",
                                           "dynamic_inductor",
                                           "dynamo_eager",
                                           "inductor"};
    std::vector<suite_spec> out;
    for (const auto& config : configs) {
        const bool inference_only =
            config.find("cpu") != std::string::npos || config.find("aot_inductor") != std::string::npos;
        for (const auto& [benchmark, shards] :
             std::vector<std::pair<std::string, int>>{{"huggingface", 1}, {"timm", 2}, {"torchbench", 2}}) {
            suite_spec s{config, benchmark, shards};
            if (inference_only) s.phases = {"inference"};
            out.push_back(s);
        }
    }
    out.push_back({"inductor", "timm", 2, true});  // the ROCm baseline
    return out;
}

}  // namespace ue::test
