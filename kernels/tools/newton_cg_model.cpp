/*
 * Counts what a truncated (inexact) Newton solve of the risk-budgeting problem would need on the warp path's
 * problems, on the CPU: Newton steps (each one exact gradient, a product with Σ in FP64 from global memory on the
 * GPU) and conjugate-gradient iterations (each one product with C, which on the GPU could come from the FP16 or
 * FP32 triangle already in shared memory: no sequential chain, no root). It sized the warp path's truncated Newton
 * (solve.cu, warp_newton_cg: η = 1e-2, the fallback to the Cholesky Newton) as tools/sweep_variants.cpp studies the
 * CCD loop; it needs no GPU. Results: benchmarks/RESULTS.md, "Truncated Newton for the rolling windows".
 *
 *   EQUIRISK_SKIP_CUDA=1 bash kernels/build.sh kernels/target/test-emu     (the driver it includes links the ABI)
 *   g++ -O2 -std=c++20 -pthread -Ikernels/include kernels/tools/newton_cg_model.cpp -Lkernels/target/test-emu \
 *       -lequirisk_emu -Wl,-rpath,$PWD/kernels/target/test-emu -o ncg
 *   ./ncg [PROBLEMS [spd|ill|ill8|rolling|scenarios|scenarios-factor]]
 *
 * The problem on the correlation scale: f(y) = ½ yᵀAy − Σ b_i ln y_i, A = C + I (unit diagonal), gradient
 * g = Ay − b/y, Hessian H = A + diag(b/y²). Each Newton step solves H p = −g by conjugate gradients preconditioned
 * by H's diagonal, to a relative residual η (the forcing term), with A's off-diagonal entries rounded to the
 * triangle's type in the products; the gradient is exact (FP64), so the iteration converges to the exact problem's
 * solution whatever the rounding of the inner products, at a rate set by η and that rounding. The step keeps
 * y > 0 (fraction to the boundary 0.95) and halves while f does not decrease. Stop: max |RC − b| ≤ tol/2, the
 * solve's test.
 *
 * The last three variants take the direction from an FP32 Cholesky factor of H instead (as a preconditioner, or
 * alone): as many steps as the exact Newton's, no CG. Built in the kernel and timed on an H200, they were slower
 * than PCG (benchmarks/RESULTS.md, "Ninth GPU session"), and were taken out of it; the counts stay here.
 * "scenarios" are 252 Student-t (ν = 5) rows of the driver's numerically singular model (random_chol), the ninth GPU
 * session's Monte Carlo problems; "scenarios-factor" the same rows of its factor model (factor_model_chol).
 */
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#define main driver_main /* gpu-check's problem generators (the same seed) */
#include "../test/driver.cpp"
#undef main

namespace {

enum class Round { FP64, FP32, FP16 };

struct Problem {
    int n;
    Vec A, b; /* A with a unit diagonal */
    Vec Ar;   /* A rounded as the triangle would hold it */
};

double rounded(double v, Round r) {
    if (r == Round::FP32) return (double)(float)v;
    if (r == Round::FP16) return (double)(_Float16)v;
    return v;
}

void matvec(const Vec& A, int n, const Vec& x, Vec& out) {
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++) s += A[(size_t)i * n + j] * x[j];
        out[i] = s;
    }
}

double residual(const Problem& P, const Vec& y, const Vec& ay) {
    double s = 0.0, m = 0.0;
    for (int p = 0; p < P.n; p++) s += y[p] * ay[p];
    for (int p = 0; p < P.n; p++) m = std::max(m, std::fabs(y[p] * ay[p] / s - P.b[p]));
    return m;
}

double objective(const Problem& P, const Vec& y) {
    Vec ay(P.n);
    matvec(P.A, P.n, y, ay);
    double f = 0.0;
    for (int p = 0; p < P.n; p++) f += 0.5 * y[p] * ay[p] - P.b[p] * std::log(y[p]);
    return f;
}

struct Count {
    int newton = 0, cg = 0, halvings = 0, negative = 0, factorisations = 0;
    bool converged = false;
};

/* How each Newton step's system H p = −g is solved: PCG with H's diagonal as the preconditioner (the kernel's),
   PCG with an FP32 Cholesky factor of H as the preconditioner, or that factor's solve alone as the direction. */
enum class Direction { JACOBI_PCG, CHOL32_PCG, CHOL32 };

/* The FP32 Cholesky factor of H = Ar + diag(h − 1) (every operation in float, as a warp would do it in shared
   memory), lower triangle row-major in L; false where a pivot is not positive or not finite. */
