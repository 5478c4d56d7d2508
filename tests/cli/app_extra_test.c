/* app_extra_test.c — what the test CLI qbath_test adds to the production CLI
 * (src/app/app_extra.h): the test model toy (tests/toy.c) and `bench runner`, which runs
 * it. The CLI suites that run toy inputs start this binary (tests/CMakeLists.txt). */
#include "app/app_extra.h"
#include "bench_runner.h"
#include "toy.h"

const qb_model *const qb_app_models[] = {&qb_model_toy, NULL};
const qb_app_bench qb_app_benches[] = {
    {"runner", qb_bench_runner, "campaign runner overhead over 10^5 trivial realizations"},
    {NULL, NULL, NULL},
};
