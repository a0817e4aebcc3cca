#!/usr/bin/env bash
# Builds the library and the C test driver, and runs the driver.
#   run.sh                 emulation library: its self-test (launch rules, shuffle and barrier sites, poisoned
#                          shared, device and page-locked memory); all checks (with every path's bits again after
#                          other data and on a fresh context, and the whole-device solve over many waves); again
#                          with each block's threads run last to first between barriers; the
#                          covariance again on the CUDA-core product kernel; the solve again with C (and then the
#                          vectors) in global memory; all checks again with 300 kB of emulated device memory so
#                          every batch is chunked (--expect-chunking asserts it); two contexts planning at once (--only races,
#                          80 MB); the GPU tools (tools/*.cpp include the driver)
#                          compiled, device-session.sh, phases.sh and cli/gpu-cli-check.sh parsed, phase_clocks.py's anchors applied,
#                          tools/sweep_pairs.cu built over the emulation and run
#   run.sh --lib cuda      the CUDA library (needs a GPU)
#   run.sh --tsan          emulation library and driver built with ThreadSanitizer
#   run.sh --asan          emulation library and driver built with AddressSanitizer + UBSan
#   run.sh --tsan -- ARGS  a sanitizer run's driver gets ARGS after --quick (say --skip repeat,waves: the two
#                          groups take most of a sanitizer run's time under its OS threads)
# Builds go to kernels/target/test-<variant>.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib=emu
sanitize=""
driver_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --lib) lib="$2"; shift 2 ;;
        --tsan) sanitize="-fsanitize=thread"; shift ;;
        --asan) sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"; shift ;;
        --) shift; driver_args=("$@"); break ;;
        *) echo "usage: $0 [--lib emu|cuda] [--tsan|--asan] [-- DRIVER_ARGS]" >&2; exit 2 ;;
    esac
