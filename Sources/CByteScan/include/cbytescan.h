// Scanning UTF-8 bytes sixteen at a time, which Swift's SIMD types did not compile to.
#ifndef CBYTESCAN_H
#define CBYTESCAN_H

#include <stddef.h>
#include <stdint.h>

/// The number of bytes from `bytes` before the first that may need escaping in a JSON string:
/// below 0x20, a quote, a backslash, DEL, or 0xE2 (the lead byte of U+2028 and U+2029, among
/// others); `count` when there is none.
size_t cbytescan_json_plain_length(const uint8_t *bytes, size_t count);

#endif
