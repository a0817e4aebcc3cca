#!/usr/bin/env bash
# The equirisk command as users run it, on a machine with an NVIDIA GPU: the shaded jar (which carries both native
# libraries), the CUDA backend against the CPU engine on the same host, on real data.
#
#   JAVA_HOME=… bash cli/gpu-cli-check.sh JAR DATA_DIR OUT_DIR [cuda|emulation]
#
# DATA_DIR holds the shared data folders (etf_6_yahoo_2006_2020, crypto_yahoo_26coins_2014_2022,
# sp500_505_kaggle_iex_2013_2018); OUT_DIR receives each command's output (cli-NAME.txt). The GPU backend is cuda
# (default) or emulation (a rehearsal on a machine without a GPU, at smaller sizes: its timings mean nothing).
#
# Each workload runs on the GPU backend with --verify (the same windows or scenarios on the pure-Java engine; the
# largest weight difference must be ≤ 1e-8), on the CPU engine alone, for its time, and (cuda) on auto, to see which
# backend auto picks and whether it was the faster here (reported, not checked). Each command must exit 0, converge on
# every problem and report the backend it was given. Then `devices` (CUDA must be usable and chosen by auto) and
# `bench` on each backend. Exit status: the number of failed checks (0: all passed).
set -uo pipefail
if (($# < 3)); then
    echo "usage: $0 JAR DATA_DIR OUT_DIR [cuda|emulation]" >&2
    exit 2
fi
jar="$1" data="$2" out="$3" gpu="${4:-cuda}"
mkdir -p "$out"
java=("${JAVA_HOME:?JAVA_HOME must name a JDK 25+ or a jlink runtime}/bin/java" --add-modules jdk.incubator.vector
    --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -jar "$jar")
etf="$data/etf_6_yahoo_2006_2020/adj_close_wide.csv"
crypto="$data/crypto_yahoo_26coins_2014_2022/crypto_prices_clean.csv"
sp="$data/sp500_505_kaggle_iex_2013_2018/close_wide.csv"
failed=0
fail() {
    echo "FAIL $*"
    failed=$((failed + 1))
}

# NAME ARGS…: runs the command, prints its exit status and wall time; the output goes to OUT_DIR/cli-NAME.txt
run_cli() {
    local name="$1" t0 t1 rc=0
    shift
    t0=$(date +%s%N)
    "${java[@]}" "$@" > "$out/cli-$name.txt" 2>&1 || rc=$?
    t1=$(date +%s%N)
    printf 'wall: %.3f\n' "$(((t1 - t0) / 1000000))e-3" > "$out/cli-$name.txt.wall"
    printf 'cli %-24s exit %d  %7.2f s wall  %s\n' "$name" "$rc" "$(((t1 - t0) / 1000000))e-3" \
        "$(grep -E '^backend:' "$out/cli-$name.txt" | sed 's/^backend: *//' | cut -c1-150)"
    ((rc == 0)) || { fail "$name: exit $rc"; tail -5 "$out/cli-$name.txt"; }
    return "$rc"
}

# NAME BACKEND [no-verify]: the command's output names that backend, converged on every problem, and (a GPU run with
# --verify) agrees with the CPU engine
check_output() {
    local file="$out/cli-$1.txt" backend="$2" line verify
    [[ -f "$file" ]] || return 0
    grep -qE "^backend: +(auto: )?$backend " "$file" || fail "$1: the backend line does not name $backend"
    line="$(grep -E '^converged:' "$file" || true)"
    if [[ "$line" =~ ^converged:\ +([0-9]+)\ of\ ([0-9]+) ]]; then
        [[ "${BASH_REMATCH[1]}" == "${BASH_REMATCH[2]}" ]] || fail "$1: $line"
    elif [[ ! "$line" =~ ^converged:\ +yes ]]; then
        fail "$1: no convergence line, or not converged: '$line'"
    fi
    verify="$(grep -E '^verify:' "$file" || true)"
    if [[ "$backend" != cpu && "${3:-}" != no-verify ]]; then
        echo "    $(grep -E '^converged:' "$file") | ${verify:-no verify line}"
        # the largest |w − w_cpu| must be a number ≤ 1e-8 (the weights' agreement in CI is 1e-9 relative)
        local diff
        diff="$(sed -nE 's/.*max \|w − w_cpu\| = ([0-9.eE+-]+).*/\1/p' <<< "$verify")"
        if [[ -z "$diff" ]] || ! awk -v d="$diff" 'BEGIN { exit !(d + 0 <= 1e-8) }'; then
            fail "$1: --verify: '${verify:-missing}'"
        fi
    fi
}

# NAME: "B s (W s)": the backend's own seconds from the command's backend line ("…; 1.234 s"; solve prints none: -)
# and the command's wall time (a --verify run's includes the CPU engine's run after the backend's)
times_of() {
    local file="$out/cli-$1.txt" b w
    b="$(sed -nE 's/^backend: .*; ([0-9.]+) s$/\1/p' "$file" 2>/dev/null)"
    w="$(sed -nE 's/^wall: ([0-9.]+)$/\1/p' "$file.wall" 2>/dev/null)"
    echo "${b:--} s (${w:-?} s)"
}

# NAME ARGS…: the workload on the GPU backend with --verify, then on the CPU engine alone, then on auto
workload() {
    local name="$1"
    shift
    run_cli "$name-$gpu" "$@" --backend "$gpu" --verify && check_output "$name-$gpu" "$gpu"
    run_cli "$name-cpu" "$@" --backend cpu && check_output "$name-cpu" cpu
    # what auto picks here, and whether the pick was the faster of the two (reported, not a failure: timings vary)
    if [[ "$gpu" == cuda ]] && run_cli "$name-auto" "$@" --backend auto; then
        local picked
        picked="$(sed -nE 's/^backend: +auto: ([a-z]+) .*/\1/p' "$out/cli-$name-auto.txt")"
        check_output "$name-auto" "$picked" no-verify
        echo "    auto picked ${picked:-?} | backend's time (wall): $(times_of "$name-cuda") on cuda with --verify," \
            "$(times_of "$name-cpu") on cpu, $(times_of "$name-auto") on auto"
    fi
    return 0
}

run_cli devices devices || true
cat "$out/cli-devices.txt"
if [[ "$gpu" == cuda ]]; then
    grep -qE '^cuda +[0-9]+ +yes' "$out/cli-devices.txt" || fail "devices: cuda is not available"
    grep -q 'auto selects: auto: cuda' "$out/cli-devices.txt" || fail "devices: auto does not select cuda"
fi

if [[ "$gpu" == cuda ]]; then
    scenarios=10000 sp_step=5 sp_scenarios=200 windows_step=1
else
    scenarios=50 sp_step=252 sp_scenarios=2 windows_step=21
fi
# a single large problem: 505 S&P 500 assets, a pairwise sample covariance (auto sends one problem of ≥ 500 assets to
# a GPU; only 43 dates have a price for every asset)
[[ -f "$sp" ]] && workload solve-sp500 solve --prices "$sp" --missing pairwise \
    --output "$out/cli-solve-weights.csv"
# rolling windows made and solved on the device: six ETFs, daily rebalancing, sample covariance
[[ -f "$etf" ]] && workload rolling-etf rolling --prices "$etf" --window 252 --step "$windows_step"
# each window its own universe (late listings join): crypto, EWMA, daily
[[ -f "$crypto" ]] && workload rolling-crypto rolling --prices "$crypto" --window 252 --step "$windows_step" \
    --universe window --estimator ewma
# large universes, many dates: the S&P 500 with Ledoit-Wolf made on the host, the batch solved on the backend
[[ -f "$sp" ]] && workload rolling-sp500 rolling --prices "$sp" --window 252 --step "$sp_step" --universe window \
    --estimator ledoit-wolf --chart "$out/rolling-sp500.html"
# Monte Carlo drawn, estimated and solved on the device: six ETFs; then 505 assets over three years of returns
[[ -f "$etf" ]] && workload scenarios-etf scenarios --prices "$etf" --scenarios "$scenarios" --horizon 252
[[ -f "$sp" ]] && workload scenarios-sp500 scenarios --prices "$sp" --missing pairwise \
    --scenarios "$sp_scenarios" --horizon 756
# your own stress matrices as one batch: the ETFs' covariance by four estimators over three windows (`batch`)
if [[ -f "$etf" ]]; then
    mkdir -p "$out/batch"
    for est in sample ewma ledoit-wolf oas; do
        for w in 252 504 756; do
            run_cli "cov-$est-$w" cov --prices "$etf" --window "$w" --estimator "$est" \
                --output "$out/batch/etf-$est-$w.csv" > /dev/null || true
        done
    done
    workload batch-etf batch --cov "$out/batch"
fi
[[ -f "$sp" && -f "$etf" && -f "$crypto" ]] || echo "note: some data files are missing under $data: their workloads were not run"

# the standard workloads of `equirisk bench` on each backend (the emulation's only as a smoke test)
if [[ "$gpu" == cuda ]]; then
    run_cli bench-cuda bench --backend cuda || true
    run_cli bench-cpu bench --backend cpu || true
else
    run_cli bench-emulation bench --backend emulation --quick || true
fi
for f in "$out"/cli-bench-*.txt; do
    [[ -f "$f" ]] && { echo "-- $(basename "$f")"; cat "$f"; }
done
echo "cli checks: $failed failed"
exit "$failed"
