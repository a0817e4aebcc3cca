#!/usr/bin/env bash
# equirisk's sample covariance against OpenBLAS dsyrk, alternated in one JVM (io.equirisk.bench.OpenBlasPaired).
# Uses the OpenBLAS that numpy ships (scipy-openblas, 64-bit integers); build the benchmarks first:
#   mvn -B -q -DskipTests package -pl benchmarks -am
# Usage: benchmarks/openblas-paired.sh [T N pairs]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../scripts/jdk.sh"
equirisk_find_jdk || exit 1
[ $# -gt 0 ] || set -- 2520 1000 40
lib="$(python3 - <<'PY'
import glob, os, numpy
root = os.path.dirname(os.path.dirname(numpy.__file__))
hits = glob.glob(os.path.join(root, "numpy.libs", "libscipy_openblas*.so*")) + \
       glob.glob(os.path.join(root, "scipy_openblas64", "lib", "libscipy_openblas*.so*"))
print(hits[0] if hits else "")
PY
)"
if [ -z "$lib" ]; then
    echo "openblas-paired: no OpenBLAS found beside numpy (pip install numpy)" >&2
    exit 1
fi
# scipy-openblas prefixes its symbols with scipy_ and suffixes the 64-bit-integer ones with 64_
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp "$here/target/benchmarks.jar" io.equirisk.bench.OpenBlasPaired "$lib" scipy_ 64_ "$@"