done
[[ "$lib" == emu || "$lib" == cuda ]] || { echo "--lib must be emu or cuda" >&2; exit 2; }
[[ -z "$sanitize" || "$lib" == emu ]] || { echo "sanitizers apply to the emulation library only" >&2; exit 2; }
[[ ${#driver_args[@]} -eq 0 || -n "$sanitize" ]] || { echo "driver arguments after -- apply to sanitizer runs only" >&2; exit 2; }

variant="$lib"
[[ "$sanitize" == *thread* ]] && variant="$lib-tsan"
[[ "$sanitize" == *address* ]] && variant="$lib-asan"
out="$here/target/test-$variant"
mkdir -p "$out"
if [[ -n "$sanitize" ]]; then
    EQUIRISK_SKIP_CUDA=1 EQUIRISK_EMU_CXXFLAGS="$sanitize -g -O1" bash "$here/build.sh" "$out"
elif [[ "$lib" == emu ]]; then
    EQUIRISK_SKIP_CUDA=1 bash "$here/build.sh" "$out"
else
    bash "$here/build.sh" "$out"
    [[ -f "$out/libequirisk_cuda.so" ]] || { echo "libequirisk_cuda.so was not built (see above)" >&2; exit 1; }
fi
if [[ "$lib" == emu ]]; then
    # the emulation's own checks first: the launch rules and shuffle sites every result below relies on
    # shellcheck disable=SC2086
    g++ -O1 -std=c++20 -pthread $sanitize -I"$here/emu" "$here/test/emu_selftest.cpp" -o "$out/emu_selftest"
    "$out/emu_selftest"
fi
driver="$out/driver"
if [[ ! -f "$driver" || "$here/test/driver.cpp" -nt "$driver" || "$out/libequirisk_$lib.so" -nt "$driver" ]]; then
    # shellcheck disable=SC2086
    g++ -O2 -g -std=c++20 -pthread $sanitize -I"$here/include" "$here/test/driver.cpp" \
        -L"$out" -l"equirisk_$lib" -Wl,-rpath,"$out" -o "$driver"
fi
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
if [[ -n "$sanitize" ]]; then "$driver" --quick "${driver_args[@]}"; else "$driver"; fi
if [[ -z "$sanitize" ]]; then
    # settings the whole-device solve does not read: its group (the emulation's slowest, 512-thread blocks) is
    # left to the full run and the chunked one, and the repeats and waves (every path's bits again; ~10 s) to
    # the full run
    echo "--- every group again with each block's threads run last to first between barriers (first to last above):"
    echo "    a read of another thread's write with no barrier between shows in one order or the other"
    EQUIRISK_EMU_ORDER=reverse "$driver" --quick --skip repeat,waves
    echo "--- covariance on the CUDA-core product kernel (the tensor-core ones are the default)"
    EQUIRISK_COV_KERNEL=simt "$driver" --quick --skip wide,repeat,waves
    echo "--- covariance on the one-window-per-block kernel up to 128 assets (the default up to 32), alone and under"
    echo "    the fused solves"
    EQUIRISK_COV_KERNEL=window "$driver" --quick --only covariance,fused,scenarios,bootstrap,newton
    echo "--- covariance on the tile kernel at every size, alone and under the fused solves"
    EQUIRISK_COV_KERNEL=tiles "$driver" --quick --only covariance,fused,scenarios,bootstrap,newton
    echo "--- scenarios drawn with L mirrored at every size, then row-major at every size (the default: row-major up"
    echo "    to 384 assets)"
    EQUIRISK_SCENARIO_L=mirrored "$driver" --quick --only scenarios,bootstrap
    EQUIRISK_SCENARIO_L=rows "$driver" --quick --only scenarios,bootstrap
    echo "--- solve on the warp path with the FP32 triangle (FP16 is the default)"
    EQUIRISK_SOLVE_TRI=fp32 "$driver" --quick --skip wide,repeat,waves
    echo "--- solve on the warp path with the mixer's history in the workspace (shared memory where it fits)"
    EQUIRISK_SOLVE_MIX=global "$driver" --quick --skip wide,repeat,waves
    echo "--- solve one block per problem with C in shared memory (the path for 128 < n ≤ ~165)"
    EQUIRISK_SOLVE_C=block "$driver" --quick --skip wide,repeat,waves
    echo "--- solve with C in global memory (the path for n > ~165), then with the vectors there too (n > ~3,870)"
    EQUIRISK_SOLVE_C=global "$driver" --quick --skip wide,repeat,waves
    EQUIRISK_SOLVE_C=global-all "$driver" --quick --skip wide,repeat,waves
fi
if [[ "$lib" == emu && -z "$sanitize" ]]; then
    echo "--- again with 300 kB of emulated device memory (chunked batches)"
    EQUIRISK_EMU_DEVICE_MEMORY=300000 "$driver" --expect-chunking
    echo "--- two contexts planning different sizes at once (80 MB of emulated memory: the racing thread's n = 2000"
    echo "    is refused right after its plan, so it plans thousands of times during the other's solves)"
    EQUIRISK_EMU_DEVICE_MEMORY=80000000 "$driver" --only races
    # the GPU session's tools include this driver: a change here must not surface first on a lent machine
    echo "--- the GPU session's tools still compile against the driver; device-session.sh parses"
    for tool in compare_libs phases sweep_variants newton_cg_model; do
        g++ -std=c++20 -fsyntax-only -I"$here/include" "$here/tools/$tool.cpp"
    done
    bash -n "$here/device-session.sh"
    bash -n "$here/tools/phases.sh"
    bash -n "$here/tools/kernel_ncu.sh"
    bash -n "$here/../cli/gpu-cli-check.sh"
    # phases.sh instruments a copy of solve.cu at exact lines: the anchors must follow the code
    if command -v python3 > /dev/null; then
        cp "$here/src/solve.cu" "$out/solve_phases.cu"
        python3 "$here/tools/phase_clocks.py" "$out/solve_phases.cu"
    else
        echo "(no python3: phase_clocks.py's anchors not checked)"
    fi
    # the two-problems-per-warp sweep prototype, run over the emulation: its sweeps must agree with the product's
    echo "--- tools/sweep_pairs.cu under the emulation (the prototype's sweeps against the product's)"
    g++ -std=c++20 -O2 -pthread -x c++ -I"$here/include" -I"$here/emu" -I"$here/src" "$here/tools/sweep_pairs.cu" \
        -o "$out/sweep_pairs"
    "$out/sweep_pairs" 100 8
    echo "tools: ok"
fi
