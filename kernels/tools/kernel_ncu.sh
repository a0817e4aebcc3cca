#!/usr/bin/env bash
# Nsight Compute's profile of one kernel launch of compare_libs' workloads (10,000 problems of N = 100: the batch,
# the Monte Carlo scenarios, the rolling windows; covariance left out): occupancy, issue use, L1 and L2, then warp
# time by code region with each region's top stalls and opcodes (ncu_regions.py).
# usage: kernels/tools/kernel_ncu.sh COMPARE_LIBS LIBRARY OUTDIR NAME REGEX SKIP
#   REGEX matches the kernel's mangled name; SKIP is how many of its launches come first. The device plan's
#   newton-ncu step: the Newton stage (solve_kernel<…, 4, 2>, regex Li4ELi2EE) is launched once per call, five batch
#   calls (no problem reaches it), two scenario calls, then the rolling windows' (skip 5: scenarios, 7: windows);
#   draw-ncu: the scenario draw (scenario_kernel, skip 0); cov-ncu: the covariance N = 5000, T = 2520 (the tile
#   kernel's 128-tile instance, regex syrk_tensor_kernelILi4E, skip 1, with EQUIRISK_CMP_COVARIANCE=1 and the other
#   workloads made small or left out in the environment). On a GPU machine with ncu and python3.
set -euo pipefail
cmp="$1" lib="$2" out="$3" name="$4" regex="$5" skip="$6"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ncu="$(command -v ncu || echo /usr/local/cuda/bin/ncu)"
mkdir -p "$out"
echo "== $name: kernel /$regex/, launch $((skip + 1))"
# the workloads: compare_libs' settings from the caller's environment where set (the covariance's step sets its own)
EQUIRISK_CMP_COVARIANCE="${EQUIRISK_CMP_COVARIANCE:-0}" EQUIRISK_CMP_BATCH="${EQUIRISK_CMP_BATCH:-10000}" \
    "$ncu" --clock-control none --set full \
    --kernel-name-base mangled -k "regex:$regex" --launch-skip "$skip" -c 1 -o "$out/$name" -f \
    "$cmp" product="$lib" > "$out/$name-run.log" 2>&1 || { tail -5 "$out/$name-run.log"; exit 1; }
"$ncu" -i "$out/$name.ncu-rep" --page details --print-details all 2>&1 | grep -E \
    "Duration|Registers Per Thread|Dynamic Shared Memory Per Block|Achieved Occupancy|Theoretical Occupancy|Block Limit|Issue Slots Busy|Executed Ipc Active|Warp Cycles Per Issued Instruction|No Eligible|L1/TEX Hit Rate|L2 Hit Rate|Shared Memory Configuration Size|Memory Throughput|Compute \(SM\) Throughput" \
    | sed 's/  */ /g' | sort -u || true
"$ncu" -i "$out/$name.ncu-rep" --page source --csv --print-source sass > "$out/$name-sass.csv"
python3 "$here/ncu_regions.py" "$out/$name-sass.csv"
rm -f "$out/$name-sass.csv"
