#!/usr/bin/env python3
"""Finds concept-lexicon entries (Locales/*.yaml, `concepts:`) that catch other languages'
words: all Latin-letter entries share one table, and romanisation folding merges spellings
(Arabizi `3ayyan` and English `ajan` both become `aian`, which is also Somali "ayaan", a very
common word). An entry is reported when, in another language's Latin-letter example sentences,
it matches at least MIN words that no other language's entries put in the same concept (a
Finnish service name in a Swedish sentence, caught by a Russian list's `kaupun*`, is no
collision when the Finnish list has it too).

    swift build -c release
    python3 bench/concept_collisions.py            # report
    python3 bench/concept_collisions.py --fix      # and remove those entries from Locales/

Words are keyed by the real analyzer (`opastin chat --staff` prints each message's Latin key).
Entries in other scripts are matched as written, so they cannot collide with Latin words and
are not checked here.
"""
import collections
import json
import re
import subprocess
import sys

import yaml

BINARY = ".build/release/opastin"
MIN = 3
LANGUAGES = ["ar", "en", "fi", "ru", "so", "sv"]


def latin_keys(lines):
    """The analyzer's Latin key of each line."""
    output = subprocess.run(
        [BINARY, "chat", "--staff"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    ).stdout
    keys = [re.sub(r"\s+\(known.*$", "", line.split("latin key: ", 1)[1]) for line in output.splitlines() if "latin key: " in line]
    assert len(keys) == len(lines), "one key per line expected"
    return keys


def is_latin(text):
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(ord(c) < 0x250 for c in letters) / len(letters) > 0.9


def main():
    fix = "--fix" in sys.argv
    examples = [json.loads(line) for line in subprocess.run([BINARY, "examples"], capture_output=True, text=True, check=True).stdout.splitlines()]
    examples = [e for e in examples if is_latin(e["text"])]
    words = collections.defaultdict(collections.Counter)
    for example, key in zip(examples, latin_keys([e["text"].replace("\n", " ") for e in examples])):
        words[example["lang"]].update(key.split())

    entries = []  # (language, concept, entry, key, is_stem)
    for language in LANGUAGES:
        concepts = yaml.safe_load(open(f"Locales/{language}.yaml")).get("concepts") or {}
        for concept, listed in concepts.items():
            for entry in str(listed).split():
                # Exact entries (`=rädd`) are matched as written, not by a folded key.
                if is_latin(entry.rstrip("*")) and not entry.startswith("="):
                    entries.append((language, concept, entry, entry.endswith("*")))
    keys = latin_keys([entry.rstrip("*") for _, _, entry, _ in entries])
    entries = [(lang, concept, entry, key, stem) for (lang, concept, entry, stem), key in zip(entries, keys)]

    def matches(key, stem, word):
        return word.startswith(key) if stem else word == key

    own = collections.defaultdict(list)
    for lang, concept, _, key, stem in entries:
        own[lang].append((concept, key, stem))

    bad = []
    for lang, concept, entry, key, stem in entries:
        for other, counts in words.items():
            if other == lang:
                continue
            wrong = [(w, n) for w, n in counts.items() if matches(key, stem, w)
                     and not any(c == concept and matches(k, s, w)
                                 for language, listed in own.items() if language != lang for c, k, s in listed)]
            total = sum(n for _, n in wrong)
            if total >= MIN:
                bad.append((lang, concept, entry, other, total, sorted(wrong, key=lambda x: -x[1])[:4]))
    for lang, concept, entry, other, total, sample in sorted(bad, key=lambda b: -b[4]):
        print(f"{lang} {concept}: {entry!r} catches {total} {other} words: {sample}")
    print(f"{len(bad)} collisions")
    if fix:
        remove = {(lang, concept, entry) for lang, concept, entry, *_ in bad}
        for language in LANGUAGES:
            path = f"Locales/{language}.yaml"
            lines = open(path).read().split("\n")
            start = lines.index("concepts:")
            for index in range(start + 1, len(lines)):
                match = re.match(r'  ([a-z0-9-]+): "(.*)"$', lines[index])
                if not match:
                    continue
                concept, items = match.group(1), match.group(2).split()
                kept = [item for item in items if (language, concept, item) not in remove]
                lines[index] = f'  {concept}: "' + " ".join(kept) + '"'
            open(path, "w").write("\n".join(lines))


if __name__ == "__main__":
    main()
