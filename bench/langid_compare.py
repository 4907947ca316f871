#!/usr/bin/env python3
"""Language identification: Opastin beside the lingua detector, per language, on the same texts.

Texts: ../shared/evaldata/langid/<lang>_{sentences,word-pairs,single-words}.txt (held-out, never
trained on) and the project's own romanised chat set Tests/Evaluation/langid-romanised.tsv.
lingua is restricted to the same six languages (its best case). An undetermined answer counts
as wrong for both (Opastin answers "undetermined" on purpose for a message too short or too
ambiguous to tell; the chat then keeps the session's language); its share is shown.

    pip install lingua-language-detector
    swift build -c release && python3 bench/langid_compare.py [--limit 1000]
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["fi", "sv", "en", "ru", "ar", "so"]


def opastin_identify(binary, texts):
    out = subprocess.run([binary, "identify", "--root", str(ROOT)], input="\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    return [line.split("\t")[0] if line != "-" else None for line in out]


def lingua_identify(texts):
    from lingua import Language, LanguageDetectorBuilder
    names = {"fi": Language.FINNISH, "sv": Language.SWEDISH, "en": Language.ENGLISH,
             "ru": Language.RUSSIAN, "ar": Language.ARABIC, "so": Language.SOMALI}
    detector = LanguageDetectorBuilder.from_languages(*names.values()).build()
    back = {v: k for k, v in names.items()}
    return [back.get(detector.detect_language_of(t)) for t in texts]


def accuracy(predicted, expected):
    return sum(p == e for p, e in zip(predicted, expected)) / max(len(expected), 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=1000, help="texts per file")
    parser.add_argument("--binary", default=str(ROOT / ".build/release/opastin"))
    args = parser.parse_args()
    evaldata = ROOT.parent / "shared/evaldata/langid"
    sets = []
    for kind in ["sentences", "word-pairs", "single-words"]:
        for lang in LANGS:
            path = evaldata / f"{lang}_{kind}.txt"
            if path.exists():
                lines = [l.strip() for l in path.read_text(encoding="utf-8").splitlines() if l.strip()][: args.limit]
                sets.append((kind, lang, lines))
    own = ROOT / "Tests/Evaluation/langid-romanised.tsv"
    if own.exists():
        rows = [l.split("\t", 1) for l in own.read_text(encoding="utf-8").splitlines() if "\t" in l]
        for lang in LANGS:
            texts = [t for code, t in rows if code == lang]
            if texts:
                sets.append(("own-chat (romanised ru/ar)", lang, texts))
    print(f"{'set':28} {'lang':4} {'n':>5}  {'opastin':>8} {'(undecided)':>11}  {'lingua':>8}")
    for kind, lang, texts in sets:
        predicted = opastin_identify(args.binary, texts)
        ours = accuracy(predicted, [lang] * len(texts))
        undecided = sum(p is None for p in predicted) / len(texts)
        theirs = accuracy(lingua_identify(texts), [lang] * len(texts))
        print(f"{kind:28} {lang:4} {len(texts):5}  {ours*100:7.1f}% {undecided*100:10.1f}%  {theirs*100:7.1f}%")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
