#!/usr/bin/env bash
# Builds the native libraries into OUTDIR (Maven calls this in generate-resources):
#   libequirisk_emu.so   always: g++, the CUDA sources over emu/cuda_emu.h (runs every kernel on the host)
#   libequirisk_cuda.so  when nvcc is found (PATH, /usr/local/cuda/bin, /usr/local/bin): static cudart,
#                        SASS for sm_80, sm_86, sm_89, sm_90 and PTX for compute_90
# Incremental: a library newer than every source is kept. EQUIRISK_FORCE_BUILD=1 rebuilds.
# Extra flags for test builds: EQUIRISK_EMU_CXXFLAGS (e.g. -fsanitize=thread), EQUIRISK_SKIP_CUDA=1,
# EQUIRISK_NVCC_FLAGS (e.g. -DER_WARP_MIXING=0, an experiment's build) and EQUIRISK_CUDA_ARCHS (e.g. "90": SASS for
# those architectures only, with the same PTX); either one always rebuilds.
set -euo pipefail
if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
mkdir -p "$out"
sources=("$here/src/covariance.cu" "$here/src/solve.cu" "$here/src/solve_wide.cu" "$here/src/symmetric.cu"
         "$here/src/scenarios.cu" "$here/src/equirisk_api.cu")
deps=("${sources[@]}" "$here"/src/*.h "$here"/src/*.cuh "$here/include/equirisk.h" "$here/emu/cuda_emu.h" "$here/build.sh")

up_to_date() { # target newer than every dependency
    [[ -f "$1" && "${EQUIRISK_FORCE_BUILD:-0}" != 1 ]] || return 1
    local d
    for d in "${deps[@]}"; do [[ "$d" -nt "$1" ]] && return 1; done
    return 0
}

emu="$out/libequirisk_emu.so"
if up_to_date "$emu" && [[ -z "${EQUIRISK_EMU_CXXFLAGS:-}" ]]; then
    echo "equirisk: $emu is up to date"
else
    cxx="${CXX:-g++}"
    if ! command -v "$cxx" > /dev/null; then
        echo "equirisk: no C++ compiler '$cxx' for the emulation library: install g++ 11 or later (C++20), for" \
             "example 'sudo apt-get install g++', or name another in CXX" >&2
        exit 1
    fi
    # shellcheck disable=SC2086
    "$cxx" -O2 -std=c++20 -fPIC -pthread -fvisibility=hidden -Wall -Wextra -Wno-unknown-pragmas \
        ${EQUIRISK_EMU_CXXFLAGS:-} -x c++ -I"$here/include" -I"$here/emu" -I"$here/src" \
        "${sources[@]}" -shared -o "$emu.tmp"
    mv "$emu.tmp" "$emu"
    echo "equirisk: built $emu"
fi

if [[ "${EQUIRISK_SKIP_CUDA:-0}" == 1 ]]; then
    echo "equirisk: CUDA library skipped: EQUIRISK_SKIP_CUDA=1"
    exit 0
fi
nvcc="$(command -v nvcc || true)"
for c in /usr/local/cuda/bin/nvcc /usr/local/bin/nvcc; do
    [[ -z "$nvcc" && -x "$c" ]] && nvcc="$c"
done
if [[ -z "$nvcc" ]]; then
    echo "equirisk: CUDA library skipped: nvcc not found on PATH, in /usr/local/cuda/bin or /usr/local/bin"
    exit 0
fi
lib="$out/libequirisk_cuda.so"
archs="${EQUIRISK_CUDA_ARCHS:-80 86 89 90}"
gencode=()
for a in $archs; do gencode+=("-gencode=arch=compute_$a,code=sm_$a"); done
if up_to_date "$lib" && [[ -z "${EQUIRISK_NVCC_FLAGS:-}" && -z "${EQUIRISK_CUDA_ARCHS:-}" ]]; then
    echo "equirisk: $lib is up to date"
    exit 0
fi
# shellcheck disable=SC2086
"$nvcc" -O3 -std=c++20 --threads 0 -cudart static -shared -Xcompiler -fPIC,-fvisibility=hidden,-pthread \
    "${gencode[@]}" -gencode=arch=compute_90,code=compute_90 ${EQUIRISK_NVCC_FLAGS:-} \
    -I"$here/include" -I"$here/src" "${sources[@]}" -o "$lib.tmp"
mv "$lib.tmp" "$lib"
echo "equirisk: built $lib with $nvcc"
