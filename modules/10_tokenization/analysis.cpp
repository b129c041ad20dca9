// modules/10_tokenization/analysis.cpp — Module 10 · Tokenization: what a vocabulary costs and buys.
// Lesson: modules/10_tokenization/README.md (systems questions at the end).
//
// Measures, on this machine:
//   1. sequence length vs vocabulary size: bytes per token of a held-out text for the char
//      tokenizer and byte-level BPE with 256 (bytes only), 512, 1024 and 2048 ids;
//   2. what each costs: training time, encode and decode throughput (MB/s), and the memory of an
//      embedding table (vocab x d_model floats) next to the attention cost of the sequence (a
//      context of T tokens costs T^2 scores per head and layer);
//   3. how much text a fixed context of 256 tokens covers.
// Corpus: Tiny Shakespeare when the data directory has it (./tito data fetch tinyshakespeare, or
// ../shared/datasets), else a paragraph embedded here (much too small to learn a real vocabulary).
// Build: cmake --build <build> --target analysis_10_tokenization; run: <build>/bin/analysis_10_tokenization
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tinytorch/dataloader/data_dir.hpp"  // find_dataset: where the data lives (given, no module-05 work needed)
#include "tinytorch/tokenization/tokenization.hpp"

using namespace tinytorch;

namespace {
/// Seconds per call of f: repeats until at least `min_seconds` have passed (after one warm-up call).
double seconds_per_call(const std::function<void()>& f, double min_seconds = 0.1) {
    using clock = std::chrono::steady_clock;
    f();
    int reps = 0;
    auto start = clock::now();
    double elapsed = 0.0;
    do {
        f();
        ++reps;
        elapsed = std::chrono::duration<double>(clock::now() - start).count();
    } while (elapsed < min_seconds);
    return elapsed / reps;
}

const char* kEmbedded =
    "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n"
    "First Citizen:\nYou are all resolved rather to die than to famish?\n\nAll:\nResolved. resolved.\n\n"
    "First Citizen:\nFirst, you know Caius Marcius is chief enemy to the people.\n\nAll:\nWe know't, we know't.\n\n"
    "First Citizen:\nLet us kill him, and we'll have corn at our own price.\nIs't a verdict?\n\n";

std::string load_corpus(std::string& source) {
    if (auto dir = data::find_dataset("tinyshakespeare")) {
        source = *dir + "/input.txt";
        return text::read_text_file(source);
    }
    source = "embedded paragraph x 64 (Tiny Shakespeare not found: ./tito data fetch tinyshakespeare)";
    std::string out;
    for (int i = 0; i < 64; ++i) out += kEmbedded;
    return out;
}

struct Row {
    std::string name;
    std::unique_ptr<text::Tokenizer> tok;
    double train_s = 0.0;
};
}  // namespace

int main() {
    std::printf("Module 10 · Tokenization — systems analysis\n\n");
    std::string source;
    const std::string corpus = load_corpus(source);
    // train on the first 128 KB, measure on the last 10% (text the tokenizers have not seen)
    const size_t held_out_size = corpus.size() / 10;
    const std::string train_text = corpus.substr(0, std::min<size_t>(corpus.size() - held_out_size, 128 * 1024));
    const std::string held_out = corpus.substr(corpus.size() - held_out_size);
    std::printf("corpus: %s\n        %zu bytes; training text %zu bytes, held-out text %zu bytes\n", source.c_str(),
                corpus.size(), train_text.size(), held_out.size());
    if (train_text.find(held_out.substr(0, std::min<size_t>(held_out.size(), 256))) != std::string::npos)
        std::printf("        WARNING: the held-out text also occurs in the training text (the embedded fallback\n"
                    "        repeats one paragraph), so bytes/token below is optimistic; fetch Tiny Shakespeare.\n");
    std::printf("\n");

    // ---- build the tokenizers -----------------------------------------------------------------------
    std::vector<Row> rows;
    {
        auto start = std::chrono::steady_clock::now();
        auto chars = std::make_unique<text::CharTokenizer>(corpus);  // every character of the corpus: no <unk> later
        rows.push_back({"char", std::move(chars),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()});
    }
    for (int64_t vocab : {256, 512, 1024, 2048}) {
        auto bpe = std::make_unique<text::BPETokenizer>();
        auto start = std::chrono::steady_clock::now();
        bpe->train(train_text, vocab);
        double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rows.push_back({"BPE " + std::to_string(vocab), std::move(bpe), t});
    }

    // ---- 1 + 2: compression and speed -------------------------------------------------------------------
    const double mb = static_cast<double>(held_out.size()) / 1e6;
    const int64_t d_model = 384;
    std::printf("1. Sequence length vs vocabulary (held-out text), and what each costs\n");
    std::printf("   %-9s %6s %9s %9s %10s %10s %10s %10s %10s %13s\n", "tokenizer", "vocab", "train s", "tokens",
                "bytes/tok", "(train)", "enc MB/s", "dec MB/s", "embed MB", "attn vs char");
    double char_tokens = 0.0;
    for (Row& row : rows) {
        std::vector<int64_t> ids = row.tok->encode(held_out);
        if (row.name == "char") char_tokens = static_cast<double>(ids.size());
        double t_enc = seconds_per_call([&] { (void)row.tok->encode(held_out); });
        double t_dec = seconds_per_call([&] { (void)row.tok->decode(ids); });
        if (row.tok->decode(ids) != held_out) std::printf("   (round trip FAILED for %s)\n", row.name.c_str());
        double n = static_cast<double>(ids.size());
        double train_bpt = static_cast<double>(train_text.size()) / static_cast<double>(row.tok->encode(train_text).size());
        double embed_mb = static_cast<double>(row.tok->vocab_size() * d_model * 4) / 1e6;
        double attn = (n / char_tokens) * (n / char_tokens);  // T^2 relative to the char tokenizer
        std::printf("   %-9s %6lld %9.3f %9zu %10.2f %10.2f %10.1f %10.1f %10.2f %12.2fx\n", row.name.c_str(),
                    static_cast<long long>(row.tok->vocab_size()), row.train_s, ids.size(),
                    static_cast<double>(held_out.size()) / n, train_bpt, mb / t_enc, mb / t_dec, embed_mb, attn);
    }
    std::printf("   (train): bytes per token on the training text itself, for comparison.\n");
    std::printf("   embed MB: a float32 embedding table of vocab x %lld (and as much again for an untied output\n"
                "   layer). attn vs char: attention scores grow with T^2; fewer tokens for the same text pay off twice.\n"
                "   The char vocabulary holds every character of the whole corpus; BPE 256 is plain bytes.\n\n",
                static_cast<long long>(d_model));

    // ---- 3: a fixed context ---------------------------------------------------------------------------
    std::printf("2. How much text a context of 256 tokens covers (held-out text)\n");
    for (Row& row : rows) {
        double bytes_per_token = static_cast<double>(held_out.size()) / static_cast<double>(row.tok->encode(held_out).size());
        std::printf("   %-9s %8.0f bytes  (~%.0f words)\n", row.name.c_str(), 256 * bytes_per_token,
                    256 * bytes_per_token / 5.5);
    }
    std::printf("\nBPE trades a bigger embedding table and a training pass for shorter sequences; its encode is\n"
                "slower than a table lookup per character because every chunk is merged step by step (lesson §6).\n");
    return 0;
}
