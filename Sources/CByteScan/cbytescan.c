#include "cbytescan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline int may_need_escaping(uint8_t byte) {
    return byte < 0x20 || byte == '"' || byte == '\\' || byte == 0x7F || byte == 0xE2;
}

size_t cbytescan_json_plain_length(const uint8_t *bytes, size_t count) {
    size_t position = 0;
#if defined(__SSE2__)
    // SSE2 is part of every x86-64 CPU. A byte is below 0x20 when the unsigned minimum of it
    // and 0x1F is the byte itself.
    const __m128i below_space = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7F), e2 = _mm_set1_epi8((char)0xE2);
    for (; position + 16 <= count; position += 16) {
        __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + position));
        __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(chunk, below_space), chunk);
        __m128i special = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(chunk, quote), _mm_cmpeq_epi8(chunk, backslash)),
            _mm_or_si128(_mm_cmpeq_epi8(chunk, del), _mm_cmpeq_epi8(chunk, e2)));
        int mask = _mm_movemask_epi8(_mm_or_si128(control, special));
        if (mask != 0) return position + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    for (; position < count; position++) {
        if (may_need_escaping(bytes[position])) return position;
    }
    return count;
}
