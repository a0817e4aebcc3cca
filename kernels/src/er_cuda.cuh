/*
 * Included first by every kernel source: the real CUDA runtime under nvcc, the host emulation under g++.
 * ER_LAUNCH is the one way to launch a kernel; ER_DYNAMIC_SHARED the one way to reach dynamic shared memory
 * (`extern __shared__` cannot coexist with the emulation's `#define __shared__ static`).
 */
#ifndef EQUIRISK_ER_CUDA_CUH
#define EQUIRISK_ER_CUDA_CUH

#ifdef __CUDACC__
#include <cuda_runtime.h>
#define ER_LAUNCH(kernel, grid, block, smem, stream, ...) kernel<<<(grid), (block), (smem), (stream)>>>(__VA_ARGS__)
#define ER_DYNAMIC_SHARED(type, name)                                   \
    extern __shared__ __align__(16) unsigned char er_dynamic_shared_[]; \
    type* name = reinterpret_cast<type*>(er_dynamic_shared_)
#else
#include "cuda_emu.h"
#endif

#endif
