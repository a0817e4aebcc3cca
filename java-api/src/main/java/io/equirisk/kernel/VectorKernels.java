package io.equirisk.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API implementation (jdk.incubator.vector). Each kernel is a small method: the JIT vectorises small methods
 * reliably, and one large method ran 30× slower in a measurement on this machine (DESIGN §6).
 */
final class VectorKernels implements NumericKernels {
    static final VectorKernels INSTANCE = new VectorKernels();
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorKernels() {
    }

    /**
     * The lanes' sum in lane order. Not reduceLanes(ADD): its order is left to the implementation, and HotSpot's
     * intrinsic (compiled code) and its Java fallback (interpreted, or before C2) add in different orders, so a
     * problem's answer depended on how warm the JIT was when it was solved (a batch of 400 identical problems
     * gave three different answers). Lane extraction in a fixed order costs a few instructions per dot product.
     */
    private static double sumLanes(DoubleVector v) {
        double s = v.lane(0);
        for (int i = 1; i < L; i++) {
            s += v.lane(i);
        }
        return s;
    }

    @Override
    public double dot(double[] a, int aOff, double[] b, int bOff, int len) {
        DoubleVector acc0 = DoubleVector.zero(S);
        DoubleVector acc1 = DoubleVector.zero(S);
        int k = 0;
        int bound2 = len - 2 * L;
        for (; k <= bound2; k += 2 * L) {
            acc0 = DoubleVector.fromArray(S, a, aOff + k).fma(DoubleVector.fromArray(S, b, bOff + k), acc0);
            acc1 = DoubleVector.fromArray(S, a, aOff + k + L).fma(DoubleVector.fromArray(S, b, bOff + k + L), acc1);
        }
        if (k <= len - L) {
            acc0 = DoubleVector.fromArray(S, a, aOff + k).fma(DoubleVector.fromArray(S, b, bOff + k), acc0);
            k += L;
        }
        double s = sumLanes(acc0.add(acc1));
        for (; k < len; k++) {
            s += a[aOff + k] * b[bOff + k];
        }
        return s;
    }

