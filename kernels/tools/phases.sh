#!/usr/bin/env bash
# Where the batched solve's time goes, on a machine with an NVIDIA GPU (the second H200 session's method; see
# benchmarks/RESULTS.md, "Second GPU session"):
#   1. a copy of src/ with clock64() phase counters in solve.cu (phase_clocks.py), built for sm_90 with -lineinfo;
#   2. phases.cpp against it: mean cycles per problem of each phase of gpu-check's batch;
#   3. with --ncu, Nsight Compute's per-instruction stall samples of the solve kernel, summarised by
#      ncu_regions.py (warp time by code region, top stall reasons).
# usage: kernels/tools/phases.sh [--ncu] [OUTDIR]     (needs nvcc, python3; ncu for --ncu)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ncu_too=0
if [[ "${1:-}" == "--ncu" ]]; then ncu_too=1; shift; fi
out="${1:-$here/../target/phases}"
mkdir -p "$out"
rm -rf "$out/src" && cp -r "$here/../src" "$out/src"
python3 "$here/phase_clocks.py" "$out/src/solve.cu"
nvcc="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
"$nvcc" -O3 -std=c++20 -lineinfo -cudart static -shared -Xcompiler -fPIC,-fvisibility=hidden,-pthread \
    -gencode=arch=compute_90,code=sm_90 -I"$here/../include" -I"$out/src" "$out"/src/*.cu \
    -o "$out/libequirisk_cuda.so"
g++ -O2 -std=c++20 -pthread -I"$here/../include" "$here/phases.cpp" -L"$out" -lequirisk_cuda -o "$out/phases"
LD_LIBRARY_PATH="$out" "$out/phases"
if [[ $ncu_too == 1 ]]; then
    # the second solve launch (the first is the one-problem warm-up)
    LD_LIBRARY_PATH="$out" ncu --set full -k regex:solve_kernel --launch-skip 1 -c 1 -o "$out/solve" -f \
        "$out/phases" > "$out/ncu.log" 2>&1
    ncu -i "$out/solve.ncu-rep" --page source --csv --print-source sass > "$out/solve_sass.csv"
    python3 "$here/ncu_regions.py" "$out/solve_sass.csv"
fi
