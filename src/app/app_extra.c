/* app_extra.c — the production CLI adds no models and no benchmarks (app_extra.h). */
#include "app_extra.h"

const qb_model *const qb_app_models[] = {NULL};
const qb_app_bench qb_app_benches[] = {{NULL, NULL, NULL}};
