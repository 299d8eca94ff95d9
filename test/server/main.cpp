// ue-test-server: the local test server as a program, for the offline demo and bench/.
// Prints "port=N", "ca_file=PATH" and "url=BASE" (one line each) once it listens, then serves until
// SIGINT/SIGTERM or --max-seconds.

#include "fault_spec.hpp"
#include "script_file.hpp"
#include "test_server.hpp"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <map>

int main(int argc, char** argv) {
    using namespace ue::testing;
    CLI::App app{"Local HTTPS/HTTP test server on 127.0.0.1 (files, generated bodies, scripted answers)"};
    server_options options;
    bool http = false;
    std::string script;
    std::vector<std::string> generated;
    std::vector<std::string> faults;
    long accept_delay_ms = 0;
    long response_delay_ms = 0;
    long max_seconds = 3600;
    app.add_option("--root", options.root, "serve the files below this directory")->check(CLI::ExistingDirectory);
    app.add_option("--port", options.port, "port to listen on (default: an ephemeral one)");
    app.add_flag("--http", http, "plain http instead of https");
    app.add_option("--cert", options.cert, "certificate: trusted, wrong-host or untrusted")
        ->transform(CLI::CheckedTransformer(std::map<std::string, cert_kind>{{"trusted", cert_kind::trusted},
                                                                             {"wrong-host", cert_kind::wrong_host},
                                                                             {"untrusted", cert_kind::untrusted}}));
    app.add_option("--missing", options.missing, "reply for a missing file: 404 or 403 (S3 AccessDenied)")
        ->transform(CLI::CheckedTransformer(std::map<std::string, missing_reply>{
            {"404", missing_reply::not_found}, {"403", missing_reply::access_denied}}));
    app.add_option("--accept-delay-ms", accept_delay_ms, "delay on each new connection")->check(CLI::NonNegativeNumber);
    app.add_option("--response-delay-ms", response_delay_ms, "delay before each response")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--script", script, "JSON file of scripted answers (see script_file.hpp)")->check(CLI::ExistingFile);
    app.add_option("--generated", generated, "PATH:SIZE:SEED, a generated body (repeatable)");
    app.add_option("--fault", faults, "PATH=SPEC: faults for PATH's next requests (see fault_spec.hpp; repeatable)");
    app.add_option("--max-seconds", max_seconds, "stop after this many seconds")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    options.tls = !http;
    options.accept_delay = std::chrono::milliseconds(accept_delay_ms);
    options.response_delay = std::chrono::milliseconds(response_delay_ms);

    try {
        server srv{options};
        if (!script.empty()) load_script(srv, script);
        for (const auto& spec : generated) {
            const auto colon2 = spec.rfind(':');
            const auto colon1 = colon2 == std::string::npos ? colon2 : spec.rfind(':', colon2 - 1);
            if (colon1 == std::string::npos || colon1 == 0)
                throw std::runtime_error(fmt::format("--generated {}: expected PATH:SIZE:SEED", spec));
            srv.add_generated(spec.substr(0, colon1), std::stoull(spec.substr(colon1 + 1, colon2 - colon1 - 1)),
                              std::stoull(spec.substr(colon2 + 1)));
        }
        for (const auto& option : faults) {
            auto [path, list] = parse_fault_option(option);
            srv.add_faults(std::move(path), std::move(list));
        }
        std::printf("port=%u\nca_file=%s\nurl=%s\n", srv.port(), srv.ca_file().c_str(), srv.base_url().c_str());
        std::fflush(stdout);

        boost::asio::io_context io;
        boost::asio::signal_set signals{io, SIGINT, SIGTERM};
        boost::asio::steady_timer limit{io, std::chrono::seconds(max_seconds)};
        signals.async_wait([&](auto, int) { limit.cancel(); });
        limit.async_wait([&](auto) { signals.cancel(); });
        io.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ue-test-server: %s\n", e.what());
        return 1;
    }
    return 0;
}