bool chol32(const Problem& P, const Vec& h, std::vector<float>& L) {
    const int n = P.n;
    L.assign((size_t)n * n, 0.0f);
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) L[(size_t)i * n + j] = i == j ? (float)h[i] : (float)P.Ar[(size_t)i * n + j];
    for (int k = 0; k < n; k++) {
        const float d = L[(size_t)k * n + k];
        if (!(d > 0.0f) || !std::isfinite(d)) return false;
        const float s = std::sqrt(d), inv = 1.0f / s;
        L[(size_t)k * n + k] = s;
        for (int i = k + 1; i < n; i++) L[(size_t)i * n + k] *= inv;
        for (int i = k + 1; i < n; i++)
            for (int j = k + 1; j <= i; j++)
                L[(size_t)i * n + j] = std::fma(-L[(size_t)i * n + k], L[(size_t)j * n + k], L[(size_t)i * n + j]);
    }
    return true;
}

/* z = (L Lᵀ)⁻¹ r in float. */
void chol32_solve(const std::vector<float>& L, int n, const Vec& r, Vec& z) {
    std::vector<float> t(n);
    for (int i = 0; i < n; i++) {
        float s = (float)r[i];
        for (int j = 0; j < i; j++) s = std::fma(-L[(size_t)i * n + j], t[j], s);
        t[i] = s / L[(size_t)i * n + i];
    }
    for (int i = n - 1; i >= 0; i--) {
        float s = t[i];
        for (int j = i + 1; j < n; j++) s = std::fma(-L[(size_t)j * n + i], t[j], s);
        t[i] = s / L[(size_t)i * n + i];
    }
    for (int i = 0; i < n; i++) z[i] = t[i];
}

Count solve(const Problem& P, double eta, double tol, Direction how = Direction::JACOBI_PCG) {
    const int n = P.n;
    Vec y(n), ay(n), g(n), p(n), r(n), z(n), d(n), hd(n), h(n);
    {
        Vec ab(n);
        matvec(P.A, n, P.b, ab);
        double bab = 0.0;
        for (int i = 0; i < n; i++) bab += P.b[i] * ab[i];
        for (int i = 0; i < n; i++) y[i] = P.b[i] / std::sqrt(bab);
    }
    Count c;
    while (c.newton < 200) {
        matvec(P.A, n, y, ay); /* the exact gradient: Σ in FP64 on the GPU */
        if (residual(P, y, ay) <= 0.5 * tol) {
            c.converged = true;
            break;
        }
        double gnorm = 0.0;
        for (int i = 0; i < n; i++) {
            g[i] = ay[i] - P.b[i] / y[i];
            h[i] = 1.0 + P.b[i] / (y[i] * y[i]); /* H's diagonal, the preconditioner */
            gnorm += g[i] * g[i] / h[i];
        }
        /* PCG on H p = −g from p = 0 */
        std::vector<float> L;
        const bool factored = how != Direction::JACOBI_PCG && chol32(P, h, L);
        if (factored) c.factorisations++;
        for (int i = 0; i < n; i++) {
            p[i] = 0.0;
            r[i] = -g[i];
            z[i] = r[i] / h[i];
        }
        if (factored) {
            chol32_solve(L, n, r, z);
            gnorm = 0.0;
            for (int i = 0; i < n; i++) gnorm += r[i] * z[i];
        }
        for (int i = 0; i < n; i++) d[i] = z[i];
        if (factored && how == Direction::CHOL32)
            for (int i = 0; i < n; i++) p[i] = z[i];
        double rz = gnorm;
        for (int it = 0; it < 4 * n && rz > eta * eta * gnorm && !(factored && how == Direction::CHOL32); it++) {
            matvec(P.Ar, n, d, hd);
            for (int i = 0; i < n; i++) hd[i] += (h[i] - 1.0) * d[i];
            double dhd = 0.0;
            for (int i = 0; i < n; i++) dhd += d[i] * hd[i];
            if (!(dhd > 0.0)) { /* the rounded H is not positive along d: stop with the direction so far */
                if (it == 0)
                    for (int i = 0; i < n; i++) p[i] = z[i];
                c.negative++;
                break;
            }
            const double alpha = rz / dhd;
            double rz1 = 0.0;
            for (int i = 0; i < n; i++) {
                p[i] += alpha * d[i];
                r[i] -= alpha * hd[i];
                z[i] = r[i] / h[i];
            }
            if (factored) chol32_solve(L, n, r, z);
            for (int i = 0; i < n; i++) rz1 += r[i] * z[i];
            for (int i = 0; i < n; i++) d[i] = z[i] + (rz1 / rz) * d[i];
            rz = rz1;
            c.cg++;
        }
        double step = 1.0;
        for (int i = 0; i < n; i++)
            if (p[i] < 0.0) step = std::min(step, -0.95 * y[i] / p[i]);
        const double f0 = objective(P, y);
        Vec y1(n);
        for (;;) {
            for (int i = 0; i < n; i++) y1[i] = y[i] + step * p[i];
            /* f decreased, up to its rounding near the solution (where the full step is always taken) */
            if (objective(P, y1) <= f0 + 1e-13 * std::fabs(f0) || step < 1e-12) break;
            step *= 0.5;
            c.halvings++;
        }
        y = y1;
        c.newton++;
    }
    return c;
}

