#!/usr/bin/env python3
"""The baseline Opastin must beat: scikit-learn TF-IDF (char_wb 2-5-grams) + LinearSVC, trained
on exactly the example utterances Opastin has (`opastin examples`), scored on the same
evaluation file beside `opastin evaluate --json`, per language.

Out of scope: the SVM answers "null" when its best decision score is below 0 (one-vs-rest
LinearSVC's own boundary); no tuning on the evaluation data.

    pip install scikit-learn
    swift build -c release && python3 bench/baseline.py [Tests/Evaluation/evaluation.jsonl]
"""
import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    eval_path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "Tests/Evaluation/evaluation.jsonl"
    binary = os.environ.get("OPASTIN_BIN", str(ROOT / ".build/release/opastin"))
    examples = [json.loads(l) for l in subprocess.run([binary, "examples", "--root", str(ROOT)], capture_output=True,
                                                         text=True, check=True).stdout.splitlines()]
    cases = [json.loads(l) for l in eval_path.read_text(encoding="utf-8").splitlines() if l.strip()]

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True)
    features = vectorizer.fit_transform([e["text"] for e in examples])
    model = LinearSVC(C=1.0).fit(features, [e["intent"] for e in examples])
    scores = model.decision_function(vectorizer.transform([c["text"] for c in cases]))
    # The project's own out-of-scope examples are a class for the SVM too; predicting it means null.
    baseline = [model.classes_[row.argmax()] if row.max() >= 0 else None for row in scores]
    baseline = [None if p == "out-of-scope" else p for p in baseline]

    report = json.loads(subprocess.run([binary, "evaluate", "--json", "--root", str(ROOT), str(eval_path)],
                                       capture_output=True, text=True, check=True).stdout)
    failures = {(f["text"], f["lang"]) for f in report["failures"]}

    tally = defaultdict(lambda: [0, 0, 0])  # lang -> [opastin right, baseline right, total]
    oos = [0, 0, 0]
    for case, predicted in zip(cases, baseline):
        ours_right = (case["text"], case.get("lang")) not in failures
        if case["intent"] is None:
            oos[0] += ours_right
            oos[1] += predicted is None
            oos[2] += 1
            continue
        row = tally[case.get("lang", "?")]
        row[0] += ours_right
        row[1] += predicted == case["intent"]
        row[2] += 1

    print(f"In-scope top-1 accuracy on {eval_path.name} ({len(examples)} training examples)")
    print(f"{'lang':5} {'n':>4}  {'opastin':>8}  {'tfidf+svm':>9}")
    for lang in sorted(tally):
        ours, theirs, total = tally[lang]
        print(f"{lang:5} {total:4}  {100*ours/total:7.1f}%  {100*theirs/total:8.1f}%")
    ours = sum(r[0] for r in tally.values()); theirs = sum(r[1] for r in tally.values()); total = sum(r[2] for r in tally.values())
    print(f"{'all':5} {total:4}  {100*ours/total:7.1f}%  {100*theirs/total:8.1f}%")
    if oos[2]:
        print(f"out of scope answered null: opastin {100*oos[0]/oos[2]:.1f}%  tfidf+svm {100*oos[1]/oos[2]:.1f}%  (n={oos[2]})")


if __name__ == "__main__":
    main()
