/* Phase counters of the batched solve (phases.sh): solves gpu-check's batch (10,000 problems, N = 100) twice after a
   warm-up with the instrumented library, then prints the mean cycles per problem of each phase (lane 0 of each
   block; the "total" is the whole problem, the phases need not add up to it: "ccd-all" holds sweep, refresh and
   mix, and the stall rule and residuals are in it too; "triangle" includes the start point's product C b, made
   from the same loads of Σ). EQUIRISK_SOLVE_TRI=fp32 measures the FP32 triangle. Built against the driver's
   helpers. */
#define main driver_main
#include "../test/driver.cpp"
#undef main

extern "C" void er_prof_phases(unsigned long long* out);

int main() {
    er_context* ctx;
    if (er_context_create(0, &ctx) != ER_OK) {
        std::printf("no context: %s\n", er_last_error());
        return 3;
    }
    const int64_t n = 100, batch = 10000;
    Vec S(batch * n * n), eq(n, 1.0 / n);
    for (int64_t k = 0; k < batch; k++) random_spd((int)n, S.data() + k * n * n);
    Vec one(S.begin(), S.begin() + n * n);
    solve(ctx, one, eq, true, 1, n, 1e-10, 10000, 0);
    for (int rep = 0; rep < 2; rep++) {
        auto t0 = std::chrono::steady_clock::now();
        Solved o = solve(ctx, S, eq, true, batch, n, 1e-10, 10000, 0);
        std::printf("solve %lld x %lld: status %d, whole call %.4f s\n", (long long)batch, (long long)n, o.status,
                    seconds_since(t0));
    }
    unsigned long long p[16];
    er_prof_phases(p);
    const char* names[] = {"setup", "triangle", "start", "ccd-all", "sweep", "refresh", "-", "mix", "newton",
                           "report", "total"};
    const double np = (double)p[12];
    std::printf("problems %.0f, mean sweeps %.2f, Newton steps %.2f; mean cycles per problem:\n", np, p[11] / np,
                p[13] / np);
    for (int k = 0; k < 11; k++)
        if (names[k][0] != '-') std::printf("  %-9s %12.0f\n", names[k], p[k] / np);
    return 0;
}
