/* test_campaign_limits.c — the runner's memory estimate (issue 18 item 7): it counts
 * the rows kept for every realization and the journal, so that 10^6 realizations of 32
 * values are refused under a small [run] memory_limit; realizations = 1e12 is refused
 * by validate; an estimate above the address space left by `ulimit -v` is refused; and
 * the estimate is within 1.5x of the measured peak (resident set) of a rows-dominated
 * run; the same for random_matrix, whose rows (histogram, survival curve) were once
 * counted as one value. Checked through the qbath binary (exit statuses, ru_maxrss). */
#include <math.h>
#include <stdarg.h>
#include <sys/resource.h>

#include "campaign_test_util.h"
#include "harness.h"

/* AddressSanitizer reserves terabytes of shadow address space (no run fits any
 * `ulimit -v`) and inflates the resident set: those two checks run in the standard build. */
#if defined(__SANITIZE_ADDRESS__)
#define QB_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QB_UNDER_ASAN 1
#endif
#endif
#ifdef QB_UNDER_ASAN
#define SKIP_UNDER_ASAN()                                                        \
  do {                                                                           \
    printf("not under AddressSanitizer (shadow memory) ... ");                   \
    return;                                                                      \
  } while (0)
#else
#define SKIP_UNDER_ASAN() ((void)0)
#endif

/* toy rows hold samples + 2 values: samples = 30 gives 32 values per realization. */
static const char *ROWS =
    "[run]\nseed = 2\nrealizations = %s\nmemory_limit = %s\n[model]\ntype = toy\nsamples = 30\n";

/* Writes the input `name`.ini (its path to in): fmt filled with the arguments, then an
 * [output] section naming `name`.h5 in the test directory. */
static void make_input(char *in, size_t n, const char *name, const char *fmt, ...) {
  char out[700], body[2048], file[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(body, sizeof body, fmt, ap);
  va_end(ap);
  snprintf(out, sizeof out, "%s/%s.h5", ct_tmpdir(), name);
  snprintf(file, sizeof file, "%s.ini", name);
  ct_write(ct_path(in, n, file), "%s[output]\nfile = %s\n", body, out);
}

/* Runs qbath args with RLIMIT_AS = as bytes (0: unchanged); stdout to outf, stderr to
 * errf; returns the exit status and the child's peak resident set in *maxrss (bytes). */
static int run_limited(char *const *args, rlim_t as, const char *outf, const char *errf,
                       double *maxrss) {
  pid_t pid = fork();
  if (pid == 0) {
    if (as) {
      struct rlimit rl = {as, as};
      setrlimit(RLIMIT_AS, &rl);
    }
    int o = open(outf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(o, 1), dup2(e, 2);
    execv(ct_binary(), args);
    _exit(127);
  }
  int st = 0;
  struct rusage ru;
  wait4(pid, &st, 0, &ru);
  if (maxrss) *maxrss = 1024.0 * (double)ru.ru_maxrss;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_rows_counted(void) {
  char in[600], outf[600], errf[600];
  ct_path(outf, sizeof outf, "lim_out.txt");
  ct_path(errf, sizeof errf, "lim_err.txt");
  /* 10^6 x 32 doubles = 256 MB of rows alone: more than 0.25 GiB. */
  make_input(in, sizeof in, "million", ROWS, "1000000", "0.25");
  char *val[] = {"qbath", "validate", in, NULL};
  CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "rows and journal"));
  /* 10^4 realizations fit. */
  make_input(in, sizeof in, "tenk", ROWS, "10000", "0.25");
  CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 0);
}

static void test_absurd_realizations(void) {
  char in[600], outf[600], errf[600];
  ct_path(outf, sizeof outf, "lim_out.txt");
  ct_path(errf, sizeof errf, "lim_err.txt");
  make_input(in, sizeof in, "absurd", ROWS, "1000000000000", "0");
  char *val[] = {"qbath", "validate", in, NULL};
  CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "memory"));
}

