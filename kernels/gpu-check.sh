#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds libequirisk_cuda.so, runs the C test driver against it (every check of
# test/run.sh), then prints the timing table (the median GPU call vs the driver's one-thread C++ reference on this
# host, an unblocked product and plain CCD: a check and an order of magnitude, not a tuned CPU baseline):
#   covariance N = 5000, T = 2520 · batched solve B = 10,000 × N = 100 · one solve N = 3000
# the Java tests with the CUDA backend when a folder prepared by native/gpu-java-tests.sh is present, and the Java
# engine on all cores against the CUDA backend on the same batch when a JDK and the benchmarks jar are (see the
# hooks at the end). Fails with a clear message where there is no nvcc or no GPU.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$here/target/test-cuda"

if ! command -v nvcc >/dev/null && [[ ! -x /usr/local/cuda/bin/nvcc && ! -x /usr/local/bin/nvcc ]]; then
    echo "gpu-check: nvcc not found (PATH, /usr/local/cuda/bin, /usr/local/bin): cannot build the CUDA library" >&2
    exit 1
fi
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
fi

echo "== C driver against libequirisk_cuda.so"
set +e
bash "$here/test/run.sh" --lib cuda
rc=$?
set -e
if [[ $rc -eq 3 ]]; then
    echo "gpu-check: no usable CUDA device on this machine (see the driver's line above)" >&2
    exit 1
elif [[ $rc -ne 0 ]]; then
    echo "gpu-check: the C driver failed against the CUDA library (exit $rc)" >&2
    exit 1
fi

echo "== timings (one ABI call after a warm-up vs one-thread C++ on this host); kernel-only times on stderr"
EQUIRISK_PROFILE=1 "$out/driver" --bench
echo "== the alternative kernels: covariance on the FP64 CUDA cores instead of the tensor cores (DMMA); the solver's"
echo "   C in global memory (L2) instead of shared memory (more problems per SM, the block-per-problem path)"
EQUIRISK_PROFILE=1 EQUIRISK_COV_KERNEL=simt EQUIRISK_SOLVE_C=global "$out/driver" --bench
echo "== the batched solve's warp path with its FP32 triangle instead of FP16 (10 problems per SM instead of 12)"
EQUIRISK_PROFILE=1 EQUIRISK_SOLVE_TRI=fp32 "$out/driver" --bench

# ---- Java tests with the CUDA backend -------------------------------------------------------------------------
# HOOK (native/ owns this): the GPU machine has no Maven, so the native module's tests travel as a folder prepared on
# the build machine by `bash native/gpu-java-tests.sh prepare DIR` (classes, libraries, test classpath; a JDK from
# JAVA_HOME or a carried .jdk/). Point EQUIRISK_JAVA_TESTS_DIR at that folder (default: .gpu-java-tests in the
# repository root); its run.sh takes the backend name.
tests_dir="${EQUIRISK_JAVA_TESTS_DIR:-$root/.gpu-java-tests}"
if [[ -f "$tests_dir/run.sh" ]]; then
    echo "== Java tests with the CUDA backend ($tests_dir)"
    bash "$tests_dir/run.sh" cuda
else
    echo "== Java tests skipped: no prepared folder at $tests_dir (bash native/gpu-java-tests.sh prepare DIR)"
fi

# ---- The Java engine on all cores against the CUDA backend, on the same batch (the ≥ 50× comparison) ----------
# Needs a JDK 25 (JAVA_HOME, a carried .jdk/ in the repository root, or java on PATH) and the benchmarks jar
# (`mvn -B -q -DskipTests package -pl benchmarks -am` on the build machine; carry benchmarks/target/benchmarks.jar).
# The library built above replaces the jar's own (-Dequirisk.native.dir). Kernel times go to stderr.
jar="$root/benchmarks/target/benchmarks.jar"
java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
[[ -z "$java" && -x "$root/.jdk/bin/java" ]] && java="$root/.jdk/bin/java"
[[ -z "$java" ]] && java="$(command -v java || true)"
if [[ -f "$jar" && -n "$java" ]]; then
    echo "== Java engine (all cores) against the CUDA backend: 10,000 problems of N = 100, one JVM"
    EQUIRISK_PROFILE=1 "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
        -Dequirisk.native.dir="$out" -cp "$jar" io.equirisk.bench.GpuBatchComparison 10000 100 5
else
    echo "== Java-vs-CUDA comparison skipped: needs $jar and a JDK (see the comment above)"
fi