    @Override
    public void axpy(double alpha, double[] x, int xOff, double[] y, int yOff, int len) {
        DoubleVector va = DoubleVector.broadcast(S, alpha);
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector.fromArray(S, x, xOff + k).fma(va, DoubleVector.fromArray(S, y, yOff + k))
                    .intoArray(y, yOff + k);
        }
        for (; k < len; k++) {
            y[yOff + k] += alpha * x[xOff + k];
        }
    }

    /*
     * The covariance product, blocked as in GotoBLAS: the work is a sum of outer products of rows of X.
     *
     * Register tile: MR = 4 rows i × NR = 2 vectors of columns j of C (4 × 8 doubles with AVX2) in 8 DoubleVector
     * accumulators; one step t broadcasts 4 values X[t][i..i+3] and loads 2 vectors X[t][j..j+NR), 6 loads for
     * 8 FMAs, and no reduction across lanes. (Tiles of 4 × 12 and 6 × 8, 12 accumulators, ran at half the speed or
     * less: C2 then spills, or even boxes, vectors inside the loop; 16 YMM registers are not enough.)
     * Packing, per block of KC rows t: every column j ≥ rowFrom is copied once, shifted, into tiles of KC × NR
     * contiguous values (16 KiB each, so a tile and the 8 KiB sliver of rows it meets both stay in L1); the rows i of
     * the range are copied from those tiles in blocks of MC, weighted, into slivers of KC × MR (a block of 128 KiB
     * stays in L2). Padding rows and columns are zero, so one micro-kernel serves every tile, edges and diagonal
     * included.
     * The tiles' sums are kept in a buffer of their own, tile after tile in the order the loops visit them, not in C:
     * each pass over a block of rows t then reads and writes that buffer front to back, which the hardware
     * prefetcher streams, where C's rows (8 KB apart at N = 1000, each tile's row straddling two cache lines) missed
     * the cache on every tile (Java has no prefetch instruction). The first pass stores instead of adding, so the
     * buffer needs no zeroing; one final pass scales the tiles and writes both triangles of C. Measured at
     * T = 2520, N = 1000: the buffer was 7–10% faster than accumulating in C; with it, KC = 256 beat 512 (whose
     * 32 KiB tiles filled L1) by ~8 points of OpenBLAS's speed in rounds alternated with it in one process
     * (benchmarks/openblas-paired.sh), where accumulating in C had made 512 the faster (half the passes over C).
     */
    private static final int KC = 256;
    private static final int MC = 64;
    private static final int MR = 4;
    /*
     * The column tiles start BPAD values into their buffer. A packed step is NR = 8 doubles, one cache line when the
     * tile starts on a line; HotSpot puts a double[]'s data 16 bytes past the array's start, and G1 starts a
     * humongous array (the buffer at N = 1000) on a region boundary, so 6 values of padding put every step on one
     * line instead of splitting one of its two vector loads across two (~4% faster, measured). Where the array is
     * not so aligned the padding costs nothing.
     */
    private static final int BPAD = 6;
    private static final int NR = 2 * L;
    /*
     * A sliver's MR = 4 values as one 256-bit vector: the preferred species itself under AVX2, half of it under
     * AVX-512, where packRows, written for MR == L, had copied value by value (18% of a 252 × 100 window's product).
     */
    private static final VectorSpecies<Double> S_MR = DoubleVector.SPECIES_256;
    private static final int TILE = MR * NR;

    @Override
    public void syrk(double[] x, int xOff, int n, int t, double[] shift, double[] weights, double scale, double[] c,
                     int cOff, int rowFrom, int rowTo) {
        product(x, xOff, n, n, t, shift, weights, scale, c, cOff, n, rowFrom, rowTo, false);
    }

    @Override
    public void subtractOuterProducts(double[] p, int pOff, int ldp, int m, int k, double[] c, int cOff, int ldc,
                                      int colFrom, int colTo) {
        if (colFrom >= colTo) {
            return;
        }
        // the product packs rows of its k × m operand Pᵀ; one transposed copy (k·m values) against k·m² flops
        double[] pt = new double[k * m];
        for (int i = colFrom; i < m; i++) { // the product reads columns from colFrom on
            int row = pOff + i * ldp;
            for (int r = 0; r < k; r++) {
                pt[r * m + i] = p[row + r];
            }
        }
        // the product's rows [colFrom, colTo) of the upper triangle are, mirrored, these columns of the lower one
        product(pt, 0, m, m, k, null, null, -1.0, c, cOff, ldc, colFrom, colTo, true);
    }

    /**
     * C = scale · Σ_r w_r (X[r] − m)(X[r] − m)ᵀ for the rows [rowFrom, rowTo) of the upper triangle and their
     * mirror images, or, when {@code accumulate}, C += that product on the mirror images (the lower triangle) only;
     * X[r][j] = x[xOff + r·ldx + j] (n columns), C[i][j] = c[cOff + i·ldc + j].
     */
    private static void product(double[] x, int xOff, int ldx, int n, int t, double[] shift, double[] weights,
                                double scale, double[] c, int cOff, int ldc, int rowFrom, int rowTo,
                                boolean accumulate) {
        if (rowFrom >= rowTo) {
            return;
        }
        if (t == 0) {
            if (!accumulate) {
                writeSymmetric(null, scale, c, cOff, ldc, n, rowFrom, rowTo, false);
            }
            return;
        }
        int kcMax = Math.min(KC, t);
        int width = n - rowFrom;
        double[] b = new double[kcMax * roundUp(width, NR) + BPAD];
        double[] a = new double[kcMax * Math.min(MC, roundUp(rowTo - rowFrom, MR))];
        // one pass over the rows t (the Cholesky update's k ≤ KC): each column tile's sums go to C as soon as they
        // are complete, through a buffer of one column tile, instead of a buffer of the whole range
        boolean direct = t <= KC;
        double[] tiles = new double[direct ? MC / MR * TILE : tileBufferSize(n, rowFrom, rowTo)];
        for (int k0 = 0; k0 < t; k0 += KC) {
            int kc = Math.min(KC, t - k0);
            boolean first = k0 == 0;
            packColumns(x, xOff, ldx, k0, kc, rowFrom, width, shift, b);
            int pos = 0;
            for (int blockFrom = rowFrom; blockFrom < rowTo; blockFrom += MC) {
                int blockRows = Math.min(MC, rowTo - blockFrom);
                int blockTiles = roundUp(blockRows, MR) / MR * TILE;
                packRows(b, kc, rowFrom, blockFrom, blockRows, weights, k0, a);
                for (int j = firstColumn(rowFrom, blockFrom); j < n; j += NR, pos += blockTiles) {
                    int at = direct ? 0 : pos;
                    sweep(a, b, BPAD + (j - rowFrom) * kc, kc, tiles, at, blockFrom, blockRows, j, first);
                    if (direct) {
                        writeColumnTile(tiles, at, scale, c, cOff, ldc, n, blockFrom, blockRows, j, accumulate);
                    }
                }
            }
        }
        if (!direct) {
            writeSymmetric(tiles, scale, c, cOff, ldc, n, rowFrom, rowTo, accumulate);
        }
    }

    /**
     * The first column of the first tile a block of rows computes: the column tiles are cut from rowFrom, and the
     * first one that reaches the block's diagonal comes first.
     */
    private static int firstColumn(int rowFrom, int blockFrom) {
        return rowFrom + (blockFrom - rowFrom) / NR * NR;
    }

    /** Values in the tile buffer: for each block of rows, one MR × NR tile per sliver for each column tile. */
    private static int tileBufferSize(int n, int rowFrom, int rowTo) {
        long size = 0;
        for (int blockFrom = rowFrom; blockFrom < rowTo; blockFrom += MC) {
            int slivers = roundUp(Math.min(MC, rowTo - blockFrom), MR) / MR;
            size += (long) roundUp(n - firstColumn(rowFrom, blockFrom), NR) / NR * slivers * TILE;
        }
        return Math.toIntExact(size);
    }

    /** Runs every MR-row sliver of the packed block against one packed column tile (columns from j). */
    private static void sweep(double[] a, double[] b, int bOff, int kc, double[] tiles, int pos, int blockFrom,
                              int blockRows, int j, boolean first) {
        for (int s = 0; s < blockRows; s += MR, pos += TILE) {
            if (blockFrom + s >= j + NR) {
                return; // this sliver and the ones after it lie below the diagonal
            }
            micro(a, s * kc, b, bOff, kc, tiles, pos, first);
        }
    }

    /**
     * C[i][j] = C[j][i] = scale · tile value (or C[j][i] += when {@code accumulate}) for the range's upper-triangle
     * entries, walking the tiles in buffer order: a column tile's slivers write 4 × 8 blocks along rows and, mirrored,
     * 8 × 4 blocks that fill whole cache lines of the 8 rows below within 16 slivers. A null buffer writes zeros (no
     * rows t).
     */
    private static void writeSymmetric(double[] tiles, double scale, double[] c, int cOff, int ldc, int n,
                                       int rowFrom, int rowTo, boolean accumulate) {
        int pos = 0;
        for (int blockFrom = rowFrom; blockFrom < rowTo; blockFrom += MC) {
            int blockRows = Math.min(MC, rowTo - blockFrom);
            int blockTiles = roundUp(blockRows, MR) / MR * TILE;
            for (int j = firstColumn(rowFrom, blockFrom); j < n; j += NR, pos += blockTiles) {
                writeColumnTile(tiles, pos, scale, c, cOff, ldc, n, blockFrom, blockRows, j, accumulate);
            }
        }
    }

    /** One column tile's slivers (columns from j, rows of the block), from {@code tiles[pos]} on, into C. */
    private static void writeColumnTile(double[] tiles, int pos, double scale, double[] c, int cOff, int ldc, int n,
                                        int blockFrom, int blockRows, int j, boolean accumulate) {
        int jw = Math.min(NR, n - j);
        for (int s = 0, idx = pos; s < blockRows && blockFrom + s < j + jw; s += MR, idx += TILE) {
            int ih = Math.min(MR, blockRows - s);
            for (int r = 0; r < ih; r++) {
                int i = blockFrom + s + r;
                for (int u = Math.max(0, i - j); u < jw; u++) {
                    double v = tiles == null ? 0.0 : scale * tiles[idx + r * NR + u];
                    if (accumulate) {
                        c[cOff + (j + u) * ldc + i] += v; // the lower triangle only
                    } else {
                        c[cOff + i * ldc + j + u] = v;
                        c[cOff + (j + u) * ldc + i] = v;
                    }
                }
            }
        }
    }

    private static int roundUp(int v, int m) {
        return (v + m - 1) / m * m;
    }

    /**
     * b[tile][k][u] = X[k0+k][j0 + tile·NR + u] − m, tiles of NR columns each KC·NR long; columns past jw are zero.
     */
    private static void packColumns(double[] x, int xOff, int ldx, int k0, int kc, int j0, int jw, double[] shift,
                                    double[] b) {
        int full = jw / L * L;
        for (int k = 0; k < kc; k++) {
            int row = xOff + (k0 + k) * ldx + j0;
            int u = 0;
            for (; u < full; u += L) {
                DoubleVector v = DoubleVector.fromArray(S, x, row + u);
                if (shift != null) {
                    v = v.sub(DoubleVector.fromArray(S, shift, j0 + u));
                }
                v.intoArray(b, BPAD + (u / NR) * kc * NR + k * NR + u % NR);
            }
            for (; u < roundUp(jw, NR); u++) {
                double v = u < jw ? x[row + u] - (shift == null ? 0 : shift[j0 + u]) : 0.0;
                b[BPAD + (u / NR) * kc * NR + k * NR + u % NR] = v;
            }
        }
    }

    /**
     * a[sliver][k][r] = w[k0+k]·(X[k0+k][i0 + sliver·MR + r] − m) for the rows [i0, i0+rows), slivers KC·MR long;
     * rows past the block are zero. The rows of the range are columns of the packed panel b (it starts at column
     * rowFrom), so they are copied from there: contiguous reads of a panel just written, where gathering them from X
     * read 512 bytes from each of KC rows 8 KB apart and was, with the cache lines it evicted, a quarter of the
     * whole product's time (measured at T = 2520, N = 1000: 101–112 ms before, 76–81 ms after).
     */
    private static void packRows(double[] b, int kc, int rowFrom, int i0, int rows, double[] weights, int k0,
                                 double[] a) {
        for (int r = 0; r < rows; r += MR) {
            int col = i0 + r - rowFrom; // MC and MR divide i0 − rowFrom: a sliver is one half of a column tile
            int src = BPAD + (col / NR) * kc * NR + col % NR;
            int dst = (r / MR) * kc * MR;
            if (r + MR <= rows && L >= MR) {
                for (int k = 0; k < kc; k++) {
                    DoubleVector v = DoubleVector.fromArray(S_MR, b, src + k * NR);
                    if (weights != null) {
                        v = v.mul(weights[k0 + k]);
                    }
                    v.intoArray(a, dst + k * MR);
                }
            } else {
                for (int k = 0; k < kc; k++) {
                    double w = weights == null ? 1.0 : weights[k0 + k];
                    for (int q = 0; q < MR; q++) {
                        a[dst + k * MR + q] = r + q < rows ? b[src + k * NR + q] * w : 0.0;
                    }
                }
            }
        }
    }

    /**
     * T[r][u] (+)= Σ_k a[aOff + k·MR + r]·b[bOff + k·NR + u] for the MR × NR tile at t[tIdx + r·NR + u]: stored on
     * the first pass over the rows t, added on the others. The sums start from zero and the tile is touched only at
     * the end, so each entry's arithmetic is the same wherever its tile falls.
     */
    private static void micro(double[] a, int aOff, double[] b, int bOff, int kc, double[] t, int tIdx,
                              boolean first) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
        DoubleVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int k = 0;
        int pairs = kc - 1;
        // two steps per iteration: fewer loop branches and index updates per FMA. The exit test compares k itself
        // with a loop-invariant bound: C2 then sees a counted loop and hoists every bounds check and the safepoint
        // poll out of it (`k + 1 < kc` left 4 checks and a poll in the loop, ~10% slower)
        for (; k < pairs; k += 2) {
            int ai = aOff + k * MR;
            int bi = bOff + k * NR;
            DoubleVector y0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector v = DoubleVector.broadcast(S, a[ai]);
            c00 = v.fma(y0, c00);
            c01 = v.fma(y1, c01);
            v = DoubleVector.broadcast(S, a[ai + 1]);
            c10 = v.fma(y0, c10);
            c11 = v.fma(y1, c11);
            v = DoubleVector.broadcast(S, a[ai + 2]);
            c20 = v.fma(y0, c20);
            c21 = v.fma(y1, c21);
            v = DoubleVector.broadcast(S, a[ai + 3]);
            c30 = v.fma(y0, c30);
            c31 = v.fma(y1, c31);
            y0 = DoubleVector.fromArray(S, b, bi + NR);
            y1 = DoubleVector.fromArray(S, b, bi + NR + L);
            v = DoubleVector.broadcast(S, a[ai + MR]);
            c00 = v.fma(y0, c00);
            c01 = v.fma(y1, c01);
            v = DoubleVector.broadcast(S, a[ai + MR + 1]);
            c10 = v.fma(y0, c10);
            c11 = v.fma(y1, c11);
            v = DoubleVector.broadcast(S, a[ai + MR + 2]);
            c20 = v.fma(y0, c20);
            c21 = v.fma(y1, c21);
            v = DoubleVector.broadcast(S, a[ai + MR + 3]);
            c30 = v.fma(y0, c30);
            c31 = v.fma(y1, c31);
        }
        if (k < kc) {
            int ai = aOff + k * MR;
            int bi = bOff + k * NR;
            DoubleVector y0 = DoubleVector.fromArray(S, b, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, b, bi + L);
            DoubleVector v = DoubleVector.broadcast(S, a[ai]);
            c00 = v.fma(y0, c00);
            c01 = v.fma(y1, c01);
            v = DoubleVector.broadcast(S, a[ai + 1]);
            c10 = v.fma(y0, c10);
            c11 = v.fma(y1, c11);
            v = DoubleVector.broadcast(S, a[ai + 2]);
            c20 = v.fma(y0, c20);
            c21 = v.fma(y1, c21);
            v = DoubleVector.broadcast(S, a[ai + 3]);
            c30 = v.fma(y0, c30);
            c31 = v.fma(y1, c31);
        }
        if (first) {
            c00.intoArray(t, tIdx);
            c01.intoArray(t, tIdx + L);
            c10.intoArray(t, tIdx + NR);
            c11.intoArray(t, tIdx + NR + L);
            c20.intoArray(t, tIdx + 2 * NR);
            c21.intoArray(t, tIdx + 2 * NR + L);
            c30.intoArray(t, tIdx + 3 * NR);
            c31.intoArray(t, tIdx + 3 * NR + L);
        } else {
            addInto(t, tIdx, c00, c01);
            addInto(t, tIdx + NR, c10, c11);
            addInto(t, tIdx + 2 * NR, c20, c21);
            addInto(t, tIdx + 3 * NR, c30, c31);
        }
    }

    private static void addInto(double[] c, int idx, DoubleVector lo, DoubleVector hi) {
        DoubleVector.fromArray(S, c, idx).add(lo).intoArray(c, idx);
        DoubleVector.fromArray(S, c, idx + L).add(hi).intoArray(c, idx + L);
    }

    @Override
    public void dot4(double[] a, int off, int stride, double[] x, int xOff, int len, double[] out) {
        int r1 = off + stride, r2 = off + 2 * stride, r3 = off + 3 * stride;
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector v = DoubleVector.fromArray(S, x, xOff + k);
            s0 = DoubleVector.fromArray(S, a, off + k).fma(v, s0);
            s1 = DoubleVector.fromArray(S, a, r1 + k).fma(v, s1);
            s2 = DoubleVector.fromArray(S, a, r2 + k).fma(v, s2);
            s3 = DoubleVector.fromArray(S, a, r3 + k).fma(v, s3);
        }
        double t0 = sumLanes(s0), t1 = sumLanes(s1);
        double t2 = sumLanes(s2), t3 = sumLanes(s3);
        for (; k < len; k++) {
            double v = x[xOff + k];
            t0 += a[off + k] * v;
            t1 += a[r1 + k] * v;
            t2 += a[r2 + k] * v;
            t3 += a[r3 + k] * v;
        }
        out[0] = t0;
        out[1] = t1;
        out[2] = t2;
        out[3] = t3;
    }

    @Override
    public void axpy4(double[] coef, double[] a, int off, int stride, double[] y, int yOff, int len) {
        int r1 = off + stride, r2 = off + 2 * stride, r3 = off + 3 * stride;
        double c0 = coef[0], c1 = coef[1], c2 = coef[2], c3 = coef[3];
        DoubleVector v0 = DoubleVector.broadcast(S, c0), v1 = DoubleVector.broadcast(S, c1);
        DoubleVector v2 = DoubleVector.broadcast(S, c2), v3 = DoubleVector.broadcast(S, c3);
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector acc = DoubleVector.fromArray(S, y, yOff + k);
            acc = DoubleVector.fromArray(S, a, off + k).fma(v0, acc);
            acc = DoubleVector.fromArray(S, a, r1 + k).fma(v1, acc);
            acc = DoubleVector.fromArray(S, a, r2 + k).fma(v2, acc);
            acc = DoubleVector.fromArray(S, a, r3 + k).fma(v3, acc);
            acc.intoArray(y, yOff + k);
        }
        for (; k < len; k++) {
            y[yOff + k] += c0 * a[off + k] + c1 * a[r1 + k] + c2 * a[r2 + k] + c3 * a[r3 + k];
        }
    }

    @Override
    public double dot2(double[] a, int aOff, double[] b, int bOff, int len) {
        // Dot2 lane by lane: each lane its own running sum and error; then the lanes' sums joined by TwoSum in lane
        // order, every error added on the side, and the tail as the scalar kernel
        DoubleVector sum = DoubleVector.zero(S);
        DoubleVector err = sum;
        int k = 0;
        int bound = S.loopBound(len);
        for (; k < bound; k += L) {
            DoubleVector x = DoubleVector.fromArray(S, a, aOff + k);
            DoubleVector y = DoubleVector.fromArray(S, b, bOff + k);
            DoubleVector p = x.mul(y);
            DoubleVector pe = x.fma(y, p.neg());
            DoubleVector t = sum.add(p);
            DoubleVector z = t.sub(sum);
            err = err.add(sum.sub(t.sub(z)).add(p.sub(z)).add(pe));
            sum = t;
        }
        double s = sum.lane(0);
        double e = err.lane(0);
        for (int i = 1; i < L; i++) {
            double q = sum.lane(i);
            double t = s + q;
            double z = t - s;
            e += (s - (t - z)) + (q - z) + err.lane(i);
            s = t;
        }
        return ScalarKernels.dot2From(s, e, a, aOff, b, bOff, k, len);
    }

    @Override
    public void subtractPanel4(double[] a, int aOff, int lda, int p, double[] pt, int ldp, int from, int to) {
        int r0 = aOff, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
        int p1 = ldp, p2 = 2 * ldp, p3 = 3 * ldp;
        int c = from;
        int bound = to - L;
        if (c <= bound) {
            DoubleVector c00 = DoubleVector.broadcast(S, -a[r0 + p]), c01 = DoubleVector.broadcast(S, -a[r0 + p + 1]);
            DoubleVector c02 = DoubleVector.broadcast(S, -a[r0 + p + 2]), c03 = DoubleVector.broadcast(S, -a[r0 + p + 3]);
            DoubleVector c10 = DoubleVector.broadcast(S, -a[r1 + p]), c11 = DoubleVector.broadcast(S, -a[r1 + p + 1]);
            DoubleVector c12 = DoubleVector.broadcast(S, -a[r1 + p + 2]), c13 = DoubleVector.broadcast(S, -a[r1 + p + 3]);
            DoubleVector c20 = DoubleVector.broadcast(S, -a[r2 + p]), c21 = DoubleVector.broadcast(S, -a[r2 + p + 1]);
            DoubleVector c22 = DoubleVector.broadcast(S, -a[r2 + p + 2]), c23 = DoubleVector.broadcast(S, -a[r2 + p + 3]);
            DoubleVector c30 = DoubleVector.broadcast(S, -a[r3 + p]), c31 = DoubleVector.broadcast(S, -a[r3 + p + 1]);
            DoubleVector c32 = DoubleVector.broadcast(S, -a[r3 + p + 2]), c33 = DoubleVector.broadcast(S, -a[r3 + p + 3]);
            for (; c <= bound; c += L) {
                DoubleVector v0 = DoubleVector.fromArray(S, pt, c), v1 = DoubleVector.fromArray(S, pt, p1 + c);
                DoubleVector v2 = DoubleVector.fromArray(S, pt, p2 + c), v3 = DoubleVector.fromArray(S, pt, p3 + c);
                v3.fma(c03, v2.fma(c02, v1.fma(c01, v0.fma(c00, DoubleVector.fromArray(S, a, r0 + c)))))
                        .intoArray(a, r0 + c);
                v3.fma(c13, v2.fma(c12, v1.fma(c11, v0.fma(c10, DoubleVector.fromArray(S, a, r1 + c)))))
                        .intoArray(a, r1 + c);
                v3.fma(c23, v2.fma(c22, v1.fma(c21, v0.fma(c20, DoubleVector.fromArray(S, a, r2 + c)))))
                        .intoArray(a, r2 + c);
                v3.fma(c33, v2.fma(c32, v1.fma(c31, v0.fma(c30, DoubleVector.fromArray(S, a, r3 + c)))))
                        .intoArray(a, r3 + c);
            }
        }
        for (int row = r0; c < to && row <= r3; row += lda) { // the tail, one row at a time as the scalar kernel
            double k0 = -a[row + p], k1 = -a[row + p + 1], k2 = -a[row + p + 2], k3 = -a[row + p + 3];
            for (int t = c; t < to; t++) {
                double y = Math.fma(pt[t], k0, a[row + t]);
                y = Math.fma(pt[p1 + t], k1, y);
                y = Math.fma(pt[p2 + t], k2, y);
                a[row + t] = Math.fma(pt[p3 + t], k3, y);
            }
        }
    }

    @Override
    public String name() {
        return "panama-vector(" + S.vectorBitSize() + " bit)";
    }
}
