/*
 * The warp path's CCD sweep with one problem per warp (the product's warp_sweep, included from solve.cu) against two
 * problems per warp, 16 lanes each (pair_sweep, a prototype here): how many sweeps an SM gets through with each, at
 * the occupancies each layout would have. The batch's 2 ms rests on it (benchmarks/RESULTS.md, "Prepared for the
 * twelfth GPU session"): two problems per warp share each coordinate step's FP64 root and shuffle, and were
 * predicted to raise the sweeps' throughput per SM ~1.7×. That is measured here, on the sweep alone, before the whole warp path (mixer, refreshes,
 * stall test, hand-over) is rewritten for it.
 *
 * Each block is one warp; its problems' FP16 triangles (a one-factor correlation of n assets in the solve's packed
 * layout, warp_pack_triangle's) sit in dynamic shared memory, padded so that the asked number of blocks fits an SM
 * (the product's batch instance is held to 12 by its 168 registers; the sweep alone needs fewer). Every problem runs
 * SWEEPS sweeps from y = 1/√n. Printed per variant: blocks resident per SM, registers, kernel ms, problem-sweeps per
 * µs over the GPU and against the product's layout, cycles per coordinate step per warp (clock64 around the sweeps),
 * and the largest relative difference of y from the product's sweep (the FP32 partial sums fall differently with
 * 16-lane blocks: ~1e-6 after 20 sweeps in emulation; above 1e-5 it is reported as a disagreement, and the exit
 * status is 1).
 *
 * On a GPU (from the repository root; ~30 s to build):
 *   nvcc -std=c++17 -O3 -arch=sm_90 -Ikernels/include -Ikernels/src -o sweep_pairs kernels/tools/sweep_pairs.cu
 *   ./sweep_pairs [n, 65–112 (default 100)] [problems (default 31,680: 20 waves of 12 per SM on 132 SMs)]
 * Under the emulation (the prototype's arithmetic checked against the product's sweep; its timings mean nothing):
 *   g++ -std=c++20 -O2 -pthread -x c++ -Ikernels/include -Ikernels/emu -Ikernels/src \
 *       kernels/tools/sweep_pairs.cu -o /tmp/sweep_pairs && /tmp/sweep_pairs 100 8
 */
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../src/solve.cu"
#include "../src/solve_wide.cu"