/* ~5.5 GB estimated: refused under ulimit -v 1.5 GiB, accepted without it (the
 * default limit is 80% of physical memory; skipped on machines with less than 8 GiB). */
static void test_ulimit_v(void) {
  SKIP_UNDER_ASAN();
  char in[600], outf[600], errf[600];
  ct_path(outf, sizeof outf, "lim_out.txt");
  ct_path(errf, sizeof errf, "lim_err.txt");
  make_input(in, sizeof in, "big", ROWS, "10000000", "0");
  char *val[] = {"qbath", "validate", in, NULL};
  rlim_t as = (rlim_t)1536 << 20;
  CU_ASSERT_EQUAL(run_limited(val, as, outf, errf, NULL), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "ulimit -v"));
  if ((double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGE_SIZE) > 8.0 * (1 << 30))
    CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 0);
  make_input(in, sizeof in, "small", ROWS, "1000", "0");
  CU_ASSERT_EQUAL(run_limited(val, as, outf, errf, NULL), 0); /* fits: accepted */
}

/* Parses "peak memory X UNIT" from a dry run's output; bytes, or -1. */
static double peak_from(const char *file) {
  char *t = ct_slurp(file), unit[8] = "";
  double x = -1;
  const char *p = t ? strstr(t, "peak memory ") : NULL;
  if (p && sscanf(p, "peak memory %lf %7s", &x, unit) == 2) {
    const char *u[] = {"B", "KiB", "MiB", "GiB"};
    for (int i = 0; i < 4; i++)
      if (!strcmp(unit, u[i])) x *= (double)(1ull << (10 * i));
  }
  qb_free(t);
  return x;
}

/* The dry run's estimate for input in against the peak resident set measured in its run
 * (model names it in the output): within 1.5x. */
static void estimate_vs_peak(const char *in, const char *model) {
  char outf[600], errf[600];
  ct_path(outf, sizeof outf, "peak_out.txt");
  ct_path(errf, sizeof errf, "peak_err.txt");
  char *dry[] = {"qbath", "run", "--dry-run", "--threads", "2", (char *)in, NULL};
  CU_ASSERT_EQUAL_FATAL(run_limited(dry, 0, outf, errf, NULL), 0);
  double est = peak_from(outf), rss = 0;
  char *run[] = {"qbath", "run", "--quiet", "--threads", "2", (char *)in, NULL};
  CU_ASSERT_EQUAL_FATAL(run_limited(run, 0, outf, errf, &rss), 0);
  printf("\n  %s: estimate %.1f MiB, measured peak RSS %.1f MiB\n", model, est / 1048576,
         rss / 1048576);
  CU_ASSERT_TRUE(est > rss / 1.5 && est < rss * 1.5);
}

/* A run dominated by its rows (2 x 10^5 realizations of 32 values: 51 MB of rows, the
 * same again gathered for HDF5). */
static void test_estimate_vs_peak(void) {
  SKIP_UNDER_ASAN();
  char in[600];
  make_input(in, sizeof in, "peak", ROWS, "200000", "0");
  estimate_vs_peak(in, "toy");
}

/* random_matrix rows: gap_ratio, a density histogram of `bins` and the survival curve of
 * `samples` times with its late-time mean and Chebyshev's bounds_steps: 1 + bins +
 * samples + 2 values. */
static const char *RM_ROWS =
    "[run]\nseed = 3\nrealizations = %s\nmemory_limit = %s\n[model]\ntype = random_matrix\n"
    "N = 4\nbins = %s\n[evolve]\nobserve = survival\nsamples = %s\n";

/* A model other than toy counts its rows: 10^5 realizations x ~10^4 values are 8 GB of
 * rows, over 1 GiB, whether the histogram or the survival curve (the shared dynamics
 * columns) makes them long; they were counted as one value each (1.6 MB). */
