/*
 * The FP64 tensor cores' issue rate by instruction shape, registers only (no memory): m8n8k4 (the shape wmma
 * offers for double, and the one covariance.cu uses), and the sm_90 shapes m16n8k4, m16n8k8, m16n8k16 (mma.sync
 * only). Each warp keeps ACC independent accumulators so that no mma waits on the one before; blocks of 128 threads,
 * WARPS_PER_SM warps per SM. Prints TFLOP/s per shape and occupancy. Run on a Hopper GPU:
 *   nvcc -O3 -arch=sm_90 -o dmma_rate kernels/tools/dmma_rate.cu && ./dmma_rate
 * Whether the sm_90 shapes run faster than m8n8k4 decides whether the covariance product is worth moving to them.
 */
#include <cstdio>
#include <cuda_runtime.h>

#define CHECK(x)                                                                              \
    do {                                                                                      \
        cudaError_t e_ = (x);                                                                 \
        if (e_ != cudaSuccess) {                                                              \
            std::printf("%s: %s\n", #x, cudaGetErrorString(e_));                              \
            return 1;                                                                         \
        }                                                                                     \
    } while (0)

constexpr int ACC = 4;

__device__ __forceinline__ void mma884(double (&d)[2], double a, double b) {
    asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};\n"
                 : "+d"(d[0]), "+d"(d[1])
                 : "d"(a), "d"(b));
}
__device__ __forceinline__ void mma1684(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
    asm volatile("mma.sync.aligned.m16n8k4.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
                 : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
                 : "d"(a[0]), "d"(a[1]), "d"(b[0]));
}
__device__ __forceinline__ void mma1688(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(b[0]), "d"(b[1]));
}
__device__ __forceinline__ void mma16816(double (&d)[4], const double (&a)[8], const double (&b)[4]) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5,%6,%7,%8,%9,%10,%11}, "
        "{%12,%13,%14,%15}, {%0,%1,%2,%3};\n"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a[0]), "d"(a[1]), "d"(a[2]), "d"(a[3]), "d"(a[4]), "d"(a[5]), "d"(a[6]), "d"(a[7]), "d"(b[0]),
          "d"(b[1]), "d"(b[2]), "d"(b[3]));
}

/* SHAPE: 0 = m8n8k4, 1 = m16n8k4, 2 = m16n8k8, 3 = m16n8k16 */
template <int SHAPE>
__global__ void __launch_bounds__(128) rate_kernel(const double* in, double* out, int iters) {
    const int lane = threadIdx.x % 32;
    double a[8], b[4], d[ACC][4];
    for (int i = 0; i < 8; i++) a[i] = in[(lane * 8 + i) % 256];
    for (int i = 0; i < 4; i++) b[i] = in[(lane * 4 + i + 7) % 256];
    for (int c = 0; c < ACC; c++)
        for (int i = 0; i < 4; i++) d[c][i] = 0.0;
    for (int it = 0; it < iters; it++) {
#pragma unroll
        for (int c = 0; c < ACC; c++) {
            if (SHAPE == 0) {
                double (&d2)[2] = *reinterpret_cast<double (*)[2]>(&d[c][0]);
                mma884(d2, a[c], b[c]);
            } else if (SHAPE == 1) {
                mma1684(d[c], a, b);
            } else if (SHAPE == 2) {
                mma1688(d[c], a, b);
            } else {
                mma16816(d[c], a, b);
            }
        }
    }
    double s = 0.0;
    for (int c = 0; c < ACC; c++)
        for (int i = 0; i < 4; i++) s += d[c][i];
    out[blockIdx.x * blockDim.x + threadIdx.x] = s;
}

template <int SHAPE>
static int measure(const char* name, double flops_per_mma, int sms, const double* in, double* out) {
    const int iters = 4096;
    for (int warps_per_sm : {4, 8, 16, 32}) {
        const int blocks = sms * warps_per_sm / 4;
        rate_kernel<SHAPE><<<blocks, 128>>>(in, out, 16); /* warm-up */
        CHECK(cudaDeviceSynchronize());
        cudaEvent_t t0, t1;
        CHECK(cudaEventCreate(&t0));
        CHECK(cudaEventCreate(&t1));
        float best = 1e30f;
        for (int rep = 0; rep < 3; rep++) {
            CHECK(cudaEventRecord(t0));
            rate_kernel<SHAPE><<<blocks, 128>>>(in, out, iters);
            CHECK(cudaEventRecord(t1));
            CHECK(cudaEventSynchronize(t1));
            float ms;
            CHECK(cudaEventElapsedTime(&ms, t0, t1));
            if (ms < best) best = ms;
        }
        const double mmas = (double)blocks * 4 * iters * ACC;
        std::printf("%-9s %2d warps/SM: %8.3f ms  %6.1f TFLOP/s\n", name, warps_per_sm, best,
                    mmas * flops_per_mma / (best * 1e-3) / 1e12);
        CHECK(cudaEventDestroy(t0));
        CHECK(cudaEventDestroy(t1));
    }
    return 0;
}

int main() {
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    int khz = 0;
    CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, 0));
    std::printf("%s, %d SMs, %.0f MHz\n", prop.name, prop.multiProcessorCount, khz / 1e3);
    double *in, *out;
    CHECK(cudaMalloc(&in, 256 * sizeof(double)));
    CHECK(cudaMemset(in, 0, 256 * sizeof(double)));
    CHECK(cudaMalloc(&out, (size_t)prop.multiProcessorCount * 32 * 32 * sizeof(double)));
    int rc = 0;
    rc |= measure<0>("m8n8k4", 2.0 * 8 * 8 * 4, prop.multiProcessorCount, in, out);
    rc |= measure<1>("m16n8k4", 2.0 * 16 * 8 * 4, prop.multiProcessorCount, in, out);
    rc |= measure<2>("m16n8k8", 2.0 * 16 * 8 * 8, prop.multiProcessorCount, in, out);
    rc |= measure<3>("m16n8k16", 2.0 * 16 * 8 * 16, prop.multiProcessorCount, in, out);
    return rc;
}