namespace er {
namespace {

constexpr int SWEEPS = 20;
constexpr int PAIR_R = 7; /* entries per lane with 16 lanes a problem: n ≤ 112 */

#ifdef __CUDACC__
__device__ __forceinline__ long long cycles_now() { return clock64(); }
#else
inline long long cycles_now() { return 0; } /* the emulation has no cycle counter */
#endif

/* β_p ∈ [0.3, 0.8] from a hash of (problem, p): C_pq = β_p β_q off the diagonal, a one-factor correlation (positive
   definite), so the sweeps move as on the batch's factor models. */
__host__ __device__ double beta(int64_t k, int p) {
    uint32_t h = (uint32_t)k * 2654435761u ^ ((uint32_t)p * 40503u + 12345u);
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    h *= 3266489917u;
    h ^= h >> 16;
    return 0.3 + 0.5 * (h / 4294967296.0);
}

/* Problem k's triangle, written by the W lanes of its group (local lane ll): column q at q(q+1)/2, zeros on the
   diagonal, then the n + 1 zeros of the pad the sweep's last prefetch reads. */
template <int W>
__device__ void fill_triangle(half16* tri, int n, int64_t k, int ll) {
    for (int q = 0; q < n; q++) {
        const double bq = beta(k, q);
        for (int p = ll; p <= q; p += W) tri[q * (q + 1) / 2 + p] = narrow_half(p < q ? beta(k, p) * bq : 0.0);
    }
    for (int e = ll; e <= n; e += W) tri[packed_floats(n) + e] = narrow_half(0.0);
}

/* The start: y = 1/√n, b = 1/n, q = Cy − y exactly (Σ_{j≠p} β_p β_j y_j) for the lane's entries p = ll + W·r. */
template <int W, int R>
__device__ void start(int n, int64_t k, int ll, double (&y)[R], double (&q)[R], double (&b)[R]) {
    const double y0 = 1.0 / sqrt((double)n);
    double sum = 0.0;
    for (int j = 0; j < n; j++) sum += beta(k, j) * y0;
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int p = ll + W * r;
        const bool in = p < n;
        const double bp = in ? beta(k, p) : 0.0;
        y[r] = in ? y0 : 0.0;
        q[r] = in ? bp * (sum - bp * y0) : 0.0;
        b[r] = in ? 1.0 / n : 0.0;
    }
}

/* warp_sweep for two problems at once, lanes 0–15 one, 16–31 the other, each half on its own triangle C: the same
   steps (the owner's FP64 root, handed on by a shuffle within the half, q's next-owner slot in FP64 and the rest
   summed in FP32), with 16 in place of 32 and R entries per lane (p = ll + 16r). Both problems have n assets here;
   the product would walk the larger active set and hold the smaller problem's steps at zero. */
template <int R>
__device__ __forceinline__ void pair_sweep(const half16* C, int na, double (&y)[R], double (&q)[R],
                                           const double (&b)[R]) {
    const int ll = threadIdx.x & 15;
    half16 cur[R];
    int tj[R];
    float dq[R];
#pragma unroll
    for (int r = 0; r < R; r++) {
        const int j = ll + 16 * r;
        tj[r] = j < na ? j * (j + 1) / 2 : 0;
        cur[r] = C[tj[r]];
        dq[r] = 0.0f;
    }
    int i1 = 1, c1 = 1 + ll;
#pragma unroll
    for (int ri = 0; ri < R; ri++) {
        const int lim = na - 16 * ri < 16 ? na - 16 * ri : 16;
        if (lim <= 0) break;
        q[ri] += (double)dq[ri];
        dq[ri] = 0.0f;
#pragma unroll 2
        for (int l = 0; l < lim; l++) {
            half16 nxt[R];
#pragma unroll
            for (int r = 0; r < R; r++) {
                const bool in_col = r < ri || (r == ri && ll <= l + 1);
                nxt[r] = C[in_col ? c1 + 16 * r : tj[r] + i1];
            }
            const double own = ccd_step<false>(q[ri], b[ri], y[ri]);
            const double dy = __shfl_sync(0xffffffffu, own, l, 16);
            const float dyf = (float)dy;
#pragma unroll
            for (int r = 0; r < R; r++) {
                if (r == ri) q[r] = fma((double)widen_f(cur[r]), dy, q[r]);
                else dq[r] = fmaf(widen_f(cur[r]), dyf, dq[r]);
                cur[r] = nxt[r];
            }
            if (ll == l) y[ri] += own;
            i1++;
            c1 += i1;
        }
    }
#pragma unroll
    for (int r = 0; r < R; r++) q[r] += (double)dq[r];
}

/* One problem per warp: the product's sweep. */
__global__ void one_per_warp(int n, int64_t problems, double* out, long long* cycles) {
    ER_DYNAMIC_SHARED(half16, tri);
    const int lane = threadIdx.x;
    Problem P;
    P.na = n;
    P.Cp = tri;
    for (int64_t k = blockIdx.x; k < problems; k += gridDim.x) {
        fill_triangle<32>(tri, n, k, lane);
        __syncwarp();
        double y[WR], q[WR], b[WR];
        start<32>(n, k, lane, y, q, b);
        const long long t0 = cycles_now();
        for (int s = 0; s < SWEEPS; s++) warp_sweep<half16, WR, false>(P, y, q, b);
        const long long t1 = cycles_now();
#pragma unroll
        for (int r = 0; r < WR; r++)
            if (lane + 32 * r < n) out[k * n + lane + 32 * r] = y[r];
        if (lane == 0) cycles[k] = t1 - t0;
        __syncwarp(); /* the triangle is read before the next problem's is written */
    }
}

/* Two problems per warp: problems 2m and 2m + 1, one per half, each with its own triangle. */
__global__ void two_per_warp(int n, int64_t problems, double* out, long long* cycles) {
    ER_DYNAMIC_SHARED(half16, smem);
    const int lane = threadIdx.x, half = lane / 16, ll = lane % 16;
    half16* tri = smem + half * (packed_floats(n) + n + 1);
    for (int64_t m = blockIdx.x; 2 * m < problems; m += gridDim.x) {
        const int64_t k = 2 * m + half; /* past the last problem (an odd count): swept, not stored */
        fill_triangle<16>(tri, n, k, ll);
        __syncwarp();
        double y[PAIR_R], q[PAIR_R], b[PAIR_R];
        start<16>(n, k, ll, y, q, b);
        const long long t0 = cycles_now();
        for (int s = 0; s < SWEEPS; s++) pair_sweep<PAIR_R>(tri, n, y, q, b);
        const long long t1 = cycles_now();
        if (k < problems) {
#pragma unroll
            for (int r = 0; r < PAIR_R; r++)
                if (ll + 16 * r < n) out[k * n + ll + 16 * r] = y[r];
            if (ll == 0) cycles[k] = t1 - t0;
        }
        __syncwarp();
    }
}

#define TRY(x)                                                                          \
    do {                                                                                \
        const cudaError_t e_ = (x);                                                     \
        if (e_ != cudaSuccess) {                                                        \
            std::printf("%s: %s\n", #x, cudaGetErrorString(e_));                        \
            std::exit(1);                                                               \
        }                                                                               \
    } while (0)

struct Variant {
    const char* name;
    bool pairs;
    int blocks_per_sm; /* asked: the shared memory is padded to allow no more */
};

struct Outcome {
    float ms = 0;
    double cycles_per_step = 0;
    int resident = 0, registers = 0;
    size_t shared = 0;
};

Outcome run(const Variant& v, const cudaDeviceProp& prop, int n, int64_t problems, double* d_out, long long* d_cycles) {
    void (*kernel)(int, int64_t, double*, long long*) = v.pairs ? two_per_warp : one_per_warp;
    const size_t tri = (size_t)(packed_floats(n) + n + 1) * sizeof(half16) * (v.pairs ? 2 : 1);
    /* padded so that at most blocks_per_sm blocks fit the SM's shared memory (each also costs the reserved 1 KB) */
    size_t shared = prop.sharedMemPerMultiprocessor / v.blocks_per_sm - prop.reservedSharedMemPerBlock;
    shared = shared / 128 * 128;
    if (shared < tri) shared = tri;
    if (shared > prop.sharedMemPerBlockOptin) shared = prop.sharedMemPerBlockOptin;
    Outcome o;
    o.shared = shared;
    TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)shared));
    TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&o.resident, kernel, 32, shared));