static void test_model_rows_counted(void) {
  char in[600], outf[600], errf[600];
  ct_path(outf, sizeof outf, "rm_out.txt");
  ct_path(errf, sizeof errf, "rm_err.txt");
  char *val[] = {"qbath", "validate", in, NULL};
  make_input(in, sizeof in, "rm_bins", RM_ROWS, "100000", "1", "10000", "101");
  CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "rows and journal"));
  make_input(in, sizeof in, "rm_curve", RM_ROWS, "100000", "1", "1", "10000");
  CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "rows and journal"));
}

/* Its estimate against the measured peak of a run dominated by rows (600 x 10104 values:
 * 48 MB of rows, the same again gathered for HDF5). */
static void test_model_estimate_vs_peak(void) {
  SKIP_UNDER_ASAN();
  char in[600];
  make_input(in, sizeof in, "rm_peak", RM_ROWS, "600", "0", "10000", "101");
  estimate_vs_peak(in, "random_matrix");
}

/* ---- every model: its row counted, its estimate within 1.5x of its peak -------------- */

/* The [emft] eta table kept small (log g in [-5, 3], coarse): the cases' couplings stay
 * inside it, and building it takes a fraction of a second. */
#define SMALL_TABLE "[emft]\ntable_step = 0.5\ntable_lmin = -5\ntable_lmax = 3\n"
#define CHAIN "n_up = 6\nW = 1\nterms = XX:0.25, YY:0.25, ZZ:0.25, Z:0.5*W:uniform\n"

/* One input body per case (after [model] type = MODEL; "%s" is the test directory). The
 * first case of each model is also run for its peak: sized so that the model's own memory
 * is a visible part of the peak (the process alone holds ~20 MiB), a second or two each;
 * the others vary the keys that change a model's row. */
typedef struct {
  const char *model, *body;
  int realizations;
} model_case;
static const model_case CASES[] = {
    {"toy", "samples = 30\n", 200000},
    {"level_dot", "N = 700\nrepresentation = dense\n[evolve]\nsamples = 50\nlog_samples = 10\n", 1},
    {"level_dot", "N = 100\npaths = both\n[evolve]\nsamples = 50\nlog_samples = 10\n", 1},
    {"level_dot", "N = 100\npaths = prop\n", 1},
    {"two_dot", "ensemble = GUE\nN1 = 10\nN2 = 600\ntheory_eq5 = false\n", 1},
    {"two_dot", "N1 = 4\nN2 = 100\npaths = both\n[evolve]\nsamples = 30\n", 1},
    {"spin_chain", "L = 12\n" CHAIN "[eigen]\nmethod = dense\nentanglement = true\n", 1},
    {"spin_chain", "L = 8\n" CHAIN "[eigen]\nnev = 10\nentanglement = true\n[observables]\n"
                   "Z0 = Z:1@0\n[evolve]\nobserve = survival, imbalance\ninitial = neel\nsamples = 7\n"
                   "[output]\neigenpairs = vectors\n", 1},
    {"spin_chain", "L = 8\n" CHAIN "[eigen]\nmethod = none\n[evolve]\nobserve = autocorr\n", 1},
    {"random_matrix", "ensemble = GUE\nN = 800\n", 2},
    {"random_matrix", "N = 20\nbins = 7\n[evolve]\nobserve = survival\nsamples = 9\n", 1},
    {"matrix_market", "file = %s/tri.mtx\n[eigen]\nmethod = dense\n", 1},
    {"matrix_market", "file = %s/tri.mtx\n[eigen]\nnev = 5\n[output]\neigenpairs = values\n", 1},
    {"grain_spins", "N = 4\nM = 7\ngeometry = exp1d\nV1 = 1\nxi = 2.5\nmethod = shift_invert\n"
                    "nev = 20\nnev_peak = 40\n", 1},
    {"grain_spins", "N = 3\nM = 2\nmethod = dense\nspecfn = true\n", 1},
    {"hubbard_bubble", "M = 100\nomega_points = 20001\n", 1},
    {"hubbard_bubble", "M = 10\nomega_points = 101\ncompare_U0 = false\n", 1},
    {"linewidth_mft", "x = 0.4\nK = 3\nN = 10\ngamma = 0.05\nmethod = integral\n", 1},
    {"emft_chain", "N = 200000\n" SMALL_TABLE, 1},
    {"emft_chain", "N = 50\nprofile = symmetric\nbins = 13\n" SMALL_TABLE, 1},
    {"emft_lattice", "R = 15\nW = 10\npotential = random\n" SMALL_TABLE, 1},
    {"emft_lattice", "R = 4\nW = 10\nmap = true\n" SMALL_TABLE, 1},
};
enum { NCASES = sizeof CASES / sizeof CASES[0] };

