/*
 * CUDA emulation for g++ (C++20): the subset of CUDA the equirisk kernels use, run on the host with real threads.
 *
 * - A kernel launch (ER_LAUNCH) runs every block of the grid, one block after another, either as fibers on the
 *   launching thread (default: fast) or on a pool of OS threads, one per CUDA thread of a block, reused across
 *   blocks and launches (sanitizer builds, EQUIRISK_EMU_THREADS=1). Launches are serialised by one mutex, so
 *   static __shared__ variables (spelt `static` here) and the dynamic shared buffer are private to the running
 *   block even when several host threads launch at once.
 * - threadIdx/blockIdx/blockDim/gridDim are thread_local; __syncthreads is a real barrier over the block's
 *   threads; warp shuffles exchange through a per-warp slot array between two warp barriers.
 * - Device memory is host memory; cudaMemGetInfo reports an emulated device size (EQUIRISK_EMU_DEVICE_MEMORY bytes,
 *   default 4 GiB, read at every call) minus what is allocated, and cudaMalloc fails beyond it, so chunking code runs
 *   in CI.
 * - EQUIRISK_EMU_YIELD=1 yields around every barrier to shake out missing synchronisation (OS threads);
 *   EQUIRISK_EMU_ORDER=reverse runs a block's fibers last to first between barriers (a read of another thread's
 *   write with no barrier between finds the old value in one order or the other).
 * - A launch that breaks CUDA's rules (grid and block sizes; dynamic shared memory above the kernel's
 *   cudaFuncAttributeMaxDynamicSharedMemorySize, 48 KB unless set) does not run, and cudaGetLastError says so.
 * - Lanes of a warp that reach different __shfl_*_sync calls, or threads of a block different __syncthreads (CUDA
 *   requires the same one), are reported by call site, and the launch fails ("unspecified launch failure").
 * - Shared memory, dynamic and static, is filled with NaN bytes before every block, so a read before a write
 *   shows; so is every cudaMalloc and cudaMallocHost block when it is handed out (a GPU's holds whatever was there
 *   before).
 *
 * What it cannot show: warp-lockstep code that reads another lane's shared or global writes without __syncwarp,
 * grid-wide sync and blocks waiting on each other (blocks run in sequence), memory-fence bugs, stream concurrency
 * (everything is synchronous), occupancy.
 */
#ifndef EQUIRISK_CUDA_EMU_H
#define EQUIRISK_CUDA_EMU_H

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <source_location>
#include <thread>
#include <tuple>
#include <type_traits>
#include <vector>

#include <ucontext.h>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __maxnreg__(...)
#define __align__(n) alignas(n)
/* Static shared variables are function-scope statics, all in one section of their library or program, so that the
   emulation can poison them before every block as a GPU's leftovers would be (the linker names the section's ends) */
#define __shared__ static __attribute__((section("er_emu_static_shared")))
extern "C" {
extern unsigned char __start_er_emu_static_shared[] __attribute__((weak, visibility("hidden")));
extern unsigned char __stop_er_emu_static_shared[] __attribute__((weak, visibility("hidden")));
}

struct dim3 {
    unsigned x, y, z;
    constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
    unsigned x, y, z;
};

inline thread_local uint3 threadIdx{0, 0, 0};
inline thread_local uint3 blockIdx{0, 0, 0};
inline thread_local dim3 blockDim{1, 1, 1};
inline thread_local dim3 gridDim{1, 1, 1};
constexpr int warpSize = 32;

