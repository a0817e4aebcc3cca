#!/usr/bin/env bash
# Two builds of the equirisk command's jar, alternating on the same machine: what a command costs at start-up and
# on small and host-estimated workloads (benchmarks/RESULTS.md, "Thirteenth GPU session").
#
#   JAVA_HOME=… bash benchmarks/cli-startup-ab.sh OLD_JAR NEW_JAR DATA_DIR [ROUNDS] [BACKENDS] [WORKLOADS]
#
# DATA_DIR holds etf_6_yahoo_2006_2020 and sp500_505_kaggle_iex_2013_2018. BACKENDS: those to time (default
# "cpu auto cuda"; leave out cuda on a machine without a GPU). WORKLOADS: any of rolling-etf (3,185 daily windows of
# six ETFs), rolling-sp500 (202 windows, Ledoit-Wolf, each window's universe), scenarios-etf (10,000 scenarios of six
# ETFs); default all three. Prints one line per command: build, workload, backend, the backend's own seconds from the
# command's report (- where it prints none), and the wall time of the process.
set -uo pipefail
(($# >= 3)) || { echo "usage: $0 OLD_JAR NEW_JAR DATA_DIR [ROUNDS] [BACKENDS] [WORKLOADS]" >&2; exit 2; }
old="$1" new="$2" data="$3" rounds="${4:-3}" backends="${5:-cpu auto cuda}"
workloads="${6:-rolling-etf rolling-sp500 scenarios-etf}"
java=("${JAVA_HOME:?}/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC)
etf="$data/etf_6_yahoo_2006_2020/adj_close_wide.csv"
sp="$data/sp500_505_kaggle_iex_2013_2018/close_wide.csv"
one() { # BUILD JAR WORKLOAD BACKEND ARGS…
    local build="$1" jar="$2" workload="$3" backend="$4" t0 t1 out rc=0
    shift 4
    t0=$(date +%s%N)
    out="$("${java[@]}" -jar "$jar" "$@" 2>&1)" || rc=$?
    t1=$(date +%s%N)
    printf '%-4s %-14s %-5s backend %8s s  wall %7.3f s  exit %d\n' "$build" "$workload" "$backend" \
        "$(sed -nE 's/^backend: .*; ([0-9.]+) s$/\1/p' <<< "$out" | head -1 | grep . || echo -)" \
        "$(((t1 - t0) / 1000000))e-3" "$rc"
}
for ((round = 1; round <= rounds; round++)); do
    for build in old new; do
        jar="$old"
        [[ "$build" == new ]] && jar="$new"
        one "$build" "$jar" version - --version
        one "$build" "$jar" devices - devices
        for backend in $backends; do
            for workload in $workloads; do
                case "$workload" in
                    rolling-etf) one "$build" "$jar" "$workload" "$backend" rolling --prices "$etf" --window 252 \
                        --step 1 --backend "$backend" ;;
                    rolling-sp500) one "$build" "$jar" "$workload" "$backend" rolling --prices "$sp" --window 252 \
                        --step 5 --universe window --estimator ledoit-wolf --backend "$backend" ;;
                    scenarios-etf) one "$build" "$jar" "$workload" "$backend" scenarios --prices "$etf" \
                        --scenarios 10000 --backend "$backend" ;;
                    *) echo "unknown workload $workload" >&2; exit 2 ;;
                esac
            done
        done
    done
done
