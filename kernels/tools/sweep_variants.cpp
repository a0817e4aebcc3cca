/*
 * Counts the sweeps (and mixes) that variants of the warp path's CCD loop need on gpu-check's batch problems, on the
 * CPU in FP64: a study of the sweep count as a lever on the batched solve's time, which needs no GPU. The loop is
 * solve.cu's (start y = b / sqrt(bᵀCb), q = Cy − y kept by rank-1 updates, the step's root, type-II Anderson mixing
 * weighted by 1/y with the factor-e safeguard, stop at max |RC − b| ≤ tol/2) without the FP16 triangle and its
 * refreshes, so its baseline (forward sweeps, depth 3) lands near the kernel's 21.2–22.4.
 *
 *   EQUIRISK_SKIP_CUDA=1 bash kernels/build.sh kernels/target/test-emu     (the driver it includes links the ABI)
 *   g++ -O2 -std=c++20 -pthread -Ikernels/include kernels/tools/sweep_variants.cpp -Lkernels/target/test-emu \
 *       -lequirisk_emu -Wl,-rpath,$PWD/kernels/target/test-emu -o sweeps && ./sweeps [PROBLEMS [spd|ill|cluster|pairs]]
 *
 * Variants: the sweep order (forward every time; forward then backward as one map; two forward sweeps as one map;
 * Jacobi, every coordinate's step from the same point, so a sweep is one product with C and no sequential chain;
 * groups of G consecutive coordinates stepping together: built on the GPU and rejected, RESULTS.md "Sixth GPU
 * session"),
 * the mixing depth, under- or over-relaxation of each coordinate step (ω), and the mixing step β of type-II
 * Anderson (1 in solve.cu). Results and their reading: benchmarks/RESULTS.md, "Sweep count levers".
 */
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#define main driver_main /* gpu-check's problem generator (random_spd, the same seed) */
#include "../test/driver.cpp"
#undef main

namespace {

enum class Order { FORWARD, SYMMETRIC_PAIR, FORWARD_PAIR, JACOBI, GROUPED };

struct Variant {
    std::string name;
    Order order;
    int depth;
    double omega = 1.0;
    double beta = 1.0;
    int group = 1; /* GROUPED: coordinates [g·G, g·G + G) step together from the same q (Jacobi inside a group, forward
                      Gauss-Seidel between groups); 32 % G == 0, so a group never straddles two of a lane's entries */
};

/* One problem on the correlation scale: C with a zero diagonal (solve.cu's q = Cy − y convention), budgets b. */
struct Problem {
    int n;
    Vec C, b;
};

double residual(const Problem& P, const Vec& y, const Vec& q) {
    double s = 0.0, m = 0.0;
    for (int p = 0; p < P.n; p++) s += y[p] * (q[p] + y[p]);
    for (int p = 0; p < P.n; p++) m = std::max(m, std::fabs(y[p] * (q[p] + y[p]) / s - P.b[p]));
    return m;
}

void coordinate(const Problem& P, int i, double omega, Vec& y, Vec& q) {
    const double c = q[i];
    const double dy = omega * ((-c + std::sqrt(c * c + 4.0 * P.b[i])) / 2.0 - y[i]);
    y[i] += dy;
    for (int j = 0; j < P.n; j++) q[j] += P.C[(size_t)i * P.n + j] * dy; /* C_ii = 0 leaves q_i */
}

void sweep(const Problem& P, bool backward, double omega, Vec& y, Vec& q) {
    for (int k = 0; k < P.n; k++) coordinate(P, backward ? P.n - 1 - k : k, omega, y, q);
}

/* Every coordinate's (relaxed) step from the same q, then q updated by C times the whole step. */
void jacobi(const Problem& P, double omega, Vec& y, Vec& q) {
    Vec dy(P.n);
    for (int i = 0; i < P.n; i++) dy[i] = omega * ((-q[i] + std::sqrt(q[i] * q[i] + 4.0 * P.b[i])) / 2.0 - y[i]);
    for (int i = 0; i < P.n; i++) {
        y[i] += dy[i];
        for (int j = 0; j < P.n; j++) q[j] += P.C[(size_t)i * P.n + j] * dy[i];
    }
}

/* Forward sweep in groups of G consecutive coordinates: each group's steps from the q that the groups before it left,
   then q updated by the group's G columns. On the warp path the G owners are G lanes of one entry slot: one root
   (SIMT) and G independent shuffles per group instead of one of each per coordinate. */
void grouped(const Problem& P, int G, double omega, Vec& y, Vec& q) {
    Vec dy(G);
    for (int k = 0; k < P.n; k += G) {
        const int e = std::min(P.n, k + G);
        for (int i = k; i < e; i++) dy[i - k] = omega * ((-q[i] + std::sqrt(q[i] * q[i] + 4.0 * P.b[i])) / 2.0 - y[i]);
        for (int i = k; i < e; i++) {
            y[i] += dy[i - k];
            for (int j = 0; j < P.n; j++) q[j] += P.C[(size_t)i * P.n + j] * dy[i - k];
        }
    }
}

/* Type-II Anderson mixing of the map d → y (solve.cu's warp_mix, with a mixing step β). */
struct Mixer {
    int depth, stored = 0, next = 0;
    bool have = false;
    std::vector<Vec> dg, df, dq;
    Vec pg, pf, pq;

