/*
 * The FP64 tensor-core step the covariance kernels are built on: D += A·B for A 16 × 4, B 4 × 8, D 16 × 8, one warp.
 *
 * Registers as the PTX ISA lays them out ("Matrix Fragments for mma.m16n8k4", .f64), with g = lane / 4, t = lane % 4:
 *   a0 = A(g, t), a1 = A(g + 8, t);  b0 = B(t, g);  d[q] = D(g + 8·(q / 2), 2t + q % 2).
 *
 * Why this shape: on an H200 the m8n8k4 shape (the only one wmma offers for double) issues at half the FP64 tensor
 * rate, 33 TFLOP/s against 66 for m16n8k4 (kernels/tools/dmma_rate.cu; RESULTS.md, "Eleventh GPU session"). m16n8k4
 * is sm_90 and later; on sm_80–89 the same registers make two m8n8k4 steps (rows 0–7, then 8–15: m8n8k4's layout
 * is the top half of this one), so every architecture runs the same code. Each entry adds a chain of four FMAs in k
 * order in either form. Under g++ the emulation's mma_m16n8k4_f64 computes the same from the same registers.
 * -DER_MMA_M8N8K4 builds the sm_80–89 form for every architecture, so that a Hopper can check it (device-session.sh,
 * step mma-m8n8k4): no A100 has been lent.
 */
#ifndef EQUIRISK_ER_MMA_CUH
#define EQUIRISK_ER_MMA_CUH

#include "er_cuda.cuh"

namespace er {

__device__ __forceinline__ void mma_16x8x4(double (&d)[4], double a0, double a1, double b0) {
#ifdef __CUDACC__
#if __CUDA_ARCH__ >= 900 && !defined(ER_MMA_M8N8K4)
    asm volatile("mma.sync.aligned.m16n8k4.row.col.f64.f64.f64.f64 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};"
        : "+d"(d[0]), "+d"(d[1]), "+d"(d[2]), "+d"(d[3])
        : "d"(a0), "d"(a1), "d"(b0));
#else
    asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};"
        : "+d"(d[0]), "+d"(d[1])
        : "d"(a0), "d"(b0));
    asm volatile("mma.sync.aligned.m8n8k4.row.col.f64.f64.f64.f64 {%0,%1}, {%2}, {%3}, {%0,%1};"
        : "+d"(d[2]), "+d"(d[3])
        : "d"(a1), "d"(b0));
#endif
#else
    cuda_emu::mma_m16n8k4_f64(d, a0, a1, b0);
#endif
}

}  // namespace er

#endif