namespace cuda_emu {

/* How a block's threads run. Fibers (default): every CUDA thread of a block is a ucontext fiber on the launching
   OS thread, and a barrier switches to the next runnable fiber (~1 µs, no OS scheduler). Threads (sanitizer
   builds, or EQUIRISK_EMU_THREADS=1): one OS thread per CUDA thread from a reused pool, real barriers, so
   ThreadSanitizer sees the kernels' shared-memory races. */
inline bool use_threads() {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
    return true;
#else
    static const bool on = [] {
        const char* v = std::getenv("EQUIRISK_EMU_THREADS");
        return v != nullptr && v[0] == '1';
    }();
    return on;
#endif
}

inline bool yield_enabled() {
    static const bool on = [] {
        const char* v = std::getenv("EQUIRISK_EMU_YIELD");
        return v != nullptr && v[0] == '1';
    }();
    return on;
}

class Barrier;

/* Switching between fibers. glibc's swapcontext saves and restores the signal mask, a system call each way, so a
   barrier's round trip cost ~1 µs and the emulation spent a third of its time in the kernel. On x86-64 a fiber is
   instead a stack and a saved stack pointer, and switch_stack below saves what the ABI says a callee must keep (rbx,
   rbp, r12–r15, the x87 control word, MXCSR), stores the stack pointer, loads the other one and restores the same from
   it: no system call. Elsewhere, or with EQUIRISK_EMU_UCONTEXT=1, the portable ucontext calls. Either way the
   scheduling (which fiber runs when) is the same, so are the results. */
#if defined(__x86_64__)
#define ER_EMU_STACK_SWITCH 1
extern "C" void er_emu_switch_stack(void** save_sp, void* load_sp);
/* one definition for all translation units that include this header: a weak symbol the linker keeps once */
asm(R"(
    .text
    .weak er_emu_switch_stack
    .hidden er_emu_switch_stack
    .type er_emu_switch_stack, @function
er_emu_switch_stack:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $16, %rsp
    fnstcw (%rsp)
    stmxcsr 8(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    fldcw (%rsp)
    ldmxcsr 8(%rsp)
    addq $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size er_emu_switch_stack, .-er_emu_switch_stack
)");
#else
#define ER_EMU_STACK_SWITCH 0
#endif

inline bool use_ucontext() {
    static const bool on = [] {
        const char* v = std::getenv("EQUIRISK_EMU_UCONTEXT");
        return !ER_EMU_STACK_SWITCH || (v != nullptr && v[0] == '1');
    }();
    return on;
}

/* The fibers of the block running on this OS thread (fiber mode). */
struct FiberSet {
    struct Fiber {
        ucontext_t ctx;          /* ucontext mode */
        void* sp = nullptr;      /* stack-switch mode: the saved stack pointer */
        bool done = false;
        const Barrier* waiting = nullptr; /* blocked on this barrier … */
        unsigned wait_generation = 0;     /* … until its generation moves past this */
    };
    std::vector<Fiber> fibers;
    ucontext_t scheduler;
    void* scheduler_sp = nullptr;
    unsigned current = 0;
};
inline thread_local FiberSet* tl_fibers = nullptr;

/* From the running fiber back to the scheduler, and from the scheduler into fiber f. */
inline void switch_to_scheduler(FiberSet& set, FiberSet::Fiber& f) {
#if ER_EMU_STACK_SWITCH
    if (!use_ucontext()) {
        er_emu_switch_stack(&f.sp, set.scheduler_sp);
        return;
    }
#endif
    swapcontext(&f.ctx, &set.scheduler);
}

inline void switch_to_fiber(FiberSet& set, FiberSet::Fiber& f) {
#if ER_EMU_STACK_SWITCH
    if (!use_ucontext()) {
        er_emu_switch_stack(&set.scheduler_sp, f.sp);
        return;
    }
#endif
    swapcontext(&set.scheduler, &f.ctx);
}

/* A reusable barrier for a fixed number of threads (generation counting). */
class Barrier {
public:
    explicit Barrier(unsigned count) : count_(count) {}
    void arrive_and_wait() {
        if (tl_fibers != nullptr) {
            if (++arrived_ == count_) { /* the last one releases the others and runs on */
                arrived_ = 0;
                ++generation_;
                return;
            }
            auto& f = tl_fibers->fibers[tl_fibers->current];
            f.waiting = this;
            f.wait_generation = generation_;
            switch_to_scheduler(*tl_fibers, f);
            return;
        }
        std::unique_lock<std::mutex> lock(m_);
        unsigned gen = generation_;
        if (++arrived_ == count_) {
            arrived_ = 0;
            ++generation_;
            cv_.notify_all();
        } else {
            cv_.wait(lock, [&] { return generation_ != gen; });
        }
    }
    unsigned generation() const { return generation_; }

private:
    std::mutex m_;
    std::condition_variable cv_;
    unsigned count_;
    unsigned arrived_ = 0;
    unsigned generation_ = 0;
};

/* What one block's threads share while it runs. */
struct BlockState {
    Barrier* block_barrier = nullptr;
    std::vector<std::unique_ptr<Barrier>> warp_barriers;
    std::vector<uint64_t> warp_slots; /* 32 per warp: the shuffle exchange */
    std::vector<std::source_location> shuffle_sites; /* 32 per warp: where each lane's current shuffle is */
    std::vector<std::source_location> barrier_sites[2]; /* per thread, by the block barrier's generation's parity */
    std::atomic<bool> diverged{false}; /* lanes at different shuffles, or threads at different barriers: fails */
    std::vector<double> mma_slots;    /* 3 per thread: the operands of a warp's mma */
    unsigned char* dynamic_shared = nullptr;
    size_t dynamic_bytes = 0;

    /* Shared memory, dynamic and static, filled with NaN bytes before each block, as a GPU's holds the last block's
       leftovers: a read before a write shows as NaN rather than as the block before's values. The static variables
       of every kernel share one section; launches are serialised, so no other block is using it. */
    void poison_shared() {
        std::memset(dynamic_shared, 0xff, dynamic_bytes);
        if (__start_er_emu_static_shared != nullptr)
            std::memset(__start_er_emu_static_shared, 0xff,
                        static_cast<size_t>(__stop_er_emu_static_shared - __start_er_emu_static_shared));
    }
};

inline thread_local BlockState* tl_block = nullptr;
inline thread_local unsigned tl_linear = 0; /* linear thread index within the block */

/* Whether two calls are the same one (file, line and column): CUDA requires the threads a __syncthreads or a
   __shfl_sync waits for to execute the same one. Threads that meet at different ones (a barrier or a shuffle inside
   a thread-dependent branch, or loops whose trip counts differ by thread) hang or exchange garbage on a GPU; the
   emulation's barriers count arrivals and would pair them silently. */
inline bool same_site(const std::source_location& a, const std::source_location& b) {
    return a.line() == b.line() && a.column() == b.column() && std::strcmp(a.file_name(), b.file_name()) == 0;
}

/* __syncthreads at `at`: threads of the block that reach different ones are reported once, and the launch fails.
   A thread writes its site under the barrier's generation's parity, so one already at the next barrier never
   overwrites a site another is still comparing. */
inline void sync_block(const std::source_location& at = std::source_location::current()) {
    if (yield_enabled() && tl_fibers == nullptr) std::this_thread::yield();
    std::source_location* sites = tl_block->barrier_sites[tl_block->block_barrier->generation() & 1].data();
    sites[tl_linear] = at;
    tl_block->block_barrier->arrive_and_wait();
    if (!same_site(at, sites[0]) && !tl_block->diverged.exchange(true))
        std::fprintf(stderr, "cuda_emu: threads of block (%u,%u,%u) at different __syncthreads: thread 0 at %s:%u, "
                     "thread %u at %s:%u\n", blockIdx.x, blockIdx.y, blockIdx.z, sites[0].file_name(),
                     sites[0].line(), tl_linear, at.file_name(), at.line());
    if (yield_enabled() && tl_fibers == nullptr) std::this_thread::yield();
}

inline void sync_warp() {
    if (yield_enabled() && tl_fibers == nullptr) std::this_thread::yield();
    tl_block->warp_barriers[tl_linear / 32]->arrive_and_wait();
}

inline unsigned char* dynamic_shared() { return tl_block->dynamic_shared; }

inline void set_thread_index(dim3 block, unsigned id) {
    threadIdx = uint3{id % block.x, (id / block.x) % block.y, id / (block.x * block.y)};
    tl_linear = id;
}

/* EQUIRISK_EMU_ORDER=reverse: between two barriers a block's fibers run from the last thread to the first, not
   first to last. A GPU may take either order, and a read of another thread's write with no barrier or shuffle
   between (each suspends the fiber) finds the old value in one of them: forward shows a thread reading a later thread's write, reverse an earlier one's.
   Read at every launch. */
inline bool reverse_order() {
    const char* v = std::getenv("EQUIRISK_EMU_ORDER");
    return v != nullptr && std::strcmp(v, "reverse") == 0;
}

/* Body of one fiber: the kernel for the thread the scheduler chose, then back to the scheduler. */
inline thread_local const std::function<void()>* tl_fiber_body = nullptr;
inline void fiber_entry() {
    (*tl_fiber_body)();
    tl_fibers->fibers[tl_fibers->current].done = true;
    switch_to_scheduler(*tl_fibers, tl_fibers->fibers[tl_fibers->current]); /* never resumed */
    std::abort();
}

__attribute__((noinline)) inline void init_fiber(FiberSet::Fiber& f, char* stack, size_t size) {
    f.done = false;
    f.waiting = nullptr;
#if ER_EMU_STACK_SWITCH
    if (!use_ucontext()) {
        /* the frame er_emu_switch_stack pops on the first switch in: the control word and MXCSR (this thread's),
           six zero registers, and fiber_entry as the return address, placed so that fiber_entry starts with the
           stack aligned as after a call (rsp ≡ 8 mod 16) */
        auto top = reinterpret_cast<uintptr_t>(stack + size) & ~uintptr_t(15);
        auto* frame = reinterpret_cast<uint64_t*>(top - 16 - 8 * 8); /* 2 control words + 6 registers + return */
        uint16_t fcw;
        uint32_t mxcsr;
        asm volatile("fnstcw %0" : "=m"(fcw));
        asm volatile("stmxcsr %0" : "=m"(mxcsr));
        std::memset(frame, 0, 16 + 8 * 8);
        std::memcpy(reinterpret_cast<char*>(frame), &fcw, sizeof fcw);
        std::memcpy(reinterpret_cast<char*>(frame) + 8, &mxcsr, sizeof mxcsr);
        frame[2 + 6] = reinterpret_cast<uint64_t>(&fiber_entry); /* the return address, at top − 16 */
        f.sp = frame;
        return;
    }
#endif
    getcontext(&f.ctx);
    f.ctx.uc_stack.ss_sp = stack;
    f.ctx.uc_stack.ss_size = size;
    f.ctx.uc_link = nullptr;
    makecontext(&f.ctx, fiber_entry, 0);
}

/* Runs every block of the grid as fibers on the calling thread. */
inline void run_fibers(dim3 grid, dim3 block, unsigned nthreads, BlockState& state,
                       const std::function<void()>& body) {
    constexpr size_t STACK = 256 * 1024;
    static thread_local std::vector<std::unique_ptr<char[]>> stacks; /* reused; pages touched lazily */
    while (stacks.size() < nthreads) stacks.emplace_back(new char[STACK]);
    FiberSet set;
    set.fibers.resize(nthreads);
    tl_fibers = &set;
    tl_block = &state;
    tl_fiber_body = &body;
    blockDim = block;
    gridDim = grid;
    const bool reverse = reverse_order();
    for (unsigned bz = 0; bz < grid.z; bz++)
        for (unsigned by = 0; by < grid.y; by++)
            for (unsigned bx = 0; bx < grid.x; bx++) {
                blockIdx = uint3{bx, by, bz};
                state.poison_shared();
                for (unsigned t = 0; t < nthreads; t++) {
                    init_fiber(set.fibers[t], stacks[t].get(), STACK);
                }
                for (unsigned finished = 0; finished < nthreads;) {
                    bool progress = false;
                    for (unsigned i = 0; i < nthreads; i++) {
                        const unsigned t = reverse ? nthreads - 1 - i : i;
                        auto& f = set.fibers[t];
                        if (f.done || (f.waiting != nullptr && f.waiting->generation() == f.wait_generation)) continue;
                        f.waiting = nullptr;
                        set.current = t;
                        set_thread_index(block, t);
                        switch_to_fiber(set, f);
                        progress = true;
                        if (f.done) finished++;
                    }
                    if (!progress) {
                        std::fprintf(stderr, "cuda_emu: deadlock in block (%u,%u,%u): threads wait at different "
                                     "barriers or exited before one\n", bx, by, bz);
                        std::abort();
                    }
                }
            }
    tl_fibers = nullptr;
    tl_block = nullptr;
}

/* Threads of the pool; worker i plays CUDA thread i of every block. */
class Pool {
public:
    static Pool& instance() {
        static Pool pool;
        return pool;
    }

    /* Runs grid × block threads; body() is the kernel call with its arguments bound. Serialised. */
    /* Returns false when lanes of a warp reached different shuffles (exchange). */
    bool launch(dim3 grid, dim3 block, size_t dynamic_bytes, const std::function<void()>& body) {
        std::lock_guard<std::mutex> serial(launch_mutex_);
        unsigned nthreads = block.x * block.y * block.z;
        unsigned nwarps = (nthreads + 31) / 32;
        BlockState state;
        Barrier block_barrier(nthreads);
        state.block_barrier = &block_barrier;
        for (unsigned w = 0; w < nwarps; w++) {
            unsigned in_warp = (w + 1) * 32 <= nthreads ? 32 : nthreads - w * 32;
            state.warp_barriers.push_back(std::make_unique<Barrier>(in_warp));
        }
        state.warp_slots.assign(nwarps * 32, 0);
        state.shuffle_sites.assign(nwarps * 32, std::source_location{});
        for (auto& sites : state.barrier_sites) sites.assign(nthreads, std::source_location{});
        state.mma_slots.assign(nthreads * 3, 0.0);
        /* 16-byte aligned dynamic shared memory, filled with NaN bytes before each block: a read before a write
           shows */
        std::vector<unsigned char> smem(dynamic_bytes + 16, 0xff);
        state.dynamic_shared = smem.data() + ((16 - (reinterpret_cast<uintptr_t>(smem.data()) & 15)) & 15);
        state.dynamic_bytes = dynamic_bytes;
        if (!use_threads()) { /* poisons before each block */
            run_fibers(grid, block, nthreads, state, body);
            return !state.diverged;
        }
        state.poison_shared(); /* the first block's; the threads poison before each later one */
        grow(nthreads);
        {
            std::unique_lock<std::mutex> lock(m_);
            job_ = Job{grid, block, nthreads, &state, &body};
            remaining_ = nthreads;
            ++generation_;
            cv_work_.notify_all();
            cv_done_.wait(lock, [&] { return remaining_ == 0; });
        }
        return !state.diverged;
    }

    unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

    ~Pool() {
        {
            std::lock_guard<std::mutex> lock(m_);
            stop_ = true;
            ++generation_;
        }
        cv_work_.notify_all();
        for (auto& t : workers_) t.join();
    }

private:
    struct Job {
        dim3 grid, block;
        unsigned nthreads;
        BlockState* state;
        const std::function<void()>* body;
    };

    void grow(unsigned n) {
        while (workers_.size() < n) {
            unsigned id = static_cast<unsigned>(workers_.size());
            uint64_t seen;
            {
                std::lock_guard<std::mutex> lock(m_);
                seen = generation_;
            }
            workers_.emplace_back([this, id, seen] { work(id, seen); });
        }
    }

    void work(unsigned id, uint64_t seen) {
        for (;;) {
            Job job;
            {
                std::unique_lock<std::mutex> lock(m_);
                cv_work_.wait(lock, [&] { return generation_ != seen; });
                seen = generation_;
                if (stop_) return;
                job = job_;
            }
            if (id >= job.nthreads) continue;
            blockDim = job.block;
            gridDim = job.grid;
            set_thread_index(job.block, id);
            tl_block = job.state;
            for (unsigned bz = 0; bz < job.grid.z; bz++)
                for (unsigned by = 0; by < job.grid.y; by++)
                    for (unsigned bx = 0; bx < job.grid.x; bx++) {
                        blockIdx = uint3{bx, by, bz};
                        (*job.body)();
                        sync_block(); /* the next block reuses the shared memory: poisoned first */
                        if (id == 0) job.state->poison_shared();
                        sync_block();
                    }
            tl_block = nullptr;
            std::lock_guard<std::mutex> lock(m_);
            if (--remaining_ == 0) cv_done_.notify_all();
        }
    }

    std::mutex launch_mutex_;
    std::mutex m_;
    std::condition_variable cv_work_, cv_done_;
    std::vector<std::thread> workers_;
    Job job_{};
    uint64_t generation_ = 0;
    unsigned remaining_ = 0;
    bool stop_ = false;
};

/* CUDA's launch rules, applied as a GPU applies them: a launch that breaks one does not run, and the launching
   thread's next cudaGetLastError returns the error. Dynamic shared memory above 48 KB needs the kernel's
   cudaFuncAttributeMaxDynamicSharedMemorySize, which (as on a GPU) belongs to the kernel in the process, not to a
   context or a call: a plan that lowered it under another thread's launch is a failure CI now sees. */
constexpr int kDefaultDynamicShared = 48 * 1024;
constexpr int kOptinDynamicShared = 227 * 1024; /* an H100's opt-in limit, cudaGetDeviceProperties' */
inline thread_local int tl_last_error = 0;
struct KernelAttributes {
    std::mutex m;
    std::vector<std::pair<const void*, int>> max_dynamic; /* a few kernels: a list does */
    static KernelAttributes& instance() {
        static KernelAttributes a;
        return a;
    }
    int dynamic_limit(const void* kernel) {
        std::lock_guard<std::mutex> lock(m);
        for (const auto& [k, v] : max_dynamic)
            if (k == kernel) return v;
        return kDefaultDynamicShared;
    }
    void set_dynamic_limit(const void* kernel, int bytes) {
        std::lock_guard<std::mutex> lock(m);
        for (auto& [k, v] : max_dynamic)
            if (k == kernel) {
                v = bytes;
                return;
            }
        max_dynamic.emplace_back(kernel, bytes);
    }
};
/* cudaErrorInvalidConfiguration (9) for the grid and block, cudaErrorInvalidValue (1) for shared memory */
inline int launch_error(dim3 grid, dim3 block, size_t dynamic_bytes, const void* kernel) {
    const unsigned long long threads = (unsigned long long)block.x * block.y * block.z;
    if (grid.x < 1 || grid.x > 2147483647u || grid.y < 1 || grid.y > 65535 || grid.z < 1 || grid.z > 65535) return 9;
    if (threads < 1 || threads > 1024 || block.x > 1024 || block.y > 1024 || block.z > 64) return 9;
    if (dynamic_bytes > (size_t)KernelAttributes::instance().dynamic_limit(kernel)) return 1;
    return 0;
}

template <class... P, class... A>
void launch(dim3 grid, dim3 block, size_t dynamic_bytes, void (*kernel)(P...), A&&... args) {
    if (const int e = launch_error(grid, block, dynamic_bytes, reinterpret_cast<const void*>(kernel))) {
        tl_last_error = e;
        return;
    }
    std::tuple<P...> bound(std::forward<A>(args)...);
    std::function<void()> body = [&] { std::apply(kernel, bound); };
    if (!Pool::instance().launch(grid, block, dynamic_bytes, body)) tl_last_error = 719; /* as a GPU's fault would */
}

/* Every lane publishes v, then reads lane `src` (its own value when src is outside the warp). Lanes that reached
   different shuffles are reported once, and the launch fails (cudaGetLastError: unspecified launch failure). */
template <class T>
T exchange(T v, int src, const std::source_location& at) {
    static_assert(sizeof(T) <= sizeof(uint64_t));
    unsigned lane = tl_linear % 32;
    uint64_t* slots = tl_block->warp_slots.data() + (tl_linear / 32) * 32;
    std::source_location* sites = tl_block->shuffle_sites.data() + (tl_linear / 32) * 32;
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    slots[lane] = bits;
    sites[lane] = at;
    sync_warp();
    if (!same_site(at, sites[0]) && !tl_block->diverged.exchange(true))
        std::fprintf(stderr, "cuda_emu: lanes of warp %u in block (%u,%u,%u) at different shuffles: lane 0 at %s:%u, "
                     "lane %u at %s:%u\n", tl_linear / 32, blockIdx.x, blockIdx.y, blockIdx.z, sites[0].file_name(),
                     sites[0].line(), lane, at.file_name(), at.line());
    unsigned base = (tl_linear / 32) * 32;
    unsigned nthreads = blockDim.x * blockDim.y * blockDim.z;
    unsigned width = nthreads - base < 32 ? nthreads - base : 32; /* a last, partial warp */
    T out = v;
    if (src >= 0 && static_cast<unsigned>(src) < width) std::memcpy(&out, &slots[src], sizeof(T));
    sync_warp(); /* nobody overwrites a slot before every lane has read */
    return out;
}

/* Emulated device memory accounting. */
struct Memory {
    std::mutex m;
    size_t used = 0;
    static Memory& instance() {
        static Memory mem;
        return mem;
    }
    /* EQUIRISK_EMU_DEVICE_MEMORY bytes (default 4 GiB), read at every call, so a test can shrink the device */
    static size_t total() {
        const char* v = std::getenv("EQUIRISK_EMU_DEVICE_MEMORY");
        return v != nullptr ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : (size_t{4} << 30);
    }
};

}  // namespace cuda_emu

/* ---- device built-ins ---- */
inline void __syncthreads(const std::source_location& at = std::source_location::current()) {
    cuda_emu::sync_block(at);
}
inline void __syncwarp(unsigned = 0xffffffffu) { cuda_emu::sync_warp(); }
/* width < 32 splits the warp into segments of `width` lanes, each reading its own segment's lane src mod width */
template <class T>
inline T __shfl_sync(unsigned, T v, int src, int width = 32,
                     const std::source_location& at = std::source_location::current()) {
    const int base = static_cast<int>(cuda_emu::tl_linear % 32) & ~(width - 1);
    return cuda_emu::exchange(v, base + (src & (width - 1)), at);
}
template <class T>
inline T __shfl_down_sync(unsigned, T v, unsigned delta,
                          const std::source_location& at = std::source_location::current()) {
    return cuda_emu::exchange(v, static_cast<int>(cuda_emu::tl_linear % 32 + delta), at);
}
template <class T>
inline T __shfl_xor_sync(unsigned, T v, int mask, const std::source_location& at = std::source_location::current()) {
    return cuda_emu::exchange(v, static_cast<int>((cuda_emu::tl_linear % 32) ^ static_cast<unsigned>(mask)), at);
}
template <class T>
inline T atomicAdd(T* address, T v) { return std::atomic_ref<T>(*address).fetch_add(v); }
template <class T>
inline T atomicMax(T* address, T v) {
    std::atomic_ref<T> a(*address);
    T old = a.load();
    while (old < v && !a.compare_exchange_weak(old, v)) {}
    return old;
}
using std::isfinite;
using std::isnan;
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
/* Rounded operations that nvcc never fuses into an FMA (error-free transformations rely on that). This build has
   no FMA contraction (x86-64 baseline, no -ffast-math), so the plain operators round the same way. */
inline double __dmul_rn(double a, double b) { return a * b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline double __dsub_rn(double a, double b) { return a - b; }
/* The high 64 bits of the 128-bit product of two unsigned 64-bit integers (the block bootstrap's start rows). */
inline unsigned long long __umul64hi(unsigned long long a, unsigned long long b) {
    return (unsigned long long)(((unsigned __int128)a * b) >> 64);
}
template <class T>
inline T __ldg(const T* p) { return *p; }
template <class T>
inline T __ldcg(const T* p) { return *p; }
/* Blocks run one after another here, so a block's writes are visible to the next before any fence; kept for the
   nvcc build's ordering (the whole-device solve's last-block tickets). */
inline void __threadfence() { std::atomic_thread_fence(std::memory_order_seq_cst); }

/* ---- mma.sync.aligned.m16n8k4.row.col.f64 (er_mma.cuh's mma_16x8x4) ----
   D = A·B + C for A 16 × 4, B 4 × 8, C and D 16 × 8, in the PTX ISA's register layout ("Matrix Fragments for
   mma.m16n8k4", .f64): lane l = 4·g + t holds a0 = A(g, t), a1 = A(g + 8, t), b0 = B(t, g), and d[q] = D(g + 8·(q/2),
   2t + q%2). Every lane publishes its operands, then computes its own four entries, each a chain of four FMAs in k
   order. Emulating the registers (not a whole tile per lane) means a kernel that puts the wrong element in a lane
   gets wrong results here, as it would on the device. Every lane of the warp must call it, as .aligned requires:
   a lane that does not leaves the others waiting at the warp barrier (a hang the tests see). */
namespace cuda_emu {
inline void mma_m16n8k4_f64(double (&d)[4], double a0, double a1, double b0) {
    const unsigned lane = tl_linear % 32;
    double* slots = tl_block->mma_slots.data() + (tl_linear / 32) * 32 * 3;
    slots[3 * lane] = a0;
    slots[3 * lane + 1] = a1;
    slots[3 * lane + 2] = b0;
    sync_warp();
    const unsigned g = lane / 4, t = lane % 4;
    double out[4];
    for (unsigned q = 0; q < 4; q++) {
        const unsigned row = g + 8 * (q / 2), col = 2 * t + q % 2;
        double s = d[q];
        for (unsigned k = 0; k < 4; k++) {
            const double a = slots[3 * (4 * (row % 8) + k) + row / 8]; /* A(row, k): lane 4·(row % 8) + k */
            const double b = slots[3 * (4 * col + k) + 2];              /* B(k, col): lane 4·col + k */
            s = std::fma(a, b, s);
        }
        out[q] = s;
    }
    sync_warp(); /* nobody overwrites a slot before every lane has read */
    for (unsigned q = 0; q < 4; q++) d[q] = out[q];
}
}  // namespace cuda_emu

/* ---- runtime API over host memory ---- */
enum cudaError_t {
    cudaSuccess = 0,
    cudaErrorInvalidValue = 1,
    cudaErrorMemoryAllocation = 2,
    cudaErrorInvalidConfiguration = 9,
    cudaErrorInsufficientDriver = 35,
    cudaErrorLaunchFailure = 719,
    cudaErrorNoDevice = 100,
    cudaErrorInvalidDevice = 101
};
enum cudaMemcpyKind { cudaMemcpyHostToHost, cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice };
enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };
typedef struct CUstream_st* cudaStream_t;

struct cudaDeviceProp {
    char name[256];
    size_t totalGlobalMem;
    size_t sharedMemPerBlock;
    size_t sharedMemPerBlockOptin;
    size_t sharedMemPerMultiprocessor;
    size_t reservedSharedMemPerBlock;
    int maxThreadsPerBlock;
    int multiProcessorCount;
    int major, minor;
};

inline const char* cudaGetErrorString(cudaError_t e) {
    switch (e) {
        case cudaSuccess: return "no error";
        case cudaErrorInvalidValue: return "invalid argument";
        case cudaErrorMemoryAllocation: return "out of memory";
        case cudaErrorInvalidConfiguration: return "invalid configuration argument";
        case cudaErrorLaunchFailure: return "unspecified launch failure";
        case cudaErrorInsufficientDriver: return "CUDA driver version is insufficient for CUDA runtime version";
        case cudaErrorNoDevice: return "no CUDA-capable device is detected";
        case cudaErrorInvalidDevice: return "invalid device ordinal";
    }
    return "unknown error";
}
inline cudaError_t cudaGetLastError() { /* this thread's last launch error, cleared (launch_error) */
    const int e = cuda_emu::tl_last_error;
    cuda_emu::tl_last_error = 0;
    return static_cast<cudaError_t>(e);
}
inline cudaError_t cudaGetDeviceCount(int* n) { *n = 1; return cudaSuccess; }
inline cudaError_t cudaSetDevice(int d) { return d == 0 ? cudaSuccess : cudaErrorInvalidDevice; }
inline cudaError_t cudaGetDevice(int* d) { *d = 0; return cudaSuccess; }
inline cudaError_t cudaDriverGetVersion(int* v) { *v = 0; return cudaSuccess; }
inline cudaError_t cudaRuntimeGetVersion(int* v) { *v = 0; return cudaSuccess; }
inline cudaError_t cudaGetDeviceProperties(cudaDeviceProp* p, int d) {
    if (d != 0) return cudaErrorInvalidDevice;
    std::memset(p, 0, sizeof *p);
    std::strncpy(p->name, "CUDA emulation on the host CPU", sizeof p->name - 1);
    p->totalGlobalMem = cuda_emu::Memory::total();
    p->sharedMemPerBlock = 48 * 1024;
    p->sharedMemPerBlockOptin = cuda_emu::kOptinDynamicShared;
    p->sharedMemPerMultiprocessor = 228 * 1024; /* an H100's */
    p->reservedSharedMemPerBlock = 1024;
    p->maxThreadsPerBlock = 1024;
    p->multiProcessorCount = 2; /* a small grid: every grid-stride loop runs more than once in CI */
    p->major = 0;
    p->minor = 0;
    return cudaSuccess;
}
enum cudaDeviceAttr { cudaDevAttrMultiProcessorCount = 16 };
inline cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int d) {
    if (d != 0) return cudaErrorInvalidDevice;
    if (attr != cudaDevAttrMultiProcessorCount) return cudaErrorInvalidValue;
    *value = 2; /* cudaGetDeviceProperties' */
    return cudaSuccess;
}
inline cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
    auto& mem = cuda_emu::Memory::instance();
    std::lock_guard<std::mutex> lock(mem.m);
    *total_bytes = cuda_emu::Memory::total();
    *free_bytes = *total_bytes > mem.used ? *total_bytes - mem.used : 0;
    return cudaSuccess;
}
inline cudaError_t cudaMalloc(void** p, size_t bytes) {
    auto& mem = cuda_emu::Memory::instance();
    std::lock_guard<std::mutex> lock(mem.m);
    *p = nullptr;
    if (mem.used + bytes > cuda_emu::Memory::total()) return cudaErrorMemoryAllocation;
    /* a size header in front of the block keeps the accounting */
    auto* raw = static_cast<unsigned char*>(std::aligned_alloc(256, 256 + ((bytes + 255) / 256) * 256));
    if (raw == nullptr) return cudaErrorMemoryAllocation;
    std::memcpy(raw, &bytes, sizeof bytes);
    mem.used += bytes;
    *p = raw + 256;
    /* NaN bytes (all bits set: NaN as a double or float, −1 as an integer): a fresh allocation on a GPU often
       reads as zeros and a reused one as its last owner's data, so code that reads before it writes must not
       pass here by finding zeros */
    std::memset(*p, 0xff, bytes);
    return cudaSuccess;
}
inline cudaError_t cudaFree(void* p) {
    if (p == nullptr) return cudaSuccess;
    auto* raw = static_cast<unsigned char*>(p) - 256;
    size_t bytes;
    std::memcpy(&bytes, raw, sizeof bytes);
    auto& mem = cuda_emu::Memory::instance();
    {
        std::lock_guard<std::mutex> lock(mem.m);
        mem.used -= bytes;
    }
    std::free(raw);
    return cudaSuccess;
}
/* Page-locked host memory is ordinary host memory here, touched throughout as locking does (so it is resident, and
   a leak of it shows in the process's resident set as it would on a GPU machine): filled with NaN bytes, as device
   memory is, since cudaMallocHost does not clear it either. EQUIRISK_EMU_PINNED_MEMORY=BYTES
   refuses larger requests, as a system short of lockable memory does; read at every call, so a test can set it. */