/* A real symmetric tridiagonal Matrix Market file of dimension n in the test directory. */
static void write_tridiagonal(int n) {
  char path[600];
  FILE *f = fopen(ct_path(path, sizeof path, "tri.mtx"), "w");
  fprintf(f, "%%%%MatrixMarket matrix coordinate real symmetric\n%d %d %d\n", n, n, 2 * n - 1);
  for (int i = 0; i < n; i++) fprintf(f, "%d %d %.17g\n", i + 1, i + 1, sin(1.7 * i));
  for (int i = 0; i + 1 < n; i++) fprintf(f, "%d %d %.17g\n", i + 2, i + 1, 0.5 + 0.1 * cos(i));
  fclose(f);
}

/* Writes case k as the input `name`.ini (its path to in). */
static void make_case(char *in, size_t n, const char *name, int k) {
  char body[1024], head[256];
  snprintf(body, sizeof body, CASES[k].body, ct_tmpdir());
  snprintf(head, sizeof head, "[run]\nseed = 5\nrealizations = %d\n[model]\ntype = %s\n",
           CASES[k].realizations, CASES[k].model);
  /* [output] may open the body's own sections: the file key goes first */
  char out[700];
  snprintf(out, sizeof out, "%s/%s.h5", ct_tmpdir(), name);
  const char *o = strstr(body, "[output]\n");
  char file[64];
  snprintf(file, sizeof file, "%s.ini", name);
  if (o)
    ct_write(ct_path(in, n, file), "%s%.*s[output]\nfile = %s\n%s", head, (int)(o - body), body,
             out, o + 9);
  else
    ct_write(ct_path(in, n, file), "%s%s[output]\nfile = %s\n", head, body, out);
}

/* Each model's estimate states its row length (qb_estimate.row_values), which validate
 * and --dry-run multiply by the realizations: the layout point_create makes has as many
 * values, for every case, and every registered model has a case. Models that left it 0
 * had their rows counted as one value each. */
static void test_row_values(void) {
  write_tridiagonal(1000);
  const qb_model *m;
  for (int i = 0; (m = qb_campaign_model_at(qb_test_models, i)); i++) {
    int found = 0;
    for (int k = 0; k < NCASES; k++) found |= !strcmp(CASES[k].model, m->name);
    if (!found) printf("\n  model %s has no case here\n", m->name);
    CU_ASSERT_TRUE(found);
  }
  for (int k = 0; k < NCASES; k++) {
    char in[600];
    make_case(in, sizeof in, "rows", k);
    qb_campaign *c = NULL;
    qb_err err;
    QB_ASSERT_OK(qb_campaign_load_with(in, 0, NULL, qb_test_models, &c, &err), &err);
    if (!c) continue;
    const qb_model *m = qb_campaign_model(c);
    qb_estimate e;
    memset(&e, 0, sizeof e);
    QB_ASSERT_OK(m->estimate(qb_campaign_point(c, 0), &e, &err), &err);
    void *ctx = NULL;
    qb_layout L;
    memset(&L, 0, sizeof L);
    QB_ASSERT_OK(m->point_create(qb_campaign_point(c, 0), &ctx, &L, &err), &err);
    if (e.row_values != (double)qb_layout_row_len(&L))
      printf("\n  case %d (%s): row_values %.0f, layout %lld\n", k, m->name, e.row_values,
             (long long)qb_layout_row_len(&L));
    CU_ASSERT_EQUAL(e.row_values, (double)qb_layout_row_len(&L));
    if (ctx) m->point_free(ctx);
    qb_campaign_free(c);
  }
}

