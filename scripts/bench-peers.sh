#!/usr/bin/env bash
# Runs pivsr's benchmarks beside the same computation in a peer library and
# prints one line per comparison:
#   BENCH <name> ours_ms=<x> peer_ms=<y> ratio=<x/y>
# A peer whose Python module is missing is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."

# python_with MODULE: a Python interpreter that imports MODULE (Debian's
# packages live under /usr/bin/python3, which may not be the first on PATH).
python_with() {
	local py
	for py in python3 /usr/bin/python3; do
		if command -v "$py" >/dev/null 2>&1 && "$py" -c "import $1" >/dev/null 2>&1; then
			echo "$py"
			return 0
		fi
	done
	return 1
}

# go_ms PKG BENCH [BENCHTIME]: the Go benchmark's time per op in ms.
go_ms() {
	go test "./$1" -run '^$' -bench "^$2\$" -benchtime "${3:-3x}" -count 1 |
		awk '/ns\/op/ { for (i = 1; i <= NF; i++) if ($(i+1) == "ns/op") { printf "%.3f\n", $i / 1e6; exit } }'
}

compare() { # NAME OURS_MS PEER_MS
	awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "BENCH %s ours_ms=%.3f peer_ms=%.3f ratio=%.4f\n", n, a, b, a / b }'
}

if py=$(python_with ot); then
	ours=$(go_ms transport BenchmarkSliced100k)
	peer=$("$py" scripts/bench_pot_sliced.py 1)
	compare sliced_w2_100k_1000proj "$ours" "$peer"
else
	echo "BENCH sliced_w2_100k_1000proj skipped: POT is not installed (apt-get install python3-pot)"
fi

if py=$(python_with torch); then
	ours=$(go_ms models BenchmarkTrainStep 20x)
	# PyTorch's best thread setting is the peer.
	peer=$("$py" scripts/bench_torch_step.py --threads 1,2 |
		awk -F'ms_per_step=' '/ms_per_step=/ { if (best == "" || $2 < best) best = $2 } END { print best }')
	compare mfn_train_step "$ours" "$peer"
	ours=$(go_ms models BenchmarkTrainStepStructure 20x)
	peer=$("$py" scripts/bench_torch_step.py --threads 1,2 --structure |
		awk -F'ms_per_step=' '/ms_per_step=/ { if (best == "" || $2 < best) best = $2 } END { print best }')
	compare mfn_train_step_structure "$ours" "$peer"
else
	echo "BENCH mfn_train_step skipped: PyTorch is not installed (apt-get install python3-torch)"
	echo "BENCH mfn_train_step_structure skipped: PyTorch is not installed (apt-get install python3-torch)"
fi
