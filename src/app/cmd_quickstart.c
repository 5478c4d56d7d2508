/* cmd_quickstart.c — the built-in quick start run by `scripts/run.sh` with no input: a
 * small Fig. 2(a)+(d) of the FGR paper (Micklitz et al. 2022).
 *
 * Runs the campaign inputs/fgr_quickstart.ini (model level_dot: a level decaying into a
 * GUE dot of N = 399 levels, chain representation), then prints the residence
 * probability P_res = sum_a |psi_a0|^4 with its standard error against Micklitz et al. 2022 Eq. (4)
 * and the
 * Golden-Rule value 1/gamma. scripts/plot_quickstart.py draws P_res(gamma) and P(tau) at
 * gamma = 10 against Micklitz et al. 2022 Eq. (5) from the result file. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "qbath/qbath.h"
#include "qbath/campaign.h"
#include "qbath/fgr.h"

static void progress(void *user, const qb_progress *p) {
  (void)user;
  fprintf(stderr, "\r  point %lld/%lld  %lld/%lld realizations  %.0f s", (long long)p->point + 1,
          (long long)p->npoints, (long long)p->done_all, (long long)p->total_all, p->elapsed);
  if (p->final) fprintf(stderr, "\n");
}

/* The table: gamma, P_res +- se, Micklitz et al. 2022 Eq. (4), deviation in standard errors,
 * 1/gamma. */
static void print_table(const qb_campaign *c) {
  printf("\n  gamma     P_res (sum |psi_a0|^4)   Eq. (4)    (data - Eq.4)/se   FGR 1/gamma\n");
  for (qb_idx p = 0; p < qb_campaign_npoints(c); p++) {
    double g = qb_param_real(qb_campaign_point(c, p), "model", "gamma"), m, se;
    qb_campaign_result(c, p, "P_res_ipr", &m, &se);
    double th = qb_fgr_pres_eq4(g);
    printf("  %-8.3g  %.5f +- %.5f        %.5f    %+6.2f             %.4g\n", g, m, se, th,
           (m - th) / se, 1 / g);
  }
}

int qb_cmd_quickstart(int argc, char **argv) {
  const char *input = "inputs/fgr_quickstart.ini";
  int nthreads = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--input") && i + 1 < argc) input = argv[++i];
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc) nthreads = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: qbath quickstart [--input FILE] [--threads T]\n");
      return 2;
    }
  }
  qb_err err;
  qb_err_clear(&err);
  qb_campaign *c = NULL;
  if (qb_campaign_load(input, 0, NULL, &c, &err) != QB_OK) {
    fprintf(stderr, "qbath quickstart: %s\n", err.msg);
    return 2;
  }
  printf("FGR quick start: a level decaying into a GUE dot (%s)\n", input);
  qb_run_opts o = {.nthreads = nthreads, .progress_seconds = 2.0, .progress = progress};
  qb_run_stats st;
  int rc = 0;
  if (qb_campaign_run(c, &o, &st, &err) != QB_OK) {
    fprintf(stderr, "qbath quickstart: %s\n", err.msg);
    rc = 1;
  } else {
    print_table(c);
    printf("\nwrote %s (%.1f s on %d threads)\n", qb_campaign_output(c), st.wall, st.nthreads);
  }
  qb_campaign_free(c);
  return rc;
}
