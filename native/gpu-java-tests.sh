#!/usr/bin/env bash
# Runs the native module's Java tests with the CUDA backend on a machine without Maven (the GPU machine).
#
#   On the build machine (JDK 25 + Maven), from the repository root:
#     bash native/gpu-java-tests.sh prepare DIR     # compiles (mvn -pl native -am test-compile) and copies the
#                                                   # classes, the libraries and the test classpath into DIR
#   On the GPU machine (JAVA_HOME, or a JDK/jlink runtime at DIR/../.jdk or ./.jdk):
#     bash DIR/run.sh [cuda|emulation]              # default cuda; exit status 0 only if every test passed
#
# The libraries travel inside DIR/classes-kernels (the equirisk-kernels resources), so the tests load them exactly as
# users do. Set EQUIRISK_SHARED to the shared data folder to run the tests that read real data and the reference
# solutions; without it those tests are reported as skipped.
set -euo pipefail
cmd="${1:-}"
if [[ "$cmd" != prepare || $# -ne 2 ]]; then
    echo "usage: $0 prepare DIR" >&2
    exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$2"
mkdir -p "$dir/lib"
dir="$(cd "$dir" && pwd)"
(cd "$root" && mvn -B -q -pl native -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$dir/classpath.txt")
# the reactor writes one classpath file per module; the last (native) holds what the tests need
tr ':' '\n' < "$dir/classpath.txt" | grep '\.jar$' | grep -v '/equirisk-' | while read -r jar; do
    cp "$jar" "$dir/lib/"
done
rm -rf "$dir/classes-api" "$dir/test-classes-api" "$dir/classes-kernels" "$dir/classes-native" "$dir/test-classes-native"
cp -r "$root/java-api/target/classes" "$dir/classes-api"
# the native tests use java-api's test helpers (io.equirisk.testing, its test-jar), which the classpath's equirisk
# jars above would have brought
mkdir -p "$dir/test-classes-api/io/equirisk"
cp -r "$root/java-api/target/test-classes/io/equirisk/testing" "$dir/test-classes-api/io/equirisk/"
cp -r "$root/kernels/target/classes" "$dir/classes-kernels"
cp -r "$root/native/target/classes" "$dir/classes-native"
cp -r "$root/native/target/test-classes" "$dir/test-classes-native"
cat > "$dir/run.sh" <<'RUN'
#!/usr/bin/env bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
backend="${1:-cuda}"
java="${JAVA_HOME:+$JAVA_HOME/bin/java}"
for j in "$here/../.jdk/bin/java" "./.jdk/bin/java"; do [[ -z "$java" && -x "$j" ]] && java="$j"; done
[[ -z "$java" ]] && java="$(command -v java || true)"
if [[ -z "$java" ]]; then echo "run.sh: no java (set JAVA_HOME or carry .jdk/)" >&2; exit 2; fi
cp="$here/test-classes-native:$here/classes-native:$here/classes-kernels:$here/classes-api:$here/test-classes-api"
for jar in "$here"/lib/*.jar; do cp="$cp:$jar"; done
exec "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m \
    -Xms256m -Xmx256m -XX:+AlwaysPreTouch \
    -Dequirisk.test.backend="$backend" -Dequirisk.requireEmulation=true \
    ${EQUIRISK_SHARED:+-Dequirisk.shared="$EQUIRISK_SHARED"} \
    -cp "$cp" io.equirisk.nativ.StandaloneTestRunner
RUN
chmod +x "$dir/run.sh"
echo "prepared $dir ($(du -sh "$dir" | cut -f1)); run: bash $dir/run.sh cuda"
