#include "cicu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

struct cicu_transliterator {
    UTransliterator *handle;
};

struct cicu_word_breaker {
    UBreakIterator *handle;
};

static int32_t normalize_with(const UNormalizer2 *normalizer, UErrorCode status, const uint16_t *src,
                              int32_t length, uint16_t *dest, int32_t capacity) {
    if (U_FAILURE(status)) return -(int32_t)status;
    int32_t written = unorm2_normalize(normalizer, (const UChar *)src, length, (UChar *)dest, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || U_SUCCESS(status)) return written;
    return -(int32_t)status;
}

int32_t cicu_nfkc_casefold(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    // A shared singleton owned by ICU: never closed.
    const UNormalizer2 *normalizer = unorm2_getNFKCCasefoldInstance(&status);
    return normalize_with(normalizer, status, src, length, dest, capacity);
}

int32_t cicu_nfd(const uint16_t *src, int32_t length, uint16_t *dest, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = unorm2_getNFDInstance(&status);
    return normalize_with(normalizer, status, src, length, dest, capacity);
}

cicu_transliterator *cicu_transliterator_open(const uint16_t *id, int32_t id_length, int is_rules,
                                              char *error_message, int32_t error_capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    memset(&parse_error, 0, sizeof parse_error);
    UTransliterator *handle;
    if (is_rules) {
        static const UChar rules_id[] = {'o', 'p', 'a', 's', 't', 'i', 'n', '-', 'r', 'u', 'l', 'e', 's', 0};
        handle = utrans_openU(rules_id, -1, UTRANS_FORWARD, (const UChar *)id, id_length, &parse_error, &status);
    } else {
        handle = utrans_openU((const UChar *)id, id_length, UTRANS_FORWARD, NULL, 0, &parse_error, &status);
    }
    if (U_FAILURE(status) || handle == NULL) {
        if (error_message && error_capacity > 0) {
            if (parse_error.line > 0 || parse_error.offset > 0) {
                snprintf(error_message, (size_t)error_capacity, "%s at rule %d, offset %d", u_errorName(status),
                         parse_error.line, parse_error.offset);
            } else {
                snprintf(error_message, (size_t)error_capacity, "%s", u_errorName(status));
            }
        }
        if (handle) utrans_close(handle);
        return NULL;
    }
    cicu_transliterator *result = (cicu_transliterator *)malloc(sizeof(cicu_transliterator));
    if (!result) {
        utrans_close(handle);
        return NULL;
    }
    result->handle = handle;
    return result;
}

void cicu_transliterator_close(cicu_transliterator *transliterator) {
    if (!transliterator) return;
    utrans_close(transliterator->handle);
    free(transliterator);
}

int32_t cicu_transliterate(cicu_transliterator *transliterator, uint16_t *buffer, int32_t length,
                           int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t text_length = length;
    int32_t limit = length;
    utrans_transUChars(transliterator->handle, (UChar *)buffer, &text_length, capacity, 0, &limit, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return text_length > capacity ? text_length : capacity + 1;
    if (U_FAILURE(status)) return -(int32_t)status;
    return text_length;
}

cicu_word_breaker *cicu_word_breaker_open(const char *locale) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *handle = ubrk_open(UBRK_WORD, locale, NULL, 0, &status);
    if (U_FAILURE(status) || handle == NULL) return NULL;
    cicu_word_breaker *result = (cicu_word_breaker *)malloc(sizeof(cicu_word_breaker));
    if (!result) {
        ubrk_close(handle);
        return NULL;
    }
    result->handle = handle;
    return result;
}

void cicu_word_breaker_close(cicu_word_breaker *breaker) {
    if (!breaker) return;
    ubrk_close(breaker->handle);
    free(breaker);
}

int32_t cicu_word_breaker_words(cicu_word_breaker *breaker, const uint16_t *text, int32_t length,
                                int32_t *starts, int32_t *ends, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(breaker->handle, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -(int32_t)status;
    int32_t count = 0;
    int32_t start = ubrk_first(breaker->handle);
    for (int32_t end = ubrk_next(breaker->handle); end != UBRK_DONE; start = end, end = ubrk_next(breaker->handle)) {
        int32_t rule = ubrk_getRuleStatus(breaker->handle);
        if (rule >= UBRK_WORD_NONE && rule < UBRK_WORD_NONE_LIMIT) continue;
        if (count < capacity) {
            starts[count] = start;
            ends[count] = end;
        }
        count++;
    }
    // Detach the caller's buffer so the iterator never points at freed memory.
    static const UChar empty[] = {0};
    ubrk_setText(breaker->handle, empty, 0, &status);
    return count;
}

int32_t cicu_script(uint32_t code_point) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript((UChar32)code_point, &status);
    return U_SUCCESS(status) ? (int32_t)script : (int32_t)USCRIPT_UNKNOWN;
}

void cicu_script_name(int32_t script, char *name, int32_t capacity) {
    const char *short_name = uscript_getShortName((UScriptCode)script);
    if (!short_name) short_name = "Zzzz";
    snprintf(name, (size_t)capacity, "%s", short_name);
}

int cicu_is_letter(uint32_t code_point) { return u_isalpha((UChar32)code_point) ? 1 : 0; }

int cicu_is_nonspacing_mark(uint32_t code_point) {
    return u_charType((UChar32)code_point) == U_NON_SPACING_MARK ? 1 : 0;
}

void cicu_version(char *version, int32_t capacity) {
    UVersionInfo info;
    u_getVersion(info);
    char buffer[U_MAX_VERSION_STRING_LENGTH];
    u_versionToString(info, buffer);
    snprintf(version, (size_t)capacity, "%s", buffer);
}
