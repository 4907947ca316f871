#!/usr/bin/env bash
# The cost of one request through `opastin chat --json` (the code path behind the socket
# server), counted by valgrind's callgrind instead of timed: repeatable to the instruction on
# this shared machine, where timings swing by 1.5× between runs. Prints, per request, the
# instructions, the simulated cache misses (32 KiB L1 caches, a 1 MiB last-level cache like
# one core's L2 here) and an estimate of cycles (instructions + 10 per L1 miss + 100 per
# last-level miss, the weights KCachegrind's estimate uses).
#
#   swift build -c release --product opastin && bench/request_cost.sh [BINARY] [REQUESTS]
#
# Needs valgrind (apt-get install -y valgrind). Run from the repository root: the binary
# reads Knowledge/ from there.
set -euo pipefail
binary=${1:-.build/release/opastin}
requests=${2:-bench/results/requests.jsonl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the debug information of Swift 6 binaries: count a stripped copy.
cp "$binary" "$work/opastin"
strip -g "$work/opastin"
# A first run fills the engine cache, so the counted run only loads it.
"$work/opastin" chat --json < "$requests" > /dev/null
valgrind --tool=callgrind --cache-sim=yes --LL=1048576,16,64 --callgrind-out-file="$work/callgrind.out" \
    --toggle-collect='$s11OpastinChat16LineConversationV*' "$work/opastin" chat --json < "$requests" \
    > /dev/null 2> "$work/valgrind.log"
python3 - "$work/valgrind.log" "$(wc -l < "$requests")" <<'PYTHON'
import re, sys
log, requests = open(sys.argv[1]).read(), int(sys.argv[2])
def total(label):
    return int(re.search(label + r":\s+([\d,]+)", log).group(1).replace(",", ""))
instructions, i1, d1, last = total("I   refs"), total("I1  misses"), total("D1  misses"), total("LL misses")
print(f"per request ({requests} requests): {instructions / requests:,.0f} instructions, "
      f"{(i1 + d1) / requests:,.0f} L1 misses ({i1 / requests:,.0f} instruction, {d1 / requests:,.0f} data), "
      f"{last / requests:,.0f} last-level misses; estimated cycles {(instructions + 10 * (i1 + d1) + 100 * last) / requests:,.0f}")
PYTHON
