#!/usr/bin/env bash
# gpu-check.sh: checks pivsr on a GPU machine that has no Go toolchain.
#
#   scripts/gpu-check.sh build   (here) packs bin/gpu-bundle.tgz (about 20 MB; bin/ is git-ignored): pivsr built with
#                                GOEXPERIMENT=simd and stripped, the shared libraries it links (ldd)
#                                minus glibc's, the Turb2D snapshot and the PyTorch step benchmark.
#   scripts/gpu-check.sh run     (there, from the repository root, bin/gpu-bundle.tgz carried) unpacks it
#                                to /tmp/pivsr-bundle and runs:
#                                nvidia-smi; pivsr doctor -probe; pivsr train on Turb2D x8 with
#                                -backend xla:<the CUDA plugin doctor found> and with -backend go;
#                                the same training step in PyTorch on the GPU. Results go to $OUT
#                                (or bin/gpu-results): log.txt, doctor.json, train-xla.jsonl,
#                                train-go.jsonl, torch.txt. About 3 minutes, at most 8.
#
# With the device tool: run `scripts/gpu-check.sh build` here, then
#   run(command="bash scripts/gpu-check.sh run", carry=["bin/gpu-bundle.tgz"], timeout_s=540)
set -euo pipefail
cd "$(dirname "$0")/.."
packed=bin/gpu-bundle.tgz
bundle=/tmp/pivsr-bundle # the unpacked bundle

build() {
	export GOEXPERIMENT=${GOEXPERIMENT:-simd} CGO_ENABLED=1
	rm -rf "$bundle" "$packed"
	mkdir -p "$bundle/lib" "$bundle/data" bin
	go build -ldflags='-s -w' -o "$bundle/pivsr" .
	# Every library the binary needs but glibc's own (the GPU machine's glibc is as new or newer).
	ldd "$bundle/pivsr" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
		case "$(basename "$lib")" in
		libc.so* | libm.so* | libdl.so* | libpthread.so* | librt.so* | libresolv.so* | ld-linux*) ;;
		*) cp -L "$lib" "$bundle/lib/" ;;
		esac
	done
	local turb=../shared/data/turb2d/turb2d_666.h5
	[ -e "$turb" ] || { echo "gpu-check: $turb is missing" >&2; exit 1; }
	cp "$turb" "$bundle/data/"
	cp scripts/bench_torch_step.py "$bundle/"
	"$bundle/pivsr" version
	tar czf "$packed" -C "$bundle" .
	echo "gpu-check: packed $packed ($(du -h "$packed" | cut -f1)): pivsr, $(ls "$bundle/lib" | wc -l) libraries, Turb2D"
}

# libdir: a folder holding only the bundled libraries this machine lacks, so that the system's own are kept.
libdir() {
	local dir=/tmp/pivsr-lib missing m
	rm -rf "$dir" && mkdir -p "$dir"
	for _ in 1 2 3 4 5 6; do
		missing=$(LD_LIBRARY_PATH=$dir ldd "$bundle/pivsr" | awk '/not found/ { print $1 }' | sort -u)
		[ -z "$missing" ] && break
		for m in $missing; do
			if [ -e "$bundle/lib/$m" ]; then cp "$bundle/lib/$m" "$dir/"; else echo "gpu-check: $m is not in the bundle" >&2; fi
		done
	done
	echo "$dir"
}

run() {
	local out=${OUT:-bin/gpu-results} t0=$SECONDS
	mkdir -p "$out"
	exec > >(tee "$out/log.txt") 2>&1
	[ -e "$packed" ] || { echo "gpu-check: $packed is missing: run 'scripts/gpu-check.sh build' here first and carry $packed"; exit 1; }
	rm -rf "$bundle" && mkdir -p "$bundle" && tar xzf "$packed" -C "$bundle"
	local libs
	libs=$(libdir)
	echo "== bundled libraries used: $(ls "$libs" | tr '\n' ' ')"
	local pivsr=(env "LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bundle/pivsr")
	echo "== nvidia-smi"
	nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
	echo "== pivsr doctor -probe"
	timeout 90 "${pivsr[@]}" doctor -probe || echo "doctor -probe failed ($?)"
	"${pivsr[@]}" doctor -json >"$out/doctor.json" || true
	local plugin
	plugin=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(next((p["path"] for p in d["plugins"] if p["name"].startswith("cuda")), ""))' "$out/doctor.json" 2>/dev/null || true)
	if [ -z "$plugin" ]; then # discovery failed: ask JAX itself
		plugin=$(python3 -c 'import os, jax_plugins.xla_cuda13 as m; print(os.path.join(os.path.dirname(m.__file__), "xla_cuda_plugin.so"))' 2>/dev/null || true)
		echo "gpu-check: doctor found no CUDA plugin; JAX's own is at '${plugin}'"
	fi
	local work=/tmp/pivsr-gpu-check
	rm -rf "$work" && mkdir -p "$work"
	"${pivsr[@]}" sparsify "$bundle/data/turb2d_666.h5" -every 8 -o "$work/sp.h5"
	if [ -n "$plugin" ]; then
		echo "== pivsr train Turb2D x8, -backend xla:$plugin"
		local s=$SECONDS
		timeout 180 "${pivsr[@]}" train "$work/sp.h5" -o "$work/xla.h5" -truth "$bundle/data/turb2d_666.h5" -backend "xla:$plugin" -json >"$out/train-xla.jsonl" ||
			echo "train on XLA failed ($?)"
		echo "wall $((SECONDS - s)) s (process start, plugin load and compilation included)"
		grep -E '"event":"(started|metrics|finished)"' "$out/train-xla.jsonl" || true
		grep '"event":"step"' "$out/train-xla.jsonl" | tail -1 || true
	fi
	echo "== pivsr train Turb2D x8, -backend go ($(nproc) CPUs)"
	s=$SECONDS
	timeout 90 "${pivsr[@]}" train "$work/sp.h5" -o "$work/go.h5" -truth "$bundle/data/turb2d_666.h5" -backend go -json >"$out/train-go.jsonl" ||
		echo "train on Go failed ($?)"
	echo "wall $((SECONDS - s)) s"
	grep -E '"event":"(started|metrics|finished)"' "$out/train-go.jsonl" || true
	echo "== PyTorch step on the GPU (hidden 64 as pivsr train's default, 128 as models.BenchmarkTrainStep)"
	for h in 64 128; do
		timeout 60 python3 "$bundle/bench_torch_step.py" --device cuda --hidden "$h" --steps 50 --repeats 3 || echo "torch failed ($?)"
	done | tee "$out/torch.txt"
	echo "== done in $((SECONDS - t0)) s"
}

case "${1:-}" in
build) build ;;
run) run ;;
*)
	echo "usage: scripts/gpu-check.sh build|run" >&2
	exit 2
	;;
esac