#ifdef __CUDACC__
    cudaFuncAttributes attr;
    TRY(cudaFuncGetAttributes(&attr, kernel));
    o.registers = attr.numRegs;
#endif
    const int64_t work_items = v.pairs ? (problems + 1) / 2 : problems;
    const int64_t resident = (int64_t)(o.resident < 1 ? 1 : o.resident) * prop.multiProcessorCount;
    const unsigned grid = (unsigned)(work_items < resident ? work_items : resident);
    cudaEvent_t a, b;
    TRY(cudaEventCreate(&a));
    TRY(cudaEventCreate(&b));
    ER_LAUNCH(kernel, dim3(grid), dim3(32), shared, nullptr, n, problems, d_out, d_cycles); /* warm-up */
    TRY(cudaGetLastError());
    TRY(cudaEventRecord(a, nullptr));
    ER_LAUNCH(kernel, dim3(grid), dim3(32), shared, nullptr, n, problems, d_out, d_cycles);
    TRY(cudaGetLastError());
    TRY(cudaEventRecord(b, nullptr));
    TRY(cudaEventSynchronize(b));
    TRY(cudaEventElapsedTime(&o.ms, a, b));
    TRY(cudaEventDestroy(a));
    TRY(cudaEventDestroy(b));
    std::vector<long long> cycles(problems);
    TRY(cudaMemcpy(cycles.data(), d_cycles, problems * sizeof(long long), cudaMemcpyDeviceToHost));
    double sum = 0;
    for (long long c : cycles) sum += (double)c;
    /* a warp takes n steps a sweep, for one problem or (pairs) for both of its problems at once */
    o.cycles_per_step = sum / (double)problems / (SWEEPS * (double)n);
    return o;
}

}  // namespace
}  // namespace er

