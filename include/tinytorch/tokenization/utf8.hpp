// include/tinytorch/tokenization/utf8.hpp
// Module 10 · Tokenization — lesson: modules/10_tokenization/README.md §1 (characters are not bytes)
//
// Splitting UTF-8 text into characters (code points): 1 byte for ASCII, 2-4 bytes otherwise.
//   lead byte 0xxxxxxx -> 1 byte, 110xxxxx -> 2, 1110xxxx -> 3, 11110xxx -> 4; continuation 10xxxxxx.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tinytorch/tensor/tensor.hpp"

namespace tinytorch::text {

/// Bytes of the UTF-8 character that starts with `lead`, or 0 if `lead` cannot start one.
inline int utf8_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;  // a continuation byte (0x80..0xBF), an overlong lead (0xC0, 0xC1) or > 0xF4
}

/// Whether `second` may follow the lead byte `lead` of a 3- or 4-byte character. The lead alone
/// does not rule out three kinds of forbidden sequence; the second byte's range does:
///   E0 A0..BF (below: overlong, a character that fits in 2 bytes)
///   ED 80..9F (above: U+D800..DFFF, UTF-16 surrogates, which are not characters)
///   F0 90..BF (below: overlong)      F4 80..8F (above: beyond U+10FFFF, the last code point)
inline bool utf8_second_byte_ok(unsigned char lead, unsigned char second) {
    switch (lead) {
        case 0xE0: return second >= 0xA0;
        case 0xED: return second <= 0x9F;
        case 0xF0: return second >= 0x90;
        case 0xF4: return second <= 0x8F;
        default: return true;  // the continuation-byte check covers the rest
    }
}

/// The characters of `text`, each a view of its 1..4 bytes. ValueError (naming `who`, the byte
/// offset and the byte) on invalid UTF-8.   "héllo" -> {"h", "é", "l", "l", "o"}
inline std::vector<std::string_view> utf8_chars(std::string_view text, const char* who = "utf8_chars") {
    std::vector<std::string_view> chars;
    chars.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        auto lead = static_cast<unsigned char>(text[i]);
        int len = utf8_length(lead);
        bool ok = len > 0 && i + static_cast<size_t>(len) <= text.size();
        for (int k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
        const bool forbidden = ok && len > 2 && !utf8_second_byte_ok(lead, static_cast<unsigned char>(text[i + 1]));
        if (!ok || forbidden)
            throw ValueError(fmt(who, ": invalid UTF-8 at byte ", i, " (0x", std::hex, int(lead), std::dec,
                                 len == 0     ? ", which cannot start a character"
                                 : forbidden ? ", an overlong form, a UTF-16 surrogate or a code point above U+10FFFF"
                                             : ", a character cut short",
                                 "); hint: read text files as UTF-8, or use the byte-level BPETokenizer, which "
                                 "accepts any bytes"));
        chars.push_back(text.substr(i, static_cast<size_t>(len)));
        i += static_cast<size_t>(len);
    }
    return chars;
}

}  // namespace tinytorch::text