    Mixer(int d, int n) : depth(d), dg(std::max(d, 1), Vec(n)), df(dg), dq(dg) {}

    void restart() { stored = next = 0; }

    /* Replaces y and q by the accelerated point; returns whether it did. */
    bool mix(const Problem& P, double beta, const Vec& d, Vec& y, Vec& q) {
        const int n = P.n;
        Vec f(n);
        for (int p = 0; p < n; p++) f[p] = y[p] - d[p];
        if (have) {
            for (int p = 0; p < n; p++) {
                dg[next][p] = y[p] - pg[p];
                df[next][p] = f[p] - pf[p];
                dq[next][p] = q[p] - pq[p];
            }
            next = (next + 1) % depth;
            stored = std::min(stored + 1, depth);
        }
        pg = y, pf = f, pq = q, have = true;
        const int m = stored;
        if (m == 0) return false;
        /* normal equations of min ||W(f − ΔF γ)||, W = diag(1/y), regularised as solve.cu's */
        std::vector<Vec> a(m, Vec(m, 0.0));
        Vec rhs(m, 0.0), gam(m);
        for (int p = 0; p < n; p++) {
            const double w2 = 1.0 / (y[p] * y[p]);
            for (int u = 0; u < m; u++) {
                for (int v = 0; v < m; v++) a[u][v] += w2 * df[u][p] * df[v][p];
                rhs[u] += w2 * df[u][p] * f[p];
            }
        }
        double scale = 0.0;
        for (int u = 0; u < m; u++) scale = std::max(scale, a[u][u]);
        for (int u = 0; u < m; u++) a[u][u] += 1e-12 * scale;
        for (int j = 0; j < m; j++) { /* Gaussian elimination: the matrix is SPD */
            if (!(a[j][j] > 0.0)) return restart(), false;
            for (int i = j + 1; i < m; i++) {
                const double l = a[i][j] / a[j][j];
                for (int c = j; c < m; c++) a[i][c] -= l * a[j][c];
                rhs[i] -= l * rhs[j];
            }
        }
        for (int i = m - 1; i >= 0; i--) {
            double t = rhs[i];
            for (int c = i + 1; c < m; c++) t -= a[i][c] * gam[c];
            gam[i] = t / a[i][i];
        }
        /* x_new = g − ΔG γ − (1 − β)(f − ΔF γ); β = 1 is solve.cu's point */
        Vec z(n), qz(n);
        for (int p = 0; p < n; p++) {
            double zp = y[p], qp = q[p], fr = f[p];
            for (int u = 0; u < m; u++) {
                zp -= gam[u] * dg[u][p];
                qp -= gam[u] * dq[u][p];
                fr -= gam[u] * df[u][p];
            }
            zp -= (1.0 - beta) * fr;
            if (!(zp > y[p] / M_E && zp < y[p] * M_E)) return restart(), false;
            z[p] = zp, qz[p] = qp;
        }
        y = z, q = qz;
        return true;
    }
};

struct Count {
    int sweeps = 0, mixes = 0;
};

Count solve(const Problem& P, const Variant& v, double tol) {
    const int n = P.n;
    Vec cb(n, 0.0), y(n), q(n);
    double bcb = 0.0;
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) cb[i] += P.C[(size_t)i * n + j] * P.b[j];
        cb[i] += P.b[i];
        bcb += P.b[i] * cb[i];
    }
    for (int i = 0; i < n; i++) {
        y[i] = P.b[i] / std::sqrt(bcb);
        q[i] = cb[i] / std::sqrt(bcb) - y[i];
    }
    Mixer M(v.depth, n);
    Count c;
    while (c.sweeps < 10000) {
        const Vec d = y;
        if (v.order == Order::JACOBI) jacobi(P, v.omega, y, q);
        else if (v.order == Order::GROUPED) grouped(P, v.group, v.omega, y, q);
        else sweep(P, false, v.omega, y, q);
        c.sweeps++;
        if (v.order == Order::SYMMETRIC_PAIR || v.order == Order::FORWARD_PAIR) {
            if (residual(P, y, q) <= 0.5 * tol) break;
            sweep(P, v.order == Order::SYMMETRIC_PAIR, v.omega, y, q);
            c.sweeps++;
        }
        if (residual(P, y, q) <= 0.5 * tol) break;
        if (v.depth > 0) {
            M.mix(P, v.beta, d, y, q);
            c.mixes++;
        }
    }
    return c;
}

}  // namespace

