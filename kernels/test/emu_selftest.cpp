/*
 * Checks of the CUDA emulation itself (emu/cuda_emu.h), which CI trusts to run every kernel as a GPU would: the
 * launch rules a GPU enforces, lanes of a warp meeting at different shuffles or threads of a block at different
 * barriers, and memory that a kernel reads before writing it (poisoned: dynamic and static shared, device and
 * page-locked memory). Built and run by test/run.sh.
 *
 *   g++ -O1 -std=c++20 -pthread -Ikernels/emu kernels/test/emu_selftest.cpp -o emu_selftest && ./emu_selftest
 */
#include "cuda_emu.h"

#include <cstdio>

namespace {

int checks = 0, failures = 0;

void check(bool ok, const char* what) {
    checks++;
    if (!ok) {
        failures++;
        std::printf("FAIL %s\n", what);
    }
}

/* lane l of each warp gets Σ lanes by butterfly: 496 for a full warp */
__global__ void warp_sum_kernel(int* out) {
    int v = (int)(threadIdx.x % 32);
    for (int m = 16; m > 0; m >>= 1) v += __shfl_xor_sync(0xffffffffu, v, m);
    out[threadIdx.x] = v;
}

/* the first half-warp shuffles at one call, the second at another: undefined on a GPU */
__global__ void divergent_shuffle_kernel(int* out) {
    int v = (int)threadIdx.x;
    if (threadIdx.x < 16) v = __shfl_sync(0xffffffffu, v, 0);
    else v = __shfl_sync(0xffffffffu, v, 1);
    out[threadIdx.x] = v;
}

/* the first warp waits at one barrier, the second at another: undefined on a GPU */
__global__ void divergent_barrier_kernel(int* out) {
    if (threadIdx.x < 32) {
        out[threadIdx.x] = 1;
        __syncthreads();
    } else {
        __syncthreads();
        out[threadIdx.x] = 2;
    }
}

/* 16-lane segments: lane l reads lane src of its own half */
__global__ void segment_shuffle_kernel(int* out) {
    out[threadIdx.x] = __shfl_sync(0xffffffffu, (int)threadIdx.x, 3, 16);
}

__global__ void dynamic_shared_kernel(int* out) {
    ER_DYNAMIC_SHARED(int, buf);
    buf[threadIdx.x] = (int)threadIdx.x;
    __syncthreads();
    out[threadIdx.x] = buf[blockDim.x - 1 - threadIdx.x];
}

/* reads its dynamic shared memory before writing it: every block must find it poisoned (all bits set), not the
   block before's values */
__global__ void read_before_write_kernel(int* out) {
    ER_DYNAMIC_SHARED(int, buf);
    const int seen = buf[threadIdx.x];
    __syncthreads();
    buf[threadIdx.x] = 1000 + (int)blockIdx.x;
    out[blockIdx.x * blockDim.x + threadIdx.x] = seen;
}

/* the same with a static __shared__ array: a GPU gives each block the last block's leftovers, not its own values
   kept from a launch before */
__global__ void static_read_before_write_kernel(int* out) {
    __shared__ int buf[32];
    const int seen = buf[threadIdx.x];
    __syncthreads();
    buf[threadIdx.x] = 2000 + (int)blockIdx.x;
    out[blockIdx.x * blockDim.x + threadIdx.x] = seen;
}

/* thread 0 writes what thread 1 reads and thread 1 what thread 0 reads, with no barrier between: races, one of
   which each order of running the threads shows (the reader finds the poison) */
__global__ void missing_barrier_kernel(int* out) {
    ER_DYNAMIC_SHARED(int, buf);
    if (threadIdx.x == 0) buf[0] = 7;
    if (threadIdx.x == 1) out[0] = buf[0];
    if (threadIdx.x == 1) buf[1] = 9;
    if (threadIdx.x == 0) out[1] = buf[1];
}

}  // namespace

