#!/usr/bin/env python3
"""Simulates the matcher's decision rule (answer / clarify / fall back) over the top-3 scores
of `opastin evaluate --json --all FILE`, to choose MatchPolicy thresholds on the development
sets (Tests/Evaluation/dev.jsonl, dev2.jsonl, and dev-oos.jsonl for general-assistant requests
that must stay unanswered) — never on the test set.

    cat Tests/Evaluation/dev.jsonl Tests/Evaluation/dev2.jsonl Tests/Evaluation/dev-oos.jsonl > /tmp/dev-all.jsonl
    .build/release/opastin evaluate --json --all /tmp/dev-all.jsonl > /tmp/dev.json
    python3 bench/tune_thresholds.py /tmp/dev.json

The simulation leaves out the classifier's second opinion (it needs the model): confirm a
choice with `opastin evaluate` on the dev sets before adopting it.
"""
import json
import sys


def decide(top, minimum, margin, certain, oos_margin=0.0):
    if not top or top[0]["score"] < minimum or top[0]["intent"] == "out-of-scope":
        return None
    # The out-of-scope examples close behind the best intent: treat as out of scope.
    if any(t["intent"] == "out-of-scope" and top[0]["score"] - t["score"] < oos_margin for t in top[1:]):
        return None
    top = [t for t in top if t["intent"] != "out-of-scope"]
    close = [t for t in top if top[0]["score"] - t["score"] < margin]
    if len(close) > 1 and top[0]["score"] < certain:
        return "clarify"
    return top[0]["intent"]


def main():
    outcomes = json.load(open(sys.argv[1]))["outcomes"]
    results = []
    for minimum in [x / 100 for x in range(10, 45)]:
      for oos_margin in [0, 0.04, 0.08, 0.1, 0.12, 0.15, 0.2]:
        for margin in [0, 0.01, 0.02, 0.03]:
            certain = 0.6
            right = oos = rejected = 0
            n_in = sum(1 for o in outcomes if o["expected"])
            n_oos = len(outcomes) - n_in
            for o in outcomes:
                d = decide(o["top"], minimum, margin, certain, oos_margin)
                if o["expected"] is None:
                    oos += d is None
                else:
                    right += d == o["expected"]
                    rejected += d is None
            results.append((right / n_in, oos / max(n_oos, 1), rejected / n_in, minimum, margin, oos_margin))
    # Best in-scope accuracy among rules that answer null to >= 90 % of out-of-scope messages.
    floor = float(sys.argv[2]) if len(sys.argv) > 2 else 0.9
    for row in sorted([r for r in results if r[1] >= floor], reverse=True)[:8]:
        print("in-scope %.3f  oos-null %.3f  rejected %.3f  minimum %.2f  margin %.2f  oos-margin %.2f" % row)


if __name__ == "__main__":
    main()
