#!/usr/bin/env bash
# Where the batched solve's time goes, on a machine with an NVIDIA GPU (the second H200 session's method; see
# benchmarks/RESULTS.md, "Second GPU session"):
#   1. a copy of src/ with clock64() phase counters in solve.cu (phase_clocks.py), built for sm_90 with -lineinfo;
#   2. phases.cpp against it: mean cycles per problem of each phase of gpu-check's batch;
#   3. with --ncu, Nsight Compute's per-instruction stall samples of the solve kernel, summarised by
#      ncu_regions.py (warp time by code region, top stall reasons).
# usage: kernels/tools/phases.sh [--ncu] [--build-only | --run-only] [OUTDIR]   (nvcc and python3 to build, a GPU
#        to run, ncu for --ncu). EQUIRISK_NVCC_FLAGS adds nvcc flags (an experiment's -D…). --build-only needs no GPU:
#        build here, carry OUTDIR to the GPU machine and run it there with --run-only.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ncu_too=0 build=1 run=1
while [[ "${1:-}" == --* ]]; do
    case "$1" in
        --ncu) ncu_too=1 ;;
        --build-only) run=0 ;;
        --run-only) build=0 ;;
        *) echo "phases.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
out="${1:-$here/../target/phases}"
mkdir -p "$out"
if [[ $build == 1 ]]; then
    rm -rf "$out/src" && cp -r "$here/../src" "$out/src"
    python3 "$here/phase_clocks.py" "$out/src/solve.cu"
    nvcc="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
    # shellcheck disable=SC2086
    "$nvcc" -O3 -std=c++20 -lineinfo -cudart static -shared -Xcompiler -fPIC,-fvisibility=hidden,-pthread \
        -gencode=arch=compute_90,code=sm_90 ${EQUIRISK_NVCC_FLAGS:-} -I"$here/../include" -I"$out/src" \
        "$out"/src/*.cu -o "$out/libequirisk_cuda.so"
    # shellcheck disable=SC2016
    g++ -O2 -std=c++20 -pthread -I"$here/../include" "$here/phases.cpp" -L"$out" -lequirisk_cuda \
        -Wl,-rpath,'$ORIGIN' -o "$out/phases"
fi
[[ $run == 1 ]] || exit 0
"$out/phases"
if [[ $ncu_too == 1 ]]; then
    # the batch's CCD stage: solve_kernel<…, R = 4, STAGE_CCD = 1> by its mangled name, its second launch (the first
    # is the one-problem warm-up's). Every warp-path solve also launches the Newton stage (…Li4ELi2EE), which a
    # plain regex:solve_kernel with --launch-skip 1 picked: the warm-up's, one block with nothing to do
    ncu --clock-control none --set full --kernel-name-base mangled -k regex:Li4ELi1EE --launch-skip 1 -c 1 \
        -o "$out/solve" -f \
        "$out/phases" > "$out/ncu.log" 2>&1
    ncu -i "$out/solve.ncu-rep" --page source --csv --print-source sass > "$out/solve_sass.csv"
    python3 "$here/ncu_regions.py" "$out/solve_sass.csv"
fi
