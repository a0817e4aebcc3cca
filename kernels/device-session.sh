#!/usr/bin/env bash
# A GPU session's whole plan in one device call: prepared on the build machine (no GPU needed), run on the lent
# machine, which has nvcc and compute-sanitizer but no JDK, no Maven and no network.
#
#   bash kernels/device-session.sh prepare           here: builds .device/ (ignored by git, ~42 MB, its shared
#                                                      libraries packed in libs.tar.xz): carry it
#   bash kernels/device-session.sh run               there: run(command="bash kernels/device-session.sh run",
#                                                      carry=[".device"], timeout_s=600); logs under $OUT
#   bash kernels/device-session.sh run --emulation   here: the same steps on the emulation library, small sizes
#                                                      (checks the plan's plumbing; its timings mean nothing)
#
# The steps, most important first, each under its own time limit and all within EQUIRISK_SESSION_SECONDS (default
# 540, under the device tool's 600 s per call). What each one checks, and the predictions it measures, are in
# benchmarks/RESULTS.md:
#   driver       every C driver check against the product CUDA library (with its repeats: every path's bits again
#                after other data and on a fresh context, and the whole-device solve over ~6 waves), then its races
#                group (two contexts solving n = 150 and n = 2000 at once: the dynamic shared memory limit only rises)
#   bench        gpu-check's table: covariance N = 5000, batched solve 10,000 × 100, N = 3000, rolling, and 10,000
#                Student-t scenarios of 252 × 100 from a factor model with L row-major (the default) and mirrored
#                (EQUIRISK_SCENARIO_L=mirrored; "Reproducible normals" in RESULTS.md), and from the
#                driver's numerically singular model (random triangular L); with the solve from page-locked staging
#   java-vs-cuda the Java engine on all cores against the CUDA backend through the Java API, host side profiled
#                (29.7 ms for the whole call on the H100's host at 13b6abb, against ~100 ms for the Java engine)
#   newton       compare_libs: the Newton stage (truncated Newton, then Cholesky) on the batch, the Monte Carlo
#                scenarios and the rolling windows, against the Cholesky Newton alone (and a revision named by
#                EQUIRISK_BASE_REV at prepare)
#   newton-ncu   Nsight Compute on the Newton stage's kernel, scenarios and windows (tools/kernel_ncu.sh)
#   draw         compare_libs on 10,000 Student-t scenarios of 252 × 100: the scenario draw kernel (a block per
#                8 rows) against the baseline's (a block per row, EQUIRISK_BASE_REV) and against 4, 12 and 16 rows per
#                block (`draw_variants`, sm_90), L mirrored and row-major ("Scenario draws, eight rows a block")
#   draw-ncu     the same on the scenario draw kernel
#   cov-ncu      the same on the covariance N = 5000, T = 2520 (the tile kernel's 128-tiles)
#   cov-big      compare_libs: the covariance N = 5000, T = 2520 as the default runs it (tiles of 128, the partial
#                last wave as 64-tiles: cov_tail), with every tile at 128 (EQUIRISK_COV_TAIL=off), at 64
#                (EQUIRISK_COV_TILE=64), and the baseline build (EQUIRISK_BASE_REV), alternating ("Eleventh GPU
#                session" and "Prepared for the twelfth GPU session" in RESULTS.md)
#   mma-m8n8k4   the covariance's tensor-core step built in its sm_80–89 form (-DER_MMA_M8N8K4) and run on sm_90:
#                the driver's covariance, fused and scenario groups, and its covariance N = 5000 against the product's
#   sweep-pairs  tools/sweep_pairs.cu at n = 100, 112, 72: the warp path's sweep alone with one problem per warp
#                (the product's) against two per warp (16 lanes each, a prototype) at 8, 10 and 11 blocks per SM
#   cov-N        compare_libs at N = 100, 50, 32: the covariance of the rolling windows and of the scenarios (10,000
#                of 252 × N) on the one-window-per-block kernel (EQUIRISK_COV_KERNEL=window; the default up to 32)
#                against the tile kernel's tiles of 64 and 128 and the baseline build's, alternating ("Covariance of
#                many small windows, one block each", "Tenth" and "Eleventh GPU session" in RESULTS.md)
#   layout-N     compare_libs at N = 100, 50, 32, 300, 600: the scenario draw with L row-major (the default) against L
#                mirrored (EQUIRISK_SCENARIO_L=mirrored), alternating (1,000 scenarios at 300 assets, 300 at 600)
#   wide-NxB     compare_libs: the whole-device solve (problems side by side, and one at a time) against the block
#                path at N × batch from 3000 × 1 to 300 × 52, what the cost model picks, and any experiment builds in
#                `variants` (sm_90, built at prepare) ("Whole-device solve" in RESULTS.md); from N = 1000 also the
#                certification's product with one warp per 32 columns (EQUIRISK_CERTIFY_WARPS=1)
#   wide-ncu     Nsight Compute: each whole-device solve kernel's device time in one N = 3000 solve, and the
#                certification's three kernels after it
#   java-rolling 10,000 rolling windows of 252 × 100 through the Java API: the Java engine on all cores (window by
#                window) against the CUDA backend's covariance and solve in one call per chunk
#   java-scenarios 10,000 Monte Carlo scenarios of 252 × 100 (Student-t) drawn, estimated and solved: the Java engine
#                on all cores against the CUDA backend's er_scenario_solve; then a block bootstrap of 2,520 rows
#                against er_bootstrap_solve
#   java-one-N   one problem of N = 500, 1000, 3000 through the Java API: the CUDA backend's whole call against the
#                Java engine on one thread (where auto sends one problem to an open GPU)
#   phases       where the batched solve's time goes: tools/phases.sh's cycle counters per phase and Nsight
#                Compute's stall samples by code region, on the product's code ("Sixth GPU session" in RESULTS.md)
#   lanes-50/32  compare_libs at N = 50 and 32: entries per lane by n against four ("Entries per lane by n")
#   cli          the equirisk command's jar on real data: each workload on the CUDA backend with --verify and on the
#                CPU engine, devices, bench on each backend (cli/gpu-cli-check.sh)
#   java-tests   the native module's Java tests with the CUDA backend
#   memcheck     compute-sanitizer memcheck over driver --quick; then racecheck and synccheck over its solves;
#                window-sanitizers: all three on the covariance and fused groups with EQUIRISK_COV_KERNEL=window
# EQUIRISK_STEPS (comma-separated glob patterns, e.g. "driver,wide-*") runs only the steps it names. The summary
# table comes last in the output, after the lines that matter from each log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
dev="$root/.device"
native_rel="java-tests/classes-kernels/io/equirisk/native/linux-x86_64" # the product libraries, as users load them
# experiment builds: NAME=NVCC_FLAGS (the whole-device solve's block shape: threads per block, rows per warp)
# (none now: the eighth session measured wide256x2 and wide512x1 against 128 threads with four rows and kept 512 × 1)
variants=()
# experiment builds for the step draw only: rows of scenario returns per block (the product takes 8)
draw_variants=(rows4="-DER_SCEN_ROWS=4" rows12="-DER_SCEN_ROWS=12" rows16="-DER_SCEN_ROWS=16")
# the build for the step mma-m8n8k4: the covariance's tensor-core step in its sm_80–89 form (two m8n8k4), on sm_90
mma_variants=(m8n8k4="-DER_MMA_M8N8K4")

