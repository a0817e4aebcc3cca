/*
 * Times several builds of the CUDA library on the same data in one process, so that a kernel change is measured
 * against its baseline on the same GPU in the same minutes (device time is scarce: one call compares them all).
 *
 *   g++ -O2 -std=c++20 -pthread -Ikernels/include kernels/tools/compare_libs.cpp -LBASE -lequirisk_cuda -ldl -o cmp
 *   EQUIRISK_PROFILE=1 ./cmp LABEL=PATH[,ENV=VALUE…] …
 *
 * Each variant is a library path with optional environment settings applied while it runs (EQUIRISK_SOLVE_TRI=fp32
 * …), opened with dlopen(RTLD_DEEPBIND) so that each uses its own symbols. Workloads: the batched solve (10,000 ×
 * N = 100, gpu-check's factor models), covariance (N = 5000, T = 2520) and rolling covariance + solve (10,000 windows
 * of 252 × 100). With EQUIRISK_PROFILE=1 every kernel time goes to stderr under the variant's label; stdout gets
 * convergence, mean iterations, and the largest difference from the first variant (weights, covariance).
 * EQUIRISK_CMP_N=50 sizes the solves' problems (default 100), e.g. to time the warp path's entries per lane
 * (EQUIRISK_SOLVE_LANES) at n ≤ 64; EQUIRISK_CMP_BATCH the batch and the rolling windows (default 10,000);
 * EQUIRISK_CMP_COVARIANCE=0 leaves the covariance out (device-session.sh's dry run on the emulation library), and
 * EQUIRISK_CMP_ROLLING=0 the rolling windows (a few large problems: EQUIRISK_CMP_N=3000 EQUIRISK_CMP_BATCH=1 against
 * EQUIRISK_SOLVE_WIDE=on|off, the whole-device solve against the block path); the Monte Carlo scenarios (as many as
 * the batch, Student-t of 252 × N through er_scenario_solve) run unless EQUIRISK_CMP_SCENARIOS=0, drawn from the
 * driver's factor model (factor_model_chol), or with EQUIRISK_CMP_SCENARIO_MODEL=singular from random_chol's
 * numerically singular one, whose every scenario goes to Newton (the ninth GPU session's scenarios).
 */
#include <dlfcn.h>

#include <chrono>
#include <string>
#include <vector>

#define main driver_main
#include "../test/driver.cpp"
#undef main