int main() {
    int out[1024] = {};
    check(cudaGetLastError() == cudaSuccess, "no error before any launch");

    ER_LAUNCH(warp_sum_kernel, dim3(1), dim3(64), 0, nullptr, out);
    check(cudaGetLastError() == cudaSuccess, "a warp sum launches");
    bool sums = true;
    for (int t = 0; t < 64; t++) sums = sums && out[t] == 496;
    check(sums, "every lane holds the warp's sum");

    ER_LAUNCH(segment_shuffle_kernel, dim3(1), dim3(32), 0, nullptr, out);
    check(cudaGetLastError() == cudaSuccess && out[5] == 3 && out[20] == 19, "width 16: each half reads its own lane 3");

    std::fprintf(stderr, "(a divergent shuffle is reported next, on purpose)\n");
    ER_LAUNCH(divergent_shuffle_kernel, dim3(1), dim3(32), 0, nullptr, out);
    check(cudaGetLastError() == cudaErrorLaunchFailure, "lanes at different shuffles fail the launch");
    check(cudaGetLastError() == cudaSuccess, "the error is cleared once read");

    std::fprintf(stderr, "(threads at different barriers are reported next, on purpose)\n");
    ER_LAUNCH(divergent_barrier_kernel, dim3(2), dim3(64), 0, nullptr, out);
    check(cudaGetLastError() == cudaErrorLaunchFailure, "threads at different __syncthreads fail the launch");

    ER_LAUNCH(warp_sum_kernel, dim3(1, 65536), dim3(32), 0, nullptr, out);
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "grid y above 65,535 is refused");
    ER_LAUNCH(warp_sum_kernel, dim3(1), dim3(1025), 0, nullptr, out);
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "1,025 threads a block are refused");
    ER_LAUNCH(warp_sum_kernel, dim3(1), dim3(1, 1, 65), 0, nullptr, out);
    check(cudaGetLastError() == cudaErrorInvalidConfiguration, "block z above 64 is refused");

    const size_t big = 64 * 1024;
    out[0] = -7;
    ER_LAUNCH(dynamic_shared_kernel, dim3(1), dim3(256), big, nullptr, out);
    check(cudaGetLastError() == cudaErrorInvalidValue && out[0] == -7,
          "64 KB of dynamic shared memory without the attribute: refused, and the kernel does not run");
    check(cudaFuncSetAttribute(dynamic_shared_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)big) ==
              cudaSuccess, "the attribute is set");
    ER_LAUNCH(dynamic_shared_kernel, dim3(1), dim3(256), big, nullptr, out);
    check(cudaGetLastError() == cudaSuccess && out[0] == 255, "64 KB with the attribute: runs");
    check(cudaFuncSetAttribute(dynamic_shared_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 228 * 1024) ==
              cudaErrorInvalidValue, "an attribute above the opt-in limit is refused");
    check(cudaFuncSetAttribute(dynamic_shared_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, 1024) ==
              cudaSuccess, "the attribute lowered");
    ER_LAUNCH(dynamic_shared_kernel, dim3(1), dim3(256), big, nullptr, out);
    check(cudaGetLastError() == cudaErrorInvalidValue, "a launch above a lowered attribute is refused");

    ER_LAUNCH(read_before_write_kernel, dim3(3), dim3(32), 32 * sizeof(int), nullptr, out);
    bool poisoned = cudaGetLastError() == cudaSuccess;
    for (int t = 0; t < 96; t++) poisoned = poisoned && out[t] == -1;
    check(poisoned, "each block finds its dynamic shared memory poisoned, not the last block's values");
    for (int launch = 0; launch < 2; launch++) { /* the second launch must not find the first's last block's values */
        ER_LAUNCH(static_read_before_write_kernel, dim3(3), dim3(32), 0, nullptr, out);
        poisoned = cudaGetLastError() == cudaSuccess;
        for (int t = 0; t < 96; t++) poisoned = poisoned && out[t] == -1;
        check(poisoned, launch == 0 ? "each block finds its static shared memory poisoned"
                                    : "each block of a second launch finds its static shared memory poisoned");
    }

    /* fibers run first to last between barriers, or last to first (EQUIRISK_EMU_ORDER=reverse, read at each launch) */
    if (!cuda_emu::use_threads()) { /* OS threads run in any order */
        ER_LAUNCH(missing_barrier_kernel, dim3(1), dim3(32), 2 * sizeof(int), nullptr, out);
        check(cudaGetLastError() == cudaSuccess && out[0] == 7 && out[1] == -1,
              "first to last: thread 0 reads thread 1's write before it is made");
        setenv("EQUIRISK_EMU_ORDER", "reverse", 1);
        ER_LAUNCH(missing_barrier_kernel, dim3(1), dim3(32), 2 * sizeof(int), nullptr, out);
        unsetenv("EQUIRISK_EMU_ORDER");
        check(cudaGetLastError() == cudaSuccess && out[0] == -1 && out[1] == 9,
              "EQUIRISK_EMU_ORDER=reverse: thread 1 reads thread 0's write before it is made");
    }

    /* device and page-locked memory handed out poisoned, also when the allocator reuses a block just freed with
       data in it (a kernel that reads workspace it never wrote must see NaN, not zeros or the last call's data) */
    for (const bool host : {false, true}) {
        bool all_poisoned = true;
        for (int round = 0; round < 3; round++) {
            void* p = nullptr;
            const size_t bytes = 4096 + 8 * (size_t)round;
            if ((host ? cudaMallocHost(&p, bytes) : cudaMalloc(&p, bytes)) != cudaSuccess) {
                all_poisoned = false;
                break;
            }
            const auto* b = static_cast<const unsigned char*>(p);
            for (size_t i = 0; i < bytes; i++) all_poisoned = all_poisoned && b[i] == 0xff;
            double nan_check;
            std::memcpy(&nan_check, p, sizeof nan_check);
            all_poisoned = all_poisoned && std::isnan(nan_check);
            std::memset(p, 0, bytes); /* data for the next round's allocation to find, if it reuses the block */
            if (host) cudaFreeHost(p);
            else cudaFree(p);
        }
        check(all_poisoned, host ? "cudaMallocHost hands out NaN bytes, also a reused block"
                                 : "cudaMalloc hands out NaN bytes, also a reused block");
    }

    std::printf("emulation self-test: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