/* The first case of each model: dry run's estimate against the run's peak (ru_maxrss). */
static void test_each_model_vs_peak(void) {
  SKIP_UNDER_ASAN();
  write_tridiagonal(1000);
  for (int k = 0; k < NCASES; k++) {
    if (k > 0 && !strcmp(CASES[k - 1].model, CASES[k].model)) continue;
    if (!strcmp(CASES[k].model, "toy")) continue; /* test_estimate_vs_peak */
    char in[600], name[64];
    snprintf(name, sizeof name, "peak_%s", CASES[k].model);
    make_case(in, sizeof in, name, k);
    estimate_vs_peak(in, CASES[k].model);
  }
}

/* Shift-invert of an L = 16 Sz = 0 chain (n = 12870): its factor's estimate (MUMPS's own
 * analysis, 53 MB; the dry run's 3.25 n^1.76 bytes, 57 MB) with the process and the basis
 * is past memory_limit = 0.05 GiB (54 MB): `qbath run` refuses it before any work, exit 2,
 * naming the input and the key, and writes nothing; 0.25 GiB accepts it. (Without the
 * factor in the estimate the run went ahead and wrote its file.) */
static const char *SHIFT_INVERT =
    "[run]\nseed = 3\nrealizations = 1\nmemory_limit = %s\n[model]\ntype = spin_chain\n"
    "L = 16\nn_up = 8\nW = 1\nterms = XX:0.25, YY:0.25, ZZ:0.25, Z:0.5*W:uniform\n"
    "[eigen]\nmethod = shift_invert\nnev = 20\n";

static void test_shift_invert_refused(void) {
  char in[600], outf[600], errf[600], h5[700];
  ct_path(outf, sizeof outf, "si_out.txt");
  ct_path(errf, sizeof errf, "si_err.txt");
  make_input(in, sizeof in, "si_small", SHIFT_INVERT, "0.05");
  char *run[] = {"qbath", "run", "--yes", in, NULL};
  CU_ASSERT_EQUAL(run_limited(run, 0, outf, errf, NULL), 2);
  CU_ASSERT_TRUE(ct_file_contains(errf, "[run] memory_limit"));
  CU_ASSERT_TRUE(ct_file_contains(errf, "si_small.ini"));
  snprintf(h5, sizeof h5, "%s/si_small.h5", ct_tmpdir());
  CU_ASSERT_FALSE(ct_exists(h5));
  make_input(in, sizeof in, "si_fits", SHIFT_INVERT, "0.25");
  char *val[] = {"qbath", "validate", in, NULL};
  CU_ASSERT_EQUAL(run_limited(val, 0, outf, errf, NULL), 0);
}

int main(void) {
  const qb_test_case cases[] = {{"rows and journal counted", test_rows_counted},
                                {"realizations = 1e12 refused", test_absurd_realizations},
                                {"estimate above ulimit -v refused", test_ulimit_v},
                                {"estimate within 1.5x of peak", test_estimate_vs_peak},
                                {"random_matrix rows counted", test_model_rows_counted},
                                {"random_matrix estimate within 1.5x of peak", test_model_estimate_vs_peak},
                                {"every model's row counted", test_row_values},
                                {"every model's estimate within 1.5x of peak", test_each_model_vs_peak},
                                {"shift-invert past memory_limit refused", test_shift_invert_refused},
                                {NULL, NULL}};
  return qb_test_main("campaign_limits", cases);
}
