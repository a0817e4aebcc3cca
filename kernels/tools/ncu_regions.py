#!/usr/bin/env python3
"""Summarises ncu's source page (--page source --csv --print-source sass) of one kernel: warp-time share (stall
samples) by code region, a region being the instructions executed the same number of times (the sweep loop's body,
the per-sweep code, the per-problem code, ...), with each region's instruction count and top stall reasons.

usage: ncu_regions.py SOLVE_SASS.csv
"""
import csv
import sys
from collections import Counter, defaultdict

def main(path):
    rows = list(csv.reader(open(path)))
    head = next(i for i, r in enumerate(rows) if r and r[0] == 'Address')
    hdr = rows[head]
    data = [r for r in rows[head + 1:] if len(r) == len(hdr)]
    ix = {h: i for i, h in enumerate(hdr)}
    samples, executed = 'Warp Stall Sampling (All Samples)', 'Instructions Executed'
    stalls = [h for h in hdr if h.startswith('stall_') and 'Not Issued' not in h]
    total = sum(int(r[ix[samples]] or 0) for r in data)
    overall = Counter({s[6:]: sum(int(r[ix[s]] or 0) for r in data) for s in stalls})
    print('%d SASS instructions, %d stall samples; overall: %s' % (len(data), total, ', '.join(
        '%s %.0f%%' % (k, 100.0 * v / total) for k, v in overall.most_common(6))))
    region = defaultdict(lambda: [0, 0, Counter(), Counter()])
    for r in data:
        g = region[int(r[ix[executed]] or 0)]
        g[0] += int(r[ix[samples]] or 0)
        g[1] += 1
        op = r[1].split()
        g[2][(op[1] if op and op[0].startswith('@') and len(op) > 1 else op[0]) if op else '?'] += 1
        for s in stalls:
            g[3][s[6:]] += int(r[ix[s]] or 0)
    print('%12s %8s %7s  %-40s %s' % ('executions', 'samples', 'instrs', 'top stalls', 'top opcodes'))
    for count, (s, n, ops, st) in sorted(region.items(), key=lambda kv: -kv[1][0])[:15]:
        tops = ', '.join('%s %.0f%%' % (k, 100.0 * v / max(s, 1)) for k, v in st.most_common(3))
        print('%12d %7.1f%% %7d  %-40s %s' % (count, 100.0 * s / total, n, tops,
                                              ' '.join('%s:%d' % kv for kv in ops.most_common(4))))

if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
