#!/usr/bin/env python3
"""Appends reviewed example utterances from a JSONL file ({"intent", "lang", "text"}) to the
`examples:` lists of Knowledge/<intent>.yaml, skipping any text already present anywhere in
that language (case-insensitive). Edits the YAML text in place (no reformatting).

    python3 bench/merge_examples.py extra.jsonl [default-lang]
"""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def key(text):
    return " ".join(re.findall(r"\w+", text.casefold()))


def main():
    default_lang = sys.argv[2] if len(sys.argv) > 2 else None
    rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
    existing = {}
    for path in (ROOT / "Knowledge").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for lang, texts in (data.get("examples") or {}).items():
            for t in texts:
                existing.setdefault(lang, set()).add(key(t))
    additions = {}
    for row in rows:
        lang = row.get("lang", default_lang)
        k = key(row["text"])
        if not k or k in existing.setdefault(lang, set()):
            continue
        existing[lang].add(k)
        additions.setdefault(row["intent"], {}).setdefault(lang, []).append(row["text"].strip())
    added = 0
    for intent, per_lang in additions.items():
        path = ROOT / "Knowledge" / f"{intent}.yaml"
        lines = path.read_text(encoding="utf-8").split("\n")
        for lang, texts in per_lang.items():
            start = lines.index("examples:")
            header = next(i for i in range(start, len(lines)) if lines[i] == f"  {lang}:")
            end = header + 1
            while end < len(lines) and lines[end].startswith("    - "):
                end += 1
            lines[end:end] = ["    - " + json.dumps(t, ensure_ascii=False) for t in texts]
            added += len(texts)
        path.write_text("\n".join(lines), encoding="utf-8")
        yaml.safe_load(path.read_text(encoding="utf-8"))  # still valid
    print(f"added {added} examples")


if __name__ == "__main__":
    main()