/* The problems: gpu-check's (random_spd), or harder ones for the variants' robustness: "ill" (the driver's
   ill_conditioned: correlation spectrum over 4 decades, both signs), "cluster" (groups of 8 consecutive assets
   correlated 0.65–0.97 among themselves on a market factor: the case where steps taken together overshoot), "pairs"
   (consecutive pairs correlated −0.4 to −0.7: the other sign). */
void make_problem(const std::string& kind, int n, double* S) {
    if (kind == "ill") return ill_conditioned(n, 4.0, S);
    if (kind == "cluster" || kind == "pairs") {
        /* unit-variance factor models: a market loading m_i, a loading c_i on the group's own factor (groups of 8
           consecutive assets, or pairs whose second asset loads −c), the rest idiosyncratic; then volatilities */
        const int g = kind == "cluster" ? 8 : 2;
        Vec m(n), c(n), vol(n);
        for (int i = 0; i < n; i++) {
            m[i] = uniform(0.3, 0.5);
            c[i] = uniform(0.75, 0.85) * (kind == "pairs" && i % 2 ? -1.0 : 1.0);
            vol[i] = uniform(0.01, 0.04);
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                const double r = i == j ? 1.0 : m[i] * m[j] + (i / g == j / g ? c[i] * c[j] : 0.0);
                S[(size_t)i * n + j] = r * vol[i] * vol[j];
            }
        return;
    }
    random_spd(n, S);
}

int main(int argc, char** argv) {
    const int problems = argc > 1 ? std::atoi(argv[1]) : 240, n = 100;
    const std::string kind = argc > 2 ? argv[2] : "spd";
    const double tol = 1e-10;
    const std::vector<Variant> variants = {
        {"forward, depth 3 (solve.cu)", Order::FORWARD, 3},
        {"forward, no mixing", Order::FORWARD, 0},
        {"forward, depth 2", Order::FORWARD, 2},
        {"forward, depth 4", Order::FORWARD, 4},
        {"forward, depth 5", Order::FORWARD, 5},
        {"forward pairs, depth 2", Order::FORWARD_PAIR, 2},
        {"forward pairs, depth 3", Order::FORWARD_PAIR, 3},
        {"forward+backward pairs, depth 3", Order::SYMMETRIC_PAIR, 3},
        {"forward, depth 3, omega 0.9", Order::FORWARD, 3, 0.9},
        {"forward, depth 3, omega 1.1", Order::FORWARD, 3, 1.1},
        {"forward, depth 3, beta 0.8", Order::FORWARD, 3, 1.0, 0.8},
        {"Jacobi, depth 5", Order::JACOBI, 5},
        {"Jacobi, depth 3, omega 0.5", Order::JACOBI, 3, 0.5},
        {"Jacobi, depth 5, omega 0.5", Order::JACOBI, 5, 0.5},
        {"Jacobi, depth 8, omega 0.5", Order::JACOBI, 8, 0.5},
        {"Jacobi, depth 12, omega 0.5", Order::JACOBI, 12, 0.5},
        {"Jacobi, no mixing, omega 0.3", Order::JACOBI, 0, 0.3},
        {"groups of 2, depth 3", Order::GROUPED, 3, 1.0, 1.0, 2},
        {"groups of 4, depth 3", Order::GROUPED, 3, 1.0, 1.0, 4},
        {"groups of 8, depth 3", Order::GROUPED, 3, 1.0, 1.0, 8},
        {"groups of 16, depth 3", Order::GROUPED, 3, 1.0, 1.0, 16},
        {"groups of 4, no mixing", Order::GROUPED, 0, 1.0, 1.0, 4},
        {"groups of 8, depth 3, omega 0.9", Order::GROUPED, 3, 0.9, 1.0, 8},
    };
    std::vector<Count> total(variants.size());
    std::vector<int> worst(variants.size(), 0);
    Vec S((size_t)n * n);
    Problem P{n, Vec((size_t)n * n), Vec(n, 1.0 / n)};
    for (int k = 0; k < problems; k++) {
        make_problem(kind, n, S.data());
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                P.C[(size_t)i * n + j] = i == j ? 0.0 : S[(size_t)i * n + j] / std::sqrt(S[(size_t)i * n + i] * S[(size_t)j * n + j]);
        for (size_t v = 0; v < variants.size(); v++) {
            const Count c = solve(P, variants[v], tol);
            total[v].sweeps += c.sweeps;
            total[v].mixes += c.mixes;
            worst[v] = std::max(worst[v], c.sweeps);
        }
    }
    std::printf("%d problems of N = %d (%s), tol %.0e, FP64 (a Jacobi sweep is one product with C)\n"
                "%-34s %8s %8s %6s\n", problems, n, kind == "spd" ? "gpu-check's" : kind.c_str(), tol, "variant",
                "sweeps", "mixes", "worst");
    for (size_t v = 0; v < variants.size(); v++)
        std::printf("%-34s %8.2f %8.2f %6d\n", variants[v].name.c_str(), (double)total[v].sweeps / problems,
                    (double)total[v].mixes / problems, worst[v]);
    return 0;
}
