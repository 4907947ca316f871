// A small plain-C face over the ICU functions Opastin uses.
// ICU's own headers are included only in cicu.c: importing them into Swift beside
// Foundation clashes with Foundation's bundled ICU, and ICU renames its symbols per version.
#ifndef CICU_H
#define CICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Text is passed as UTF-16 code units. Functions that write text return the length they
/// needed; when it exceeds the capacity given, nothing usable was written and the caller
/// retries with a buffer of that size. A negative return is an ICU error code (negated).

/// NFKC case folding (NFKC_Casefold): compatibility forms, case, and default-ignorable
/// characters (zero-width joiners, bidi controls) removed in one pass.
int32_t cicu_nfkc_casefold(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity);

/// NFD decomposition (used to strip combining marks).
int32_t cicu_nfd(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity);

typedef struct cicu_transliterator cicu_transliterator;

/// Opens a transliterator for an ICU transform id ("Any-Latin; Latin-ASCII") or, when
/// `is_rules` is non-zero, for a set of transform rules. On failure returns NULL and writes
/// a message into `error_message`.
cicu_transliterator *cicu_transliterator_open(const uint16_t *id, int32_t id_length, int is_rules,
                                              char *error_message, int32_t error_capacity);
void cicu_transliterator_close(cicu_transliterator *transliterator);

/// Transliterates `buffer` in place. Returns the new length (which may exceed `capacity`:
/// then the buffer holds nothing usable and the caller retries with a bigger one).
int32_t cicu_transliterate(cicu_transliterator *transliterator, uint16_t *buffer, int32_t length,
                           int32_t capacity);

typedef struct cicu_word_breaker cicu_word_breaker;

/// Opens an ICU word break iterator for a locale ("" for the root rules, which also
/// segment Chinese and Thai with dictionaries).
cicu_word_breaker *cicu_word_breaker_open(const char *locale);
void cicu_word_breaker_close(cicu_word_breaker *breaker);

/// Splits text into words: writes the [start, end) UTF-16 offsets of every segment whose
/// rule status is a word (letters, numbers, ideographs, kana), skipping spaces and punctuation.
/// Returns the number of words found (which may exceed `capacity`).
int32_t cicu_word_breaker_words(cicu_word_breaker *breaker, const uint16_t *text, int32_t length,
                                int32_t *starts, int32_t *ends, int32_t capacity);

/// The ICU script code (UScriptCode) of a code point; 0 is Common, 1 is Inherited.
int32_t cicu_script(uint32_t code_point);

/// The ISO 15924 short name ("Latn", "Cyrl", "Arab", "Hani", "Zyyy") of an ICU script code,
/// written as a NUL-terminated string.
void cicu_script_name(int32_t script, char *name, int32_t capacity);

/// Returns non-zero when the code point is a letter (general category L*).
int cicu_is_letter(uint32_t code_point);

/// Returns non-zero when the code point is a nonspacing combining mark (Mn).
int cicu_is_nonspacing_mark(uint32_t code_point);

/// The ICU version, e.g. "72.1".
void cicu_version(char *version, int32_t capacity);

#ifdef __cplusplus
}
#endif

#endif
