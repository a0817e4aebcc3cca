#!/usr/bin/env python3
"""Instruments a copy of solve.cu with clock64() phase counters (used by phases.sh; never the shipped library).

Each counter sums, over problems, the cycles lane 0 of a block spends in one phase of the warp path's solve (both of
its kernels: a problem handed to Newton counts setup, triangle, start and report in each, once more as a problem,
and "newton" in the Newton stage is its truncated Newton, after its start point);
er_prof_phases() copies them out. The edits anchor on exact lines of solve.cu and stop with the missing line when
the code has moved on: update the anchors with it.

usage: phase_clocks.py SOLVE_CU   (rewrites the file in place)
"""
import sys

PHASES = ["setup", "triangle", "start", "ccd-all", "sweep", "refresh", "-", "mix", "newton", "report", "total"]

def main(path):
    s = open(path).read()

    def rep(old, new):
        nonlocal s
        if old not in s:
            sys.exit("phase_clocks.py: anchor not found in %s:\n%s" % (path, old))
        s = s.replace(old, new, 1)

    rep('namespace er {\nnamespace {', '''__device__ unsigned long long er_phase[16];
extern "C" __attribute__((visibility("default"))) void er_prof_phases(unsigned long long* out) {
    cudaMemcpyFromSymbol(out, er_phase, sizeof(er_phase));
}
#define PH(k, t0) do { if (threadIdx.x == 0) atomicAdd(&er_phase[k], (unsigned long long)(clock64() - (t0))); } while (0)
namespace er {
namespace {''')
    rep('        __syncthreads(); /* the previous problem is done with every buffer */',
        '        __syncthreads(); /* the previous problem is done with every buffer */\n'
        '        long long t0 = clock64(), tp = t0;')
    rep('        __syncthreads();\n        if constexpr (WARP) {\n            double bv[R], cb[R];',
        '        __syncthreads();\n        PH(0, tp); tp = clock64();\n        if constexpr (WARP) {\n'
        '            double bv[R], cb[R];')
    rep('        __syncthreads();\n        /* c. y = b / sqrt(bᵀCb) */',
        '        __syncthreads();\n        PH(1, tp); tp = clock64();\n        /* c. y = b / sqrt(bᵀCb) */')
    rep('        int sweeps = 0, steps = 0, used = 0, chol_failed = 0;',
        '        PH(2, tp); tp = clock64();\n        int sweeps = 0, steps = 0, used = 0, chol_failed = 0;')
    # the sweep and its residual
    rep('        for (int r = 0; r < R; r++) d[r] = y[r];\n',
        '        for (int r = 0; r < R; r++) d[r] = y[r];\n        long long tq = clock64();\n')
    rep('        small_roots = warp_small_roots(q, b, na);\n        out.sweeps++;',
        '        small_roots = warp_small_roots(q, b, na);\n        out.sweeps++;\n        PH(4, tq); tq = clock64();')
    rep('            last_exact = res;\n            refresh_at = Refresh<T>::after(res);',
        '            PH(5, tq); tq = clock64();\n            last_exact = res;\n            refresh_at = Refresh<T>::after(res);')
    rep('        warp_mix(M, na, y, q, d);', '        tq = clock64();\n        warp_mix(M, na, y, q, d);\n        PH(7, tq);')
    rep('            if (to_newton) {\n                used = 3;',
        '            PH(3, tp); tp = clock64();\n            if (to_newton) {\n                used = 3;')
    rep('        if (!q_exact) exact_offdiag(P);', '        PH(8, tp); tp = clock64();\n        if (!q_exact) exact_offdiag(P);')
    rep('            cfg.report.volatility[k] = sqrt(v);\n        }\n',
        '            cfg.report.volatility[k] = sqrt(v);\n        }\n        PH(9, tp); PH(10, t0);\n'
        '        if (tid == 0) {\n            atomicAdd(&er_phase[11], (unsigned long long)sweeps);\n'
        '            atomicAdd(&er_phase[12], 1ull);\n'
        '            atomicAdd(&er_phase[13], (unsigned long long)steps);\n        }\n')
    open(path, 'w').write(s)

if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
