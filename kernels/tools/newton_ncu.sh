#!/usr/bin/env bash
# Nsight Compute's profile of the warp path's Newton stage (the truncated Newton's kernel, solve_kernel<…, 4, 2>)
# on the Monte Carlo scenarios and on the rolling windows, 10,000 problems of N = 100 each (compare_libs' data):
# occupancy, issue use, L1 and the stall reasons, then warp time by code region (ncu_regions.py).
# usage: kernels/tools/newton_ncu.sh COMPARE_LIBS LIBRARY OUTDIR   (on a GPU machine with ncu and python3)
set -euo pipefail
cmp="$1" lib="$2" out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ncu="$(command -v ncu || echo /usr/local/cuda/bin/ncu)"
mkdir -p "$out"
# compare_libs launches the Newton stage once per call: five batch calls (no problem reaches it), two scenario
# calls, then the rolling windows'
for what in "scenarios 5" "rolling 7"; do
    read -r name skip <<< "$what"
    echo "== the Newton stage on the $name (launch $((skip + 1)))"
    EQUIRISK_CMP_COVARIANCE=0 EQUIRISK_CMP_BATCH=10000 "$ncu" --clock-control none --set full \
        --kernel-name-base mangled -k regex:Li4ELi2EE --launch-skip "$skip" -c 1 -o "$out/$name" -f \
        "$cmp" product="$lib" > "$out/$name-run.log" 2>&1 || { tail -5 "$out/$name-run.log"; continue; }
    "$ncu" -i "$out/$name.ncu-rep" --page details --print-details all 2>&1 | grep -E \
        "Duration|Registers Per Thread|Dynamic Shared Memory Per Block|Achieved Occupancy|Theoretical Occupancy|Block Limit|Issue Slots Busy|Executed Ipc Active|Warp Cycles Per Issued Instruction|No Eligible|L1/TEX Hit Rate|L2 Hit Rate|Shared Memory Configuration Size|Memory Throughput|Compute \(SM\) Throughput" \
        | sed 's/  */ /g' | sort -u || true
    "$ncu" -i "$out/$name.ncu-rep" --page source --csv --print-source sass > "$out/$name-sass.csv"
    python3 "$here/ncu_regions.py" "$out/$name-sass.csv"
    rm -f "$out/$name-sass.csv"
done