int main(int argc, char** argv) {
    using namespace er;
    const int n = argc > 1 ? std::atoi(argv[1]) : 100;
    const int64_t problems = argc > 2 ? std::atoll(argv[2]) : 31680;
    if (n < 65 || n > 16 * PAIR_R || problems < 2) {
        std::printf("usage: %s [n, 65–%d] [problems ≥ 2]\n", argv[0], 16 * PAIR_R);
        return 2;
    }
    cudaDeviceProp prop;
    TRY(cudaGetDeviceProperties(&prop, 0));
    std::printf("%s, %d SMs; n = %d, %lld problems, %d sweeps each\n", prop.name, prop.multiProcessorCount, n,
                (long long)problems, SWEEPS);
#ifndef __CUDACC__
    std::printf("(the emulation: the answers are checked, the timings mean nothing)\n");
#endif
    double *d_out = nullptr, *d_ref = nullptr;
    long long* d_cycles = nullptr;
    TRY(cudaMalloc(reinterpret_cast<void**>(&d_out), problems * n * sizeof(double)));
    TRY(cudaMalloc(reinterpret_cast<void**>(&d_ref), problems * n * sizeof(double)));
    TRY(cudaMalloc(reinterpret_cast<void**>(&d_cycles), problems * sizeof(long long)));
    /* the product's layout at its occupancy first (the reference for y and for the throughput), then the pairs at
       what their registers would allow (about 200 a thread: 10 warps; the triangles cap them at 11), and the product's
       layout at 16 (what fewer registers alone would give) */
    const Variant variants[] = {{"one per warp, 12/SM (the product's)", false, 12},
                                {"two per warp, 10/SM (20 problems)", true, 10},
                                {"two per warp, 11/SM (22 problems)", true, 11},
                                {"two per warp, 8/SM (16 problems)", true, 8},
                                {"one per warp, 16/SM", false, 16},
                                {"one per warp, 12/SM, again", false, 12}};
    std::vector<double> ref(problems * n), got(problems * n);
    double base_rate = 0;
    bool agree = true;
    std::printf("%-38s %8s %5s %8s %9s %12s %8s %12s %10s\n", "variant", "resident", "regs", "smem B", "ms",
                "sweeps/µs", "× product", "cyc/step", "max |dy|/y");
    for (const Variant& v : variants) {
        const Outcome o = run(v, prop, n, problems, v.pairs ? d_out : d_ref, d_cycles);
        if (v.pairs) {
            TRY(cudaMemcpy(got.data(), d_out, got.size() * sizeof(double), cudaMemcpyDeviceToHost));
        } else {
            TRY(cudaMemcpy(ref.data(), d_ref, ref.size() * sizeof(double), cudaMemcpyDeviceToHost));
        }
        double worst = 0;
        if (v.pairs)
            for (size_t i = 0; i < ref.size(); i++) worst = std::max(worst, std::fabs(got[i] - ref[i]) / ref[i]);
        agree = agree && !(worst > 1e-5);
        const double rate = (double)problems * SWEEPS / (o.ms * 1000.0);
        if (base_rate == 0) base_rate = rate;
        std::printf("%-38s %8d %5d %8zu %9.3f %12.2f %8.2f× %12.1f %10.2g%s\n", v.name, o.resident, o.registers,
                    o.shared, o.ms, rate, rate / base_rate, o.cycles_per_step, worst,
                    worst > 1e-5 || worst != worst ? "  DISAGREES" : "");
    }
    TRY(cudaFree(d_out));
    TRY(cudaFree(d_ref));
    TRY(cudaFree(d_cycles));
    return agree ? 0 : 1;
}
