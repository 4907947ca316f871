#!/usr/bin/env python3
"""One line to compare matcher changes on the development sets, never the test set:
in-scope answered right on dev.jsonl + dev2.jsonl (per language), their out-of-scope messages
answered null, in-scope messages rejected, dev-oos.jsonl answered null, the short queries of
dev-short.jsonl (in scope right, out of scope null), dev3.jsonl (in scope right per language,
out of scope null), dev4.jsonl (questions wrapped in greetings and thanks, feelings told in
everyday words; right answers of 120), dev-distress.jsonl (people in distress: low mood,
suicidal thoughts, domestic and sexual violence, racism, and look-alikes that use the same
words; in scope right per language, out of scope null, e.g. "how to kill a process"), and the CLINC
out-of-scope queries answered null (../shared/evaldata/clinc_oos_dev.jsonl, measure only).

    swift build -c release && python3 bench/dev_summary.py [--root DIR] [--binary PATH]

The engine cache is switched off, so an experiment never reads an index built by other code.
"""
import argparse
import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVALUATION = ROOT / "Tests/Evaluation"
CLINC = ROOT.parent / "shared/evaldata/clinc_oos_dev.jsonl"


def evaluate(binary, path, root):
    command = [str(binary), "evaluate", str(path), "--json"] + (["--root", str(root)] if root else [])
    environment = dict(os.environ, OPASTIN_CACHE_DIR="off")
    return json.loads(subprocess.run(command, env=environment, capture_output=True, check=True, text=True).stdout)


def main(args):
    with tempfile.TemporaryDirectory() as folder:
        both = Path(folder) / "dev-both.jsonl"
        both.write_text("".join((EVALUATION / name).read_text(encoding="utf-8") for name in ("dev.jsonl", "dev2.jsonl")),
                        encoding="utf-8")
        files = [both, EVALUATION / "dev-oos.jsonl", EVALUATION / "dev-short.jsonl", EVALUATION / "dev3.jsonl",
                 EVALUATION / "dev4.jsonl", EVALUATION / "dev-distress.jsonl"]
        files += [CLINC] if CLINC.exists() else []
        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(lambda path: evaluate(args.binary, path, args.root), files))
    dev, oos, short, dev3, dev4, distress = reports[:6]
    languages = " ".join(f"{code}:{figures['correct']}" for code, figures in sorted(dev["in_scope_by_lang"].items()))
    line = (f"dev+dev2 in scope {dev['in_scope']['correct']}/{dev['in_scope']['total']} [{languages}]"
            f" | out of scope {dev['out_of_scope_recall']['correct']}/{dev['out_of_scope_recall']['total']}"
            f" | rejected {dev['false_rejections']['correct']}"
            f" | dev-oos {oos['out_of_scope_recall']['correct']}/{oos['out_of_scope_recall']['total']}"
            f" | short {short['in_scope']['correct']}/{short['in_scope']['total']}"
            f" + null {short['out_of_scope_recall']['correct']}/{short['out_of_scope_recall']['total']}")
    dev3_languages = " ".join(f"{code}:{figures['correct']}" for code, figures in sorted(dev3["in_scope_by_lang"].items()))
    line += (f" | dev3 {dev3['in_scope']['correct']}/{dev3['in_scope']['total']} [{dev3_languages}]"
             f" + null {dev3['out_of_scope_recall']['correct']}/{dev3['out_of_scope_recall']['total']}"
             f" rejected {dev3['false_rejections']['correct']}")
    right = dev4["in_scope"]["correct"] + dev4["out_of_scope_recall"]["correct"]
    line += f" | dev4 {right}/{dev4['in_scope']['total'] + dev4['out_of_scope_recall']['total']}"
    distress_languages = " ".join(f"{code}:{figures['correct']}" for code, figures in sorted(distress["in_scope_by_lang"].items()))
    line += (f" | distress {distress['in_scope']['correct']}/{distress['in_scope']['total']} [{distress_languages}]"
             f" + null {distress['out_of_scope_recall']['correct']}/{distress['out_of_scope_recall']['total']}")
    if len(reports) > 6:
        line += f" | CLINC {reports[6]['out_of_scope_recall']['correct']}/{reports[6]['out_of_scope_recall']['total']}"
    print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build/release/opastin"))
    parser.add_argument("--root", help="folder holding Knowledge/ and Locales/ (default: this repo)")
    main(parser.parse_args())