prepare() {
    # shellcheck source=../scripts/jdk.sh
    source "$root/scripts/jdk.sh"
    equirisk_find_jdk
    equirisk_find_maven
    rm -rf "$dev"
    mkdir -p "$dev/bin" "$dev/lineinfo"
    echo "== Java: the native module's tests (this also builds both product libraries), the benchmarks jar"
    bash "$root/native/gpu-java-tests.sh" prepare "$dev/java-tests"
    (cd "$root" && mvn -B -q -DskipTests package -pl benchmarks,cli -am)
    cp "$root/benchmarks/target/benchmarks.jar" "$dev/"
    # its Java steps load the libraries from -Dequirisk.native.dir (the java-tests tree): without its copies (~7 MB)
    # .device stays under the device tool's 64 MiB with the command's jar beside it
    zip -q -d "$dev/benchmarks.jar" 'io/equirisk/native/*'
    cp "$root/cli/target/equirisk.jar" "$dev/" # the command as users get it, both native libraries inside
    local lib="$dev/$native_rel"
    [[ -f "$lib/libequirisk_cuda.so" ]] || { echo "prepare: no libequirisk_cuda.so was built (nvcc?)" >&2; exit 1; }
    echo "== the phase counters' build of the solve (sm_90), for the step phases"
    bash "$here/tools/phases.sh" --build-only "$dev/phases"
    rm -rf "$dev/phases/src"
    echo "== the product library with line information (sm_90 only), for racecheck's reports to name source lines"
    EQUIRISK_FORCE_BUILD=1 EQUIRISK_CUDA_ARCHS=90 EQUIRISK_NVCC_FLAGS="-lineinfo" bash "$here/build.sh" "$dev/lineinfo"
    # shellcheck disable=SC2016
    g++ -O2 -std=c++20 -pthread -I"$here/include" "$here/test/driver.cpp" -L"$dev/lineinfo" -lequirisk_cuda \
        -Wl,-rpath,'$ORIGIN/../lineinfo' -o "$dev/bin/driver-lineinfo"
    echo "== the C driver and compare_libs, against the product CUDA library and against the emulation"
    local flavour
    for flavour in cuda emu; do
        # shellcheck disable=SC2016
        g++ -O2 -std=c++20 -pthread -I"$here/include" "$here/test/driver.cpp" -L"$lib" -l"equirisk_$flavour" \
            -Wl,-rpath,'$ORIGIN/../'"$native_rel" -o "$dev/bin/driver-$flavour"
        # shellcheck disable=SC2016
        g++ -O2 -std=c++20 -pthread -I"$here/include" "$here/tools/compare_libs.cpp" -L"$lib" \
            -l"equirisk_$flavour" -ldl -Wl,-rpath,'$ORIGIN/../'"$native_rel" -o "$dev/bin/compare_libs-$flavour"
    done
    echo "== tools/sweep_pairs.cu (sm_90): the sweep with one problem per warp against two, for the step sweep-pairs"
    local nvcc
    nvcc="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
    [[ -x "$nvcc" ]] || nvcc=/usr/local/bin/nvcc
    "$nvcc" -std=c++17 -O3 -arch=sm_90 -I"$here/include" -I"$here/src" -o "$dev/bin/sweep_pairs" \
        "$here/tools/sweep_pairs.cu"
    # experiment builds of the working tree (sm_90), each timed against the product by the wide-* steps (variants) or
    # by the step draw (draw_variants)
    local variant
    for variant in "${variants[@]}" "${draw_variants[@]}" "${mma_variants[@]}"; do
        echo "== variant ${variant%%=*}: ${variant#*=} (sm_90)"
        EQUIRISK_FORCE_BUILD=1 EQUIRISK_CUDA_ARCHS=90 EQUIRISK_NVCC_FLAGS="${variant#*=}" \
            bash "$here/build.sh" "$dev/variants/${variant%%=*}"
        rm -f "$dev/variants/${variant%%=*}/libequirisk_emu.so"
    done
    # a baseline for the steps draw and newton, sm_90 only: by default 5eb2f32, the last revision with a block per
    # scenario row (and the Newton stage measured in the ninth GPU session); EQUIRISK_BASE_REV names another, "none"
    # skips it
    local base_rev="${EQUIRISK_BASE_REV:-5eb2f32}"
    if [[ "$base_rev" != none ]]; then
        echo "== the CUDA library at $base_rev (sm_90), the baseline of the steps draw and newton"
        local src
        src="$(mktemp -d)"
        git -C "$root" archive "$base_rev" kernels | tar -x -C "$src"
        EQUIRISK_FORCE_BUILD=1 EQUIRISK_CUDA_ARCHS=90 bash "$src/kernels/build.sh" "$src/out"
        mkdir -p "$dev/base"
        cp "$src/out/libequirisk_cuda.so" "$dev/base/"
        echo "$base_rev" > "$dev/base/REVISION"
        rm -rf "$src"
    fi
    echo "== the real data and peer references the native module's tests read (the device has no ../shared)"
    local f shared="$root/../shared"
    for f in data/crypto_yahoo_26coins_2014_2022/crypto_prices_clean.csv data/etf_6_yahoo_2006_2020/adj_close_wide.csv \
        data/sp500_505_kaggle_iex_2013_2018/close_wide.csv \
        reference/erc/fm_n10 reference/erc/fm_n50 reference/erc/ill6_n200 reference/erc/budget_n200; do
        if [[ -e "$shared/$f" ]]; then
            mkdir -p "$dev/shared/$(dirname "$f")"
            cp -r "$shared/$f" "$dev/shared/$f"
        else
            echo "prepare: $shared/$f is missing: the tests that read it will be reported as skipped there"
        fi
    done
    echo "== a Java runtime for the device (java.base, java.logging, jdk.incubator.vector; JMH needs the management"
    echo "   modules and jdk.unsupported, the command's jar java.sql)"
    "$JAVA_HOME/bin/jlink" --strip-debug \
        --add-modules java.base,java.logging,java.management,jdk.management,jdk.incubator.vector,jdk.unsupported,java.sql \
        --no-header-files --no-man-pages --compress=zip-9 --output "$dev/jdk"
    tar -C "$dev" -czf "$dev/jdk.tgz" jdk
    rm -rf "$dev/jdk"
    # the shared libraries (four of the CUDA library: the product's fat binary, sm_90 with line information, the phase
    # counters' and the baseline) and sweep_pairs (5.6 MB, solve.cu's device code in it) are most of .device and
    # compress ~4–8× with xz: packed here, unpacked by run, which removes them again when it ends (a rehearsal here
    # leaves .device as carried)
    echo "== the shared libraries packed into libs.tar.xz"
    (cd "$dev" && find . \( -name '*.so' -o -name sweep_pairs \) -print0 | tar --null -T - -cJf libs.tar.xz &&
        find . \( -name '*.so' -o -name sweep_pairs \) -delete)
    { echo "prepared $(date -u +%FT%TZ) from $(git -C "$root" describe --always --dirty)"; du -sh "$dev"/*; } \
        | tee "$dev/PREPARED"
    echo "carry: .device ($(du -sh "$dev" | cut -f1); the device tool carries up to 64 MiB)"
}

steps=()
step() { # NAME LIMIT_SECONDS COMMAND…: runs it under the smaller of its limit and the session's time left
    local name="$1" limit="$2" pattern selected=0
    shift 2
    # EQUIRISK_STEPS: comma-separated glob patterns of the steps to run (default: all)
    IFS=, read -ra patterns <<< "${EQUIRISK_STEPS:-*}"
    for pattern in "${patterns[@]}"; do
        # shellcheck disable=SC2053
        [[ "$name" == $pattern ]] && selected=1
    done
    ((selected)) || return 0
    local left=$((deadline - SECONDS))
    ((limit > left)) && limit=$left
    if ((limit < 10)); then
        steps+=("$(printf '%-13s %-28s %6s  %s' "$name" "not run: session time spent" "-" "-")")
        return 0
    fi
    local t0=$SECONDS rc=0
    echo "== $name (limit ${limit} s): $*"
    timeout -k 5 "$limit" "$@" > "$logs/$name.log" 2>&1 || rc=$?
    local status="ok"
    if ((rc == 124 || rc == 137)); then status="TIMED OUT at ${limit} s"; elif ((rc != 0)); then status="FAILED (exit $rc)"; fi
    steps+=("$(printf '%-13s %-28s %6s  %s' "$name" "$status" "$((SECONDS - t0))" "$logs/$name.log")")
}

excerpt() { # NAME PATTERN [MAX_LINES]: the log's lines that matter, for the reply's tail (kernel times stay in the log)
    [[ -f "$logs/$1.log" ]] || return 0
    echo "-- $1"
    grep -v "^equirisk profile: .*kernel" "$logs/$1.log" | grep -E "$2" | cut -c1-220 | tail -n "${3:-16}" || true
}

run() {
    local emulation=0
    [[ "${1:-}" == "--emulation" ]] && emulation=1
    [[ -f "$dev/PREPARED" ]] || { echo "run: no prepared .device/ (bash kernels/device-session.sh prepare)" >&2; exit 2; }
    tar -C "$dev" -xJf "$dev/libs.tar.xz"
    logs="${OUT:-$dev/out}"
    mkdir -p "$logs"
    deadline=$((SECONDS + ${EQUIRISK_SESSION_SECONDS:-540}))
    # sizes: the acceptance batch on the GPU; under emulation (~0.2 s per N = 100 problem) just enough to run
    local lib="$dev/$native_rel" flavour=cuda size=10000 cmp_size=10000
    if ((emulation)); then flavour=emu size=200 cmp_size=6; fi
    export EQUIRISK_PROFILE=1
    # the real-data tests read ../shared when the copy has it, else the files prepare copied (skipped without both)
    if [[ -d "$root/../shared/data" ]]; then
        export EQUIRISK_SHARED="$root/../shared"
    elif [[ -d "$dev/shared" ]]; then
        export EQUIRISK_SHARED="$dev/shared" # the prepared copy
    fi
    { cat "$dev/PREPARED"; nvidia-smi 2>&1 || true; } > "$logs/machine.log"
    rm -rf /tmp/equirisk-jdk && mkdir -p /tmp/equirisk-jdk && tar -C /tmp/equirisk-jdk -xzf "$dev/jdk.tgz"
    export JAVA_HOME=/tmp/equirisk-jdk/jdk
    local java=(/tmp/equirisk-jdk/jdk/bin/java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
        -Dequirisk.native.dir="$lib" -cp "$dev/benchmarks.jar")
    local cmp="$dev/bin/compare_libs-$flavour" base="$lib/libequirisk_$flavour.so"

    if ((emulation)); then
        step driver 240 "$dev/bin/driver-emu" --quick
    else
        step driver 120 bash -c "'$dev/bin/driver-cuda' && '$dev/bin/driver-cuda' --only races"
        step bench 90 "$dev/bin/driver-cuda" --bench
    fi
    # the sweep alone, one problem per warp (the product's warp_sweep) against two (16 lanes each, the prototype in
    # tools/sweep_pairs.cu) at the occupancies each would have: whether two problems per warp pay before the warp path
    # is rewritten for them (predicted 1.3–1.7× the sweeps' throughput per SM: "Prepared for the twelfth GPU
    # session" in RESULTS.md)
    if ((!emulation)); then
        step sweep-pairs 60 bash -c "'$dev/bin/sweep_pairs' 100 && '$dev/bin/sweep_pairs' 112 &&
            '$dev/bin/sweep_pairs' 72"
    fi
    # the whole-device solve against the block path for a few large problems, what the cost model chose, the
    # problems one at a time against side by side (the default group), and any experiment builds ("Whole-device
    # solve" in RESULTS.md): N × batch, the model's choice first
    local sizes=("3000 1" "1000 4" "1000 16" "1000 64" "500 8" "500 16" "300 6" "300 13" "300 52") size_nb wn wb
    ((emulation)) && sizes=("300 3")
    for size_nb in "${sizes[@]}"; do
        read -r wn wb <<< "$size_nb"
        local libs=(model="$base" wide="$base,EQUIRISK_SOLVE_WIDE=on" single="$base,EQUIRISK_SOLVE_WIDE=on,EQUIRISK_SOLVE_WIDE_GROUP=1"
            block="$base,EQUIRISK_SOLVE_WIDE=off")
        # the certification's product with one warp per 32 columns (before the split; the same answers to ~1 ulp),
        # where the split applies (n ≥ 512); predicted 0.5–0.6 ms slower at N = 3000 ("Prepared for the twelfth
        # GPU session" in RESULTS.md)
        ((wn >= 1000)) && libs+=(certify1="$base,EQUIRISK_CERTIFY_WARPS=1" model-again="$base")
        for variant in "${variants[@]}"; do
            if [[ -f "$dev/variants/${variant%%=*}/libequirisk_cuda.so" ]] && ((!emulation)); then
                libs+=("${variant%%=*}=$dev/variants/${variant%%=*}/libequirisk_cuda.so,EQUIRISK_SOLVE_WIDE=on")
            fi
        done
        # no scenarios: compare_libs draws 252 rows a scenario, a singular sample covariance at these sizes (at
        # N = 3000 the block path then ran out the step's 60 s on it, 2026-11-28)
        step "wide-${wn}x$wb" 60 env EQUIRISK_CMP_N="$wn" EQUIRISK_CMP_BATCH="$wb" EQUIRISK_CMP_COVARIANCE=0 \
            EQUIRISK_CMP_ROLLING=0 EQUIRISK_CMP_SCENARIOS=0 "$cmp" "${libs[@]}"
    done
    # each kernel's device time in one N = 3000 solve (Nsight Compute): where the whole-device solve's time goes
    if ((!emulation)); then
        local ncu
        ncu="$(command -v ncu || echo /usr/local/cuda/bin/ncu)"
        step wide-ncu 90 env EQUIRISK_CMP_N=3000 EQUIRISK_CMP_BATCH=1 EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_ROLLING=0 \
            "$ncu" --metrics gpu__time_duration.sum -k 'regex:wide|certify' -c 150 "$cmp" product="$base"
    fi
    # one problem through the Java API: the CUDA backend's whole call against the Java engine on one thread, by N
    # (Backends.GPU_ONE_PROBLEM_MIN_ASSETS: where auto sends one problem to an open GPU)
    local one_sizes=(500 1000 3000)
    ((emulation)) && one_sizes=(300)
    for wn in "${one_sizes[@]}"; do
        step "java-one-$wn" 60 "${java[@]}" io.equirisk.bench.GpuBatchComparison 1 "$wn" 7
    done
    step java-vs-cuda 75 "${java[@]}" io.equirisk.bench.GpuBatchComparison "$size" 100 5
    # the equirisk command as users run it (its jar, its packed libraries): the CUDA backend with --verify against the
    # CPU engine on real data, devices, and bench on each backend (cli/gpu-cli-check.sh)
    if [[ -n "${EQUIRISK_SHARED:-}" ]]; then
        local cli_backend=cuda
        ((emulation)) && cli_backend=emulation
        step cli 240 env -u EQUIRISK_PROFILE bash "$root/cli/gpu-cli-check.sh" "$dev/equirisk.jar" "$EQUIRISK_SHARED/data" "$logs/cli" \
            "$cli_backend"
    fi
    # rolling rebalancing through the Java API: the Java engine on all cores, window by window (each sliding from
    # the last and solved from its weights), against the CUDA backend's one call per chunk (only the returns go in);
    # predicted 12–15× ("Rolling windows start from the window before" in RESULTS.md)
    local windows=10000
    ((emulation)) && windows=20
    step java-rolling 60 "${java[@]}" io.equirisk.bench.GpuRollingComparison "$windows" 100 252 3
    # Monte Carlo through the Java API: 10,000 Student-t scenarios of 252 × 100 drawn, estimated and solved by the
    # Java engine on all cores against the CUDA backend, which draws them on the device (only L and μ go in);
    # predicted 10–40× since the Java engine's draws went to the Vector API ("Reproducible normals" in RESULTS.md)
    local scenarios=10000
    ((emulation)) && scenarios=10
    step java-scenarios 75 "${java[@]}" io.equirisk.bench.GpuScenarioComparison "$scenarios" 100 252 3
    # compare_libs: the default first (the others' differences are measured against it), covariance skipped
    # under emulation (its 5000 × 2520 product would take minutes there)
    local cmp_env=(env EQUIRISK_CMP_BATCH="$cmp_size")
    ((emulation)) && cmp_env+=(EQUIRISK_CMP_COVARIANCE=0)
    # the warp path's Newton stage (truncated Newton, then Cholesky): the rolling windows, which AUTO hands to Newton,
    # and the batch, whose CCD kernel lost its Newton code, against the baseline build and the Cholesky Newton alone
    # ("Truncated Newton" in RESULTS.md), and the Monte Carlo scenarios of the singular model
    # (random triangular L), which all go to Newton; covariance left out
    if [[ -f "$dev/base/libequirisk_cuda.so" ]] && ((!emulation)); then
        step newton 150 "${cmp_env[@]}" EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_SCENARIO_MODEL=singular "$cmp" \
            "base-$(cat "$dev/base/REVISION")=$dev/base/libequirisk_cuda.so" truncated="$base" \
            cholesky="$base,EQUIRISK_SOLVE_NEWTON=cholesky" truncated2="$base"
    else
        step newton 120 "${cmp_env[@]}" EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_SCENARIO_MODEL=singular "$cmp" \
            truncated="$base" cholesky="$base,EQUIRISK_SOLVE_NEWTON=cholesky"
    fi
    # the scenario draw: a block per 8 rows against the baseline's block per row, other rows per block, and L
    # mirrored; the batch's timings in this step are beside the point (covariance and rolling windows left out)
    local draw_libs=()
    if [[ -f "$dev/base/libequirisk_cuda.so" ]] && ((!emulation)); then
        draw_libs+=("base-$(cat "$dev/base/REVISION")=$dev/base/libequirisk_cuda.so")
    fi
    draw_libs+=(rows8="$base")
    for variant in "${draw_variants[@]}"; do
        if [[ -f "$dev/variants/${variant%%=*}/libequirisk_cuda.so" ]] && ((!emulation)); then
            draw_libs+=("${variant%%=*}=$dev/variants/${variant%%=*}/libequirisk_cuda.so")
        fi
    done
    draw_libs+=(rows8-Lmirrored="$base,EQUIRISK_SCENARIO_L=mirrored" rows8-again="$base")
    step draw 120 "${cmp_env[@]}" EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_ROLLING=0 "$cmp" "${draw_libs[@]}"
    # the covariance N = 5000, T = 2520 (a batch of 10 solves beside it, rolling windows and scenarios left out): the
    # tile kernel's 128 and 64 tiles (mma m16n8k4) against the baseline build (EQUIRISK_BASE_REV), alternating
    local cov_base=()
    if [[ -f "$dev/base/libequirisk_cuda.so" ]] && ((!emulation)); then
        cov_base=("base-$(cat "$dev/base/REVISION")=$dev/base/libequirisk_cuda.so")
    fi
    # the default ends the 128-tiles' partial last wave as 64-tiles (cov_tail), against all 128 (EQUIRISK_COV_TAIL=off)
    ((emulation)) || step cov-big 100 env EQUIRISK_CMP_BATCH=10 EQUIRISK_CMP_ROLLING=0 EQUIRISK_CMP_SCENARIOS=0 "$cmp" \
        default="$base" tail-off="$base,EQUIRISK_COV_TAIL=off" "${cov_base[@]}" tiles64="$base,EQUIRISK_COV_TILE=64" \
        default-again="$base" tail-off-again="$base,EQUIRISK_COV_TAIL=off" "${cov_base[@]/=/-again=}"
    # the sm_80–89 form of the covariance's tensor-core step (two m8n8k4 where sm_90 takes one m16n8k4), checked on
    # this GPU: the driver's covariance, fused and scenario groups against it (its library first on the search
    # path), then its covariance N = 5000 against the product's (the same bits expected; m8n8k4's time)
    local m8="$dev/variants/m8n8k4"
    if [[ -f "$m8/libequirisk_cuda.so" ]] && ((!emulation)); then
        step mma-m8n8k4 60 bash -c "LD_LIBRARY_PATH='$m8' ldd '$dev/bin/driver-cuda' | grep equirisk &&
            LD_LIBRARY_PATH='$m8' '$dev/bin/driver-cuda' --only covariance,fused,scenarios &&
            EQUIRISK_CMP_BATCH=10 EQUIRISK_CMP_ROLLING=0 EQUIRISK_CMP_SCENARIOS=0 '$cmp' product='$base' \
            m8n8k4='$m8/libequirisk_cuda.so' product2='$base'"
    fi
    # the covariance of many small windows by N: the tile kernel's 64 and 128 tiles, one window per block, and the
    # baseline build's tiles (the same bits within this build)
    for wn in 100 50 32; do
        step "cov-$wn" 60 "${cmp_env[@]}" EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_N="$wn" "$cmp" \
            tiles64="$base,EQUIRISK_COV_KERNEL=tiles,EQUIRISK_COV_TILE=64" window="$base,EQUIRISK_COV_KERNEL=window" \
            tiles128="$base,EQUIRISK_COV_KERNEL=tiles,EQUIRISK_COV_TILE=128" "${cov_base[@]}" \
            tiles64-again="$base,EQUIRISK_COV_KERNEL=tiles,EQUIRISK_COV_TILE=64"
    done
    # the scenario draw's two layouts of L by N, alternating (the same bits; batch and rolling windows beside the
    # point, the covariance left out)
    for wn in 100 50 32 300 600; do
        local layout_env=("${cmp_env[@]}")
        ((wn == 300 && !emulation)) && layout_env=(env EQUIRISK_CMP_BATCH=1000)
        ((wn == 600 && !emulation)) && layout_env=(env EQUIRISK_CMP_BATCH=300)
        step "layout-$wn" 60 "${layout_env[@]}" EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_ROLLING=0 EQUIRISK_CMP_N="$wn" \
            "$cmp" rows="$base" mirrored="$base,EQUIRISK_SCENARIO_L=mirrored" rows2="$base" \
            mirrored2="$base,EQUIRISK_SCENARIO_L=mirrored"
    done
    # where the time goes (Nsight Compute, tools/kernel_ncu.sh; "Ninth GPU session"): the Newton stage on the
    # scenarios and on the windows, and the scenario draw, which is most of a scenario call whose covariances CCD
    # finishes (the Java comparison's 3-factor model: draw 15.5 ms, covariance 3.8, solve 4.6)
    if ((!emulation)); then
        step newton-ncu 150 env EQUIRISK_CMP_SCENARIO_MODEL=singular bash -c "bash '$here/tools/kernel_ncu.sh' \
            '$cmp' '$base' /tmp/ncu newton-scenarios Li4ELi2EE 5 &&
            bash '$here/tools/kernel_ncu.sh' '$cmp' '$base' /tmp/ncu newton-windows Li4ELi2EE 7"
        step draw-ncu 90 bash "$here/tools/kernel_ncu.sh" "$cmp" "$base" /tmp/ncu draw scenario_kernel 0
        step cov-ncu 90 env EQUIRISK_CMP_COVARIANCE=1 EQUIRISK_CMP_BATCH=10 EQUIRISK_CMP_ROLLING=0 \
            EQUIRISK_CMP_SCENARIOS=0 bash "$here/tools/kernel_ncu.sh" "$cmp" "$base" /tmp/ncu cov syrk_tensor_kernelILi4E 1
    fi
    if ((emulation)); then
        step java-tests 300 bash "$dev/java-tests/run.sh" emulation
    else
        step java-tests 120 bash "$dev/java-tests/run.sh" cuda
        local sanitizer
        sanitizer="$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)"
        step memcheck 60 "$sanitizer" --tool memcheck --error-exitcode 9 "$dev/bin/driver-cuda" --quick \
            --skip repeat,waves
        # the warp path shares memory between lanes with no barrier but its shuffles, the whole-device solve between
        # blocks through its last-block tails: racecheck and synccheck on the solves (their shared-memory kernels)
        step racecheck 150 "$sanitizer" --tool racecheck --racecheck-report all --error-exitcode 9 \
            "$dev/bin/driver-lineinfo" --quick --only solve,lanes,wide,scenarios,bootstrap,newton,covariance,fused
        step synccheck 30 "$sanitizer" --tool synccheck --error-exitcode 9 "$dev/bin/driver-cuda" --quick \
            --only solve,covariance,wide,scenarios,bootstrap,newton
        # the one-window-per-block covariance (an experiment, off by default): its staging barriers and fragment
        # scratch under racecheck and synccheck, and memcheck
        step window-sanitizers 90 env EQUIRISK_COV_KERNEL=window bash -c "'$sanitizer' --tool racecheck \
            --racecheck-report all --error-exitcode 9 '$dev/bin/driver-lineinfo' --quick --only covariance,fused &&
            '$sanitizer' --tool synccheck --error-exitcode 9 '$dev/bin/driver-cuda' --quick --only covariance,fused &&
            '$sanitizer' --tool memcheck --error-exitcode 9 '$dev/bin/driver-cuda' --quick --only covariance,fused"
    fi

    if ((!emulation)); then
        step phases 90 bash "$here/tools/phases.sh" --ncu --run-only "$dev/phases"
    fi
    step lanes-50 30 "${cmp_env[@]}" EQUIRISK_CMP_N=50 "$cmp" by-n="$base" four="$base,EQUIRISK_SOLVE_LANES=4"
    step lanes-32 30 "${cmp_env[@]}" EQUIRISK_CMP_N=32 "$cmp" by-n="$base" four="$base,EQUIRISK_SOLVE_LANES=4"
    echo
    excerpt machine "^prepared|NVIDIA|Driver Version"
    excerpt driver "checks|FAIL|library:|device 0|races"
    excerpt bench "GPU call|covariance|solve|rolling|scenarios|mirrored|page-locked|refused|failed"
    excerpt java-vs-cuda "problems|cpu|cuda|profile" 24
    excerpt cli "^cli |converged|FAIL|^(sample covariance|single ERC|batch ERC|rolling ERC|Monte Carlo|machine|backend) " 60
    excerpt java-rolling "windows|cpu|cuda" 6
    excerpt java-scenarios "scenarios of|cpu|cuda" 12
    excerpt newton "solve|rolling|scenarios|cannot|failed" 16
    excerpt draw "scenarios|cannot|failed" 16
    for wn in 100 50 32; do
        excerpt "cov-$wn" "scenarios|rolling|cannot|failed" 8
    done
    for wn in 100 50 32 300 600; do
        excerpt "layout-$wn" "scenarios|cannot|failed" 4
    done
    excerpt newton-ncu "." 80
    excerpt draw-ncu "." 40
    for size_nb in "${sizes[@]}"; do
        read -r wn wb <<< "$size_nb"
        excerpt "wide-${wn}x$wb" "solve [0-9]+x|cannot|failed" 8
    done
    excerpt wide-ncu "wide_[a-z_<>0-9]+|certify_[a-z_]+|gpu__time_duration|==PROF==|rror" 16
    for wn in "${one_sizes[@]}"; do
        excerpt "java-one-$wn" "problems|^cpu|^cuda" 4
    done
    excerpt phases "mean sweeps|^  [a-z-]+ +[0-9]+$|SASS instructions" 14
    excerpt lanes-50 "solve|cannot|failed"
    excerpt lanes-32 "solve|cannot|failed"
    excerpt java-tests "tests (found|successful|failed|aborted|skipped)|FAIL" 
    excerpt memcheck "ERROR SUMMARY|Invalid|checks"
    excerpt racecheck "ERROR SUMMARY|RACECHECK SUMMARY|hazard|checks|Race reported|solve.cu:" 20
    excerpt synccheck "ERROR SUMMARY|Barrier|checks" 8
    excerpt window-sanitizers "ERROR SUMMARY|RACECHECK SUMMARY|hazard|Barrier|Invalid|checks" 12
    excerpt cov-ncu "." 40
    excerpt cov-big "covariance|cannot|failed" 12
    excerpt mma-m8n8k4 "equirisk_cuda|checks|library|covariance|cannot|failed" 12
    excerpt sweep-pairs "." 24
    echo
    printf '%-13s %-28s %6s  %s\n' step status s log
    printf '%s\n' "${steps[@]}"
    # the device tool brings back at most 8 files: the logs travel as one archive
    (cd "$logs" && tar -czf logs.tgz -- *.log $([[ -d cli ]] && echo cli) && rm -rf -- *.log cli)
    find "$dev" \( -name '*.so' -o -name sweep_pairs \) -delete # libs.tar.xz keeps them
}

case "${1:-}" in
    prepare) prepare ;;
    run) shift; run "$@" ;;
    *) echo "usage: $0 prepare | run [--emulation]" >&2; exit 2 ;;
esac