/* 252-day windows of the driver's 10-factor returns (the rolling timing runs' windows), sample covariance */
void rolling_window(int n, double* S) {
    const int t = 252;
    const Vec r = factor_returns(t, n);
    Vec mean(n, 0.0);
    for (int k = 0; k < t; k++)
        for (int j = 0; j < n; j++) mean[j] += r[(size_t)k * n + j] / t;
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++) {
            double s = 0.0;
            for (int k = 0; k < t; k++) s += (r[(size_t)k * n + i] - mean[i]) * (r[(size_t)k * n + j] - mean[j]);
            S[(size_t)i * n + j] = S[(size_t)j * n + i] = s / (t - 1);
        }
}

/* Monte Carlo scenario k: 252 Student-t (ν = 5) rows of one of the driver's models, sample covariance */
void scenario(int n, int k, bool factor, double* S) {
    static const Vec singular = random_chol(n), model = factor_model_chol(n);
    const RefScenarios r = ref_scenarios(factor ? model : singular, nullptr, n, 2026, k, 1, 252, 5);
    ref_covariance(r.r, n, 0, 252, ER_COV_SAMPLE, 0, S);
}

}  // namespace

int main(int argc, char** argv) {
    const int problems = argc > 1 ? std::atoi(argv[1]) : 240, n = 100;
    const std::string kind = argc > 2 ? argv[2] : "spd";
    const double tol = 1e-10;
    struct Variant {
        const char* name;
        double eta;
        Round round;
        Direction how = Direction::JACOBI_PCG;
    };
    const std::vector<Variant> variants = {
        {"eta 1e-1, FP64 products", 1e-1, Round::FP64}, {"eta 1e-2, FP64", 1e-2, Round::FP64},
        {"eta 1e-3, FP64", 1e-3, Round::FP64},           {"eta 1e-1, FP32 triangle", 1e-1, Round::FP32},
        {"eta 1e-2, FP32", 1e-2, Round::FP32},           {"eta 1e-1, FP16 triangle", 1e-1, Round::FP16},
        {"eta 1e-2, FP16", 1e-2, Round::FP16},           {"eta 1e-3, FP16", 1e-3, Round::FP16},
        {"FP32 Cholesky PCG, 1e-2", 1e-2, Round::FP32, Direction::CHOL32_PCG},
        {"FP32 Cholesky PCG, 1e-4", 1e-4, Round::FP32, Direction::CHOL32_PCG},
        {"FP32 Cholesky direction", 0.0, Round::FP32, Direction::CHOL32},
    };
    std::vector<Count> total(variants.size());
    std::vector<int> worst_cg(variants.size(), 0), unconverged(variants.size(), 0);
    Vec S((size_t)n * n);
    Problem P{n, Vec((size_t)n * n), Vec(n, 1.0 / n), Vec((size_t)n * n)};
    for (int k = 0; k < problems; k++) {
        if (kind == "ill") ill_conditioned(n, 4.0, S.data());
        else if (kind == "ill8") ill_conditioned(n, 8.0, S.data());
        else if (kind == "rolling") rolling_window(n, S.data());
        else if (kind == "scenarios") scenario(n, k, false, S.data());
        else if (kind == "scenarios-factor") scenario(n, k, true, S.data());
        else random_spd(n, S.data());
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                P.A[(size_t)i * n + j] =
                    i == j ? 1.0 : S[(size_t)i * n + j] / std::sqrt(S[(size_t)i * n + i] * S[(size_t)j * n + j]);
        for (size_t v = 0; v < variants.size(); v++) {
            for (size_t e = 0; e < P.A.size(); e++) P.Ar[e] = rounded(P.A[e], variants[v].round);
            for (int i = 0; i < n; i++) P.Ar[(size_t)i * n + i] = 1.0;
            const Count c = solve(P, variants[v].eta, tol, variants[v].how);
            total[v].newton += c.newton;
            total[v].cg += c.cg;
            total[v].halvings += c.halvings;
            total[v].negative += c.negative;
            total[v].factorisations += c.factorisations;
            worst_cg[v] = std::max(worst_cg[v], c.cg);
            unconverged[v] += c.converged ? 0 : 1;
        }
    }
    std::printf("%d problems of N = %d (%s), tol %.0e: truncated Newton with PCG (Jacobi preconditioner)\n"
                "%-26s %8s %8s %9s %8s %6s %8s %8s\n", problems, n, kind.c_str(), tol, "variant", "newton", "cg",
                "halvings", "worst cg", "unconv", "neg curv", "chol32");
    for (size_t v = 0; v < variants.size(); v++)
        std::printf("%-26s %8.2f %8.2f %9.2f %8d %6d %8d %8.2f\n", variants[v].name,
                    (double)total[v].newton / problems, (double)total[v].cg / problems,
                    (double)total[v].halvings / problems, worst_cg[v], unconverged[v], total[v].negative,
                    (double)total[v].factorisations / problems);
    return 0;
}
