/* app_extra.h — what one build of the CLI adds to the library's models and benchmarks.
 * The production qbath adds nothing (app_extra.c); the test CLI qbath_test adds the
 * runner's test model `toy` and `bench runner`, which runs it (tests/cli/). The choice is
 * made at link time, so the production binary holds no trace of either and no variable
 * has to be set at run time. */
#ifndef QBATH_APP_APP_EXTRA_H
#define QBATH_APP_APP_EXTRA_H

#include "qbath/model.h"

typedef struct {
  const char *name;
  int (*fn)(int, char **);
  const char *summary;
} qb_app_bench;

/* Models beyond the library's registry, NULL-terminated (passed to qb_campaign_load_with). */
extern const qb_model *const qb_app_models[];
/* Benchmarks beyond cmd_bench.c's, ended by a row with name NULL. */
extern const qb_app_bench qb_app_benches[];

#endif
