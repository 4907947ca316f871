#!/usr/bin/env python3
"""Fits the confidence calibration: a logistic curve P(right | best score, lead over the
runner-up) on a development set's outcomes, so `"confidence"` means "this often right".
Prints the three coefficients for MatchPolicy (confidenceBias, confidenceScoreWeight,
confidenceLeadWeight). Fit on the dev sets only (dev.jsonl + dev2.jsonl) — never on the test set.

    cat Tests/Evaluation/dev.jsonl Tests/Evaluation/dev2.jsonl > /tmp/dev-all.jsonl
    .build/release/opastin evaluate --json --all /tmp/dev-all.jsonl > /tmp/dev.json
    python3 bench/calibrate.py /tmp/dev.json
"""
import json
import sys

from sklearn.linear_model import LogisticRegression


def main():
    outcomes = json.load(open(sys.argv[1]))["outcomes"]
    features, labels = [], []
    for o in outcomes:
        top = [t for t in o["top"] if t["intent"] != "out-of-scope"]
        if not top:
            continue
        best = top[0]["score"]
        lead = best - (top[1]["score"] if len(top) > 1 else 0)
        features.append([best, lead])
        labels.append(1 if o["expected"] == top[0]["intent"] else 0)
    model = LogisticRegression(C=10).fit(features, labels)
    bias, (score, lead) = model.intercept_[0], model.coef_[0]
    print(f"confidenceBias = {bias:.3f}, confidenceScoreWeight = {score:.3f}, confidenceLeadWeight = {lead:.3f}  (n={len(labels)})")
    # How well it is calibrated: predicted vs observed in five bins.
    probabilities = model.predict_proba(features)[:, 1]
    bins = [[] for _ in range(5)]
    for p, y in zip(probabilities, labels):
        bins[min(int(p * 5), 4)].append((p, y))
    for i, b in enumerate(bins):
        if b:
            print(f"  predicted {i/5:.1f}-{(i+1)/5:.1f}: mean {sum(p for p, _ in b)/len(b):.2f}, observed {sum(y for _, y in b)/len(b):.2f} (n={len(b)})")


if __name__ == "__main__":
    main()