namespace {

struct Api {
    decltype(&er_context_create) context_create;
    decltype(&er_context_destroy) context_destroy;
    decltype(&er_solve) solve;
    decltype(&er_covariance) covariance;
    decltype(&er_covariance_solve) covariance_solve;
    decltype(&er_scenario_solve) scenario_solve;
    decltype(&er_last_error) last_error;
};

template <typename F>
bool bind(void* h, const char* name, F& f) {
    f = reinterpret_cast<F>(dlsym(h, name));
    return f != nullptr;
}

struct Variant {
    std::string label, path;
    std::vector<std::pair<std::string, std::string>> env;
};

Variant parse(const std::string& arg) {
    Variant v;
    const size_t eq = arg.find('=');
    v.label = arg.substr(0, eq);
    std::string rest = arg.substr(eq + 1);
    size_t comma = rest.find(',');
    v.path = rest.substr(0, comma);
    while (comma != std::string::npos) {
        const size_t next = rest.find(',', comma + 1);
        const std::string kv = rest.substr(comma + 1, next == std::string::npos ? std::string::npos : next - comma - 1);
        const size_t e = kv.find('=');
        v.env.emplace_back(kv.substr(0, e), kv.substr(e + 1));
        comma = next;
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s LABEL=PATH[,ENV=VALUE…] …\n", argv[0]);
        return 2;
    }
    /* the data, once */
    const char* cmp_n = std::getenv("EQUIRISK_CMP_N");
    const char* cmp_batch = std::getenv("EQUIRISK_CMP_BATCH");
    const char* cmp_cov = std::getenv("EQUIRISK_CMP_COVARIANCE");
    const bool covariance = cmp_cov == nullptr || std::strcmp(cmp_cov, "0") != 0;
    const char* cmp_rolling = std::getenv("EQUIRISK_CMP_ROLLING");
    const bool rolling = cmp_rolling == nullptr || std::strcmp(cmp_rolling, "0") != 0;
    const char* cmp_scenarios = std::getenv("EQUIRISK_CMP_SCENARIOS");
    const bool scenarios = cmp_scenarios == nullptr || std::strcmp(cmp_scenarios, "0") != 0;
    const int64_t n = cmp_n != nullptr && std::atoi(cmp_n) > 0 ? std::atoi(cmp_n) : 100;
    const int64_t batch = cmp_batch != nullptr && std::atoi(cmp_batch) > 0 ? std::atoi(cmp_batch) : 10000;
    Vec S(batch * n * n), eq(n, 1.0 / n);
    for (int64_t k = 0; k < batch; k++) random_spd((int)n, S.data() + k * n * n);
    const int64_t cn = 5000, crow = 2520;
    Vec r(covariance ? crow * cn : 0);
    for (auto& v : r) v = 0.01 * normal();
    const int64_t window = 252, count = rolling ? batch : 0, rrows = window + count - 1;
    const Vec rr = rolling ? factor_returns(rrows, n) : Vec();
    std::vector<int64_t> st(count);
    for (int64_t k = 0; k < count; k++) st[k] = k;

    const char* cmp_model = std::getenv("EQUIRISK_CMP_SCENARIO_MODEL");
    const bool singular = cmp_model != nullptr && std::strcmp(cmp_model, "singular") == 0;
    const Vec L = !scenarios ? Vec() : singular ? random_chol(n) : factor_model_chol(n);
    const char* model = singular ? "singular" : "factor";
    Vec w0, c0, rw0, sw0;
    for (int a = 1; a < argc; a++) {
        const Variant v = parse(argv[a]);
        for (auto& [k, val] : v.env) setenv(k.c_str(), val.c_str(), 1);
        void* h = dlopen(v.path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
        Api api{};
        if (h == nullptr || !bind(h, "er_context_create", api.context_create) ||
            !bind(h, "er_context_destroy", api.context_destroy) || !bind(h, "er_solve", api.solve) ||
            !bind(h, "er_covariance", api.covariance) || !bind(h, "er_covariance_solve", api.covariance_solve) ||
            !bind(h, "er_last_error", api.last_error)) {
            std::printf("%s: cannot load %s: %s\n", v.label.c_str(), v.path.c_str(), dlerror());
            return 1;
        }
        bind(h, "er_scenario_solve", api.scenario_solve); /* ABI 6 on: an older baseline skips the scenarios */
        er_context* ctx = nullptr;
        if (api.context_create(0, &ctx) != ER_OK) {
            std::printf("%s: no context: %s\n", v.label.c_str(), api.last_error());
            return 1;
        }
        std::fprintf(stderr, "== %s\n", v.label.c_str());
        /* batched solve */
        Vec w(batch * n), rc(batch * n), res(batch), vol(batch);
        std::vector<int32_t> it(batch), cv(batch), us(batch);
        double best = 1e30;
        for (int rep = 0; rep < 5; rep++) {
            auto t0 = std::chrono::steady_clock::now();
            if (api.solve(ctx, S.data(), eq.data(), 1, batch, n, 1e-10, 10000, ER_SOLVER_AUTO, w.data(), rc.data(),
                          it.data(), res.data(), cv.data(), us.data(), vol.data()) != ER_OK) {
                std::printf("%s: solve failed: %s\n", v.label.c_str(), api.last_error());
                return 1;
            }
            best = std::min(best, seconds_since(t0));
        }
        int conv = 0, newton = 0;
        double its = 0, dw = 0;
        for (int64_t k = 0; k < batch; k++) {
            conv += cv[k];
            newton += us[k] == ER_USED_CCD_NEWTON;
            its += it[k];
        }
        if (w0.empty()) w0 = w;
        for (int64_t e = 0; e < batch * n; e++) dw = std::max(dw, std::fabs(w[e] - w0[e]));
        std::printf("%-12s solve %lldx%lld: best call %.1f ms, %d/%lld converged, mean it %.2f, %d to Newton, "
                    "max |dw| vs first %.2g\n",
                    v.label.c_str(), (long long)batch, (long long)n, 1e3 * best, conv, (long long)batch, its / batch,
                    newton, dw);
        /* covariance */
        if (covariance) {
            Vec c(cn * cn);
            int64_t s0 = 0;
            for (int rep = 0; rep < 5; rep++)
                if (api.covariance(ctx, r.data(), crow, cn, &s0, 1, crow, ER_COV_SAMPLE, 0, c.data()) != ER_OK) {
                    std::printf("%s: covariance failed: %s\n", v.label.c_str(), api.last_error());
                    return 1;
                }
            if (c0.empty()) c0 = c;
            double dc = 0;
            for (int64_t e = 0; e < cn * cn; e += 7)
                dc = std::max(dc, std::fabs(c[e] - c0[e]) /
                                      std::sqrt(c0[(e / cn) * (cn + 1)] * c0[(e % cn) * (cn + 1)]));
            std::printf("%-12s covariance 5000x2520: max rel diff vs first %.2g\n", v.label.c_str(), dc);
        }
        /* Monte Carlo: batch Student-t (ν = 5) scenarios of 252 × n drawn, estimated and solved in one call */
        if (scenarios && api.scenario_solve == nullptr) {
            std::printf("%-12s scenarios: skipped (no er_scenario_solve in this library)\n", v.label.c_str());
        } else if (scenarios) {
            Vec sw(batch * n), src(batch * n), sres(batch), svol(batch);
            std::vector<int32_t> sit(batch), scv(batch), sus(batch);
            for (int rep = 0; rep < 2; rep++)
                if (api.scenario_solve(ctx, L.data(), nullptr, n, 2026, 0, batch, 252, 5, ER_COV_SAMPLE, 0, eq.data(),
                                       1, 1e-10, 10000, ER_SOLVER_AUTO, sw.data(), src.data(), sit.data(),
                                       sres.data(), scv.data(), sus.data(), svol.data(), nullptr) != ER_OK) {
                    std::printf("%s: scenario_solve failed: %s\n", v.label.c_str(), api.last_error());
                    return 1;
                }
            int sconv = 0, snewton = 0;
            double sits = 0, sdw = 0, worst = 0;
            for (int64_t k = 0; k < batch; k++) {
                sconv += scv[k];
                snewton += sus[k] == ER_USED_CCD_NEWTON;
                sits += sit[k];
                worst = std::max(worst, sres[k]);
            }
            if (sw0.empty()) sw0 = sw;
            for (int64_t e = 0; e < batch * n; e++) sdw = std::max(sdw, std::fabs(sw[e] - sw0[e]));
            std::printf("%-12s scenarios %lldx252x%lld (%s model): %d/%lld converged, mean it %.2f, %d to Newton, "
                        "max residual %.2g, max |dw| vs first %.2g\n",
                        v.label.c_str(), (long long)batch, (long long)n, model, sconv, (long long)batch, sits / batch,
                        snewton, worst, sdw);
            std::fflush(stdout);
        }
        /* rolling covariance + solve */
        if (!rolling) {
            api.context_destroy(ctx);
            for (auto& [k, val] : v.env) unsetenv(k.c_str());
            continue;
        }
        Vec rwv(count * n), rrc(count * n), rres(count), rvol(count);
        std::vector<int32_t> rit(count), rcv(count), rus(count);
        for (int rep = 0; rep < 2; rep++)
            if (api.covariance_solve(ctx, rr.data(), rrows, n, st.data(), count, window, ER_COV_SAMPLE, 0, eq.data(), 1,
                                     1e-10, 10000, ER_SOLVER_AUTO, rwv.data(), rrc.data(), rit.data(), rres.data(),
                                     rcv.data(), rus.data(), rvol.data(), nullptr) != ER_OK) {
                std::printf("%s: covariance_solve failed: %s\n", v.label.c_str(), api.last_error());
                return 1;
            }
        conv = 0;
        newton = 0;
        its = 0;
        for (int64_t k = 0; k < count; k++) {
            conv += rcv[k];
            newton += rus[k] == ER_USED_CCD_NEWTON;
            its += rit[k];
        }
        if (rw0.empty()) rw0 = rwv;
        dw = 0;
        for (int64_t e = 0; e < count * n; e++) dw = std::max(dw, std::fabs(rwv[e] - rw0[e]));
        std::printf("%-12s rolling %lldx252x%lld: %d/%lld converged, mean it %.2f, %d to Newton, max |dw| vs "
                    "first %.2g\n",
                    v.label.c_str(), (long long)count, (long long)n, conv, (long long)count, its / count, newton, dw);
        std::fflush(stdout);
        api.context_destroy(ctx);
        for (auto& [k, val] : v.env) unsetenv(k.c_str());
        /* not dlclosed: cudart's exit handlers of each copy stay valid */
    }
    return 0;
}
