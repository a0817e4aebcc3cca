#!/usr/bin/env bash
# Builds the library and the C test driver, and runs the driver.
#   run.sh                 emulation library: all checks; the covariance again on the CUDA-core product kernel; the
#                          solve again with C (and then the vectors) in global memory; all checks again with 300 kB of emulated device memory so every batch is
#                          chunked (--expect-chunking asserts it); the next GPU session's experiment (the sweep in
#                          groups of 4) --quick; the GPU tools (tools/*.cpp include the driver) compiled,
#                          device-session.sh parsed
#   run.sh --lib cuda      the CUDA library (needs a GPU)
#   run.sh --tsan          emulation library and driver built with ThreadSanitizer
#   run.sh --asan          emulation library and driver built with AddressSanitizer + UBSan
# Builds go to kernels/target/test-<variant>.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib=emu
sanitize=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --lib) lib="$2"; shift 2 ;;
        --tsan) sanitize="-fsanitize=thread"; shift ;;
        --asan) sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"; shift ;;
        *) echo "usage: $0 [--lib emu|cuda] [--tsan|--asan]" >&2; exit 2 ;;
    esac
done
[[ "$lib" == emu || "$lib" == cuda ]] || { echo "--lib must be emu or cuda" >&2; exit 2; }
[[ -z "$sanitize" || "$lib" == emu ]] || { echo "sanitizers apply to the emulation library only" >&2; exit 2; }

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
driver="$out/driver"
if [[ ! -f "$driver" || "$here/test/driver.cpp" -nt "$driver" || "$out/libequirisk_$lib.so" -nt "$driver" ]]; then
    # shellcheck disable=SC2086
    g++ -O2 -g -std=c++20 -pthread $sanitize -I"$here/include" "$here/test/driver.cpp" \
        -L"$out" -l"equirisk_$lib" -Wl,-rpath,"$out" -o "$driver"
fi
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
if [[ -n "$sanitize" ]]; then "$driver" --quick; else "$driver"; fi
if [[ -z "$sanitize" ]]; then
    echo "--- covariance on the CUDA-core product kernel (the tensor-core one is the default)"
    EQUIRISK_COV_KERNEL=simt "$driver" --quick
    echo "--- solve on the warp path with the FP32 triangle (FP16 is the default)"
    EQUIRISK_SOLVE_TRI=fp32 "$driver" --quick
    echo "--- solve one block per problem with C in shared memory (the path for 128 < n ≤ ~165)"
    EQUIRISK_SOLVE_C=block "$driver" --quick
    echo "--- solve with C in global memory (the path for n > ~165), then with the vectors there too (n > ~3,400)"
    EQUIRISK_SOLVE_C=global "$driver" --quick
    EQUIRISK_SOLVE_C=global-all "$driver" --quick
fi
if [[ "$lib" == emu && -z "$sanitize" ]]; then
    echo "--- again with 300 kB of emulated device memory (chunked batches)"
    EQUIRISK_EMU_DEVICE_MEMORY=300000 "$driver" --expect-chunking
    # the next GPU session's experiment (device-session.sh, step variants) is kernel code too: CI runs it
    echo "--- the warp path's sweep in groups of 4 coordinates (-DER_WARP_GROUP=4, an experiment's build)"
    EQUIRISK_SKIP_CUDA=1 EQUIRISK_FORCE_BUILD=1 EQUIRISK_EMU_CXXFLAGS="-DER_WARP_GROUP=4" \
        bash "$here/build.sh" "$out/group4" > /dev/null
    g++ -O2 -std=c++20 -pthread -I"$here/include" "$here/test/driver.cpp" -L"$out/group4" -lequirisk_emu \
        -Wl,-rpath,"$out/group4" -o "$out/group4/driver"
    "$out/group4/driver" --quick
    # the GPU session's tools include this driver: a change here must not surface first on a lent machine
    echo "--- the GPU session's tools still compile against the driver; device-session.sh parses"
    for tool in compare_libs phases sweep_variants; do
        g++ -std=c++20 -fsyntax-only -I"$here/include" "$here/tools/$tool.cpp"
    done
    bash -n "$here/device-session.sh"
    echo "tools: ok"
fi
