// Feeds arbitrary bytes to the zip reader in chunk sizes drawn from the input itself, wanting the
// entries the input chooses. Any crash, hang, sanitizer report or broken contract is a finding.
#include <update_expected/zip/reader.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    // Byte 0 seeds the chunk sizes, byte 1 says which entries are wanted (bit i: the i-th entry mod 8).
    std::uint32_t seed = data[0] | 1u;
    const std::uint8_t want_mask = data[1];
    std::span<const std::byte> rest(reinterpret_cast<const std::byte*>(data) + 2, size - 2);

    ue::zip::limits lim;
    lim.max_entry_size = 1 << 22;  // bombs must stop early, not slowly
    lim.output_buffer_size = 1 + (seed % 3 == 0 ? 7 : 4096);
    ue::zip::reader r(lim);
    unsigned entries = 0;
    std::uint64_t delivered = 0;
    for (;;) {
        seed = seed * 1103515245u + 12345u;
        const std::size_t n = rest.empty() ? 0 : 1 + (seed >> 16) % (seed & 0x100 ? rest.size() : 17);
        std::span<const std::byte> in = rest.first(std::min(n, rest.size()));
        rest = rest.subspan(in.size());
        for (;;) {
            const auto res = r.next(in);
            if (res.consumed > in.size()) std::abort();
            in = in.subspan(res.consumed);
            if (res.what == ue::zip::event::need_more) {
                if (!in.empty()) std::abort();  // contract: need_more means all input was used
                break;
            }
            if (res.what == ue::zip::event::entry && (want_mask >> (entries++ % 8) & 1)) r.want_entry();
            if (res.what == ue::zip::event::data) {
                delivered += r.data().size();
                if (r.data().empty() || delivered > (std::uint64_t{1} << 22) * (entries + 1)) std::abort();
            }
            if (res.what == ue::zip::event::done || res.what == ue::zip::event::error) {
                (void)r.error().describe();
                return 0;
            }
        }
        if (rest.empty()) break;
    }
    if (r.finish().what == ue::zip::event::error) (void)r.error().describe();
    return 0;
}
