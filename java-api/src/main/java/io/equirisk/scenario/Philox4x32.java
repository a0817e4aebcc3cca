package io.equirisk.scenario;

/**
 * The counter-based generator Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11; the Random123 library): four 32-bit words out for a 128-bit counter and a 64-bit key, with no
 * state between calls. Any draw of a scenario set is a pure function of (key, counter), so the CPU engine and the
 * GPU produce the same numbers in whatever order, on however many threads. The CUDA twin is
 * {@code kernels/src/philox.cuh}; both are checked against Random123's known-answer vectors.
 */
public final class Philox4x32 {
    /** Round multipliers and Weyl key increments of Philox4x32 (the SC'11 paper, table 2). */
    private static final long M0 = 0xD2511F53L, M1 = 0xCD9E8D57L;
    private static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    static final int ROUNDS = 10;

    private Philox4x32() {
    }

    /**
     * The block for counter (c0, c1, c2, c3) and key (k0, k1), written to {@code out[0..3]}.
     *
     * @param c0  counter word 0
     * @param c1  counter word 1
     * @param c2  counter word 2
     * @param c3  counter word 3
     * @param k0  key word 0
     * @param k1  key word 1
     * @param out receives the four output words in out[0..3], 32 bits each (to be read as unsigned)
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0 * (c0 & 0xFFFFFFFFL); /* exact: two 32-bit factors fit 64 bits as unsigned */
            long p1 = M1 * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }
}