inline cudaError_t cudaMallocHost(void** p, size_t bytes) {
    *p = nullptr;
    const char* limit = std::getenv("EQUIRISK_EMU_PINNED_MEMORY");
    if (limit != nullptr && bytes > static_cast<size_t>(std::strtoull(limit, nullptr, 10)))
        return cudaErrorMemoryAllocation;
    *p = std::aligned_alloc(256, ((bytes + 255) / 256) * 256);
    if (*p == nullptr) return cudaErrorMemoryAllocation;
    std::memset(*p, 0xff, bytes);
    return cudaSuccess;
}
inline cudaError_t cudaFreeHost(void* p) {
    std::free(p);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind, cudaStream_t = nullptr) {
    if (bytes > 0) std::memcpy(dst, src, bytes);
    return cudaSuccess;
}
inline cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind k) {
    return cudaMemcpyAsync(dst, src, bytes, k);
}
inline cudaError_t cudaMemsetAsync(void* dst, int v, size_t bytes, cudaStream_t = nullptr) {
    if (bytes > 0) std::memset(dst, v, bytes);
    return cudaSuccess;
}
inline cudaError_t cudaStreamCreate(cudaStream_t* s) {
    *s = reinterpret_cast<cudaStream_t>(new char(0));
    return cudaSuccess;
}
inline cudaError_t cudaStreamDestroy(cudaStream_t s) {
    delete reinterpret_cast<char*>(s);
    return cudaSuccess;
}
inline cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
inline cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
/* Events: host clock at record time (everything is synchronous here). */
typedef struct CUevent_st* cudaEvent_t;
inline cudaError_t cudaEventCreate(cudaEvent_t* e) {
    *e = reinterpret_cast<cudaEvent_t>(new std::chrono::steady_clock::time_point());
    return cudaSuccess;
}
inline cudaError_t cudaEventRecord(cudaEvent_t e, cudaStream_t = nullptr) {
    *reinterpret_cast<std::chrono::steady_clock::time_point*>(e) = std::chrono::steady_clock::now();
    return cudaSuccess;
}
inline cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
inline cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t a, cudaEvent_t b) {
    auto* ta = reinterpret_cast<std::chrono::steady_clock::time_point*>(a);
    auto* tb = reinterpret_cast<std::chrono::steady_clock::time_point*>(b);
    *ms = std::chrono::duration<float, std::milli>(*tb - *ta).count();
    return cudaSuccess;
}
inline cudaError_t cudaEventDestroy(cudaEvent_t e) {
    delete reinterpret_cast<std::chrono::steady_clock::time_point*>(e);
    return cudaSuccess;
}
template <class K>
inline cudaError_t cudaFuncSetAttribute(K kernel, cudaFuncAttribute attr, int value) {
    if (attr != cudaFuncAttributeMaxDynamicSharedMemorySize || value < 0 || value > cuda_emu::kOptinDynamicShared)
        return cudaErrorInvalidValue;
    cuda_emu::KernelAttributes::instance().set_dynamic_limit(reinterpret_cast<const void*>(kernel), value);
    return cudaSuccess;
}
template <class K>
inline cudaError_t cudaOccupancyMaxActiveBlocksPerMultiprocessor(int* blocks, K, int, size_t) {
    *blocks = 1;
    return cudaSuccess;
}

#define ER_LAUNCH(kernel, grid, block, smem, stream, ...) \
    ((void)(stream), ::cuda_emu::launch(dim3(grid), dim3(block), (smem), kernel, __VA_ARGS__))
#define ER_DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(::cuda_emu::dynamic_shared())

#endif /* EQUIRISK_CUDA_EMU_H */
