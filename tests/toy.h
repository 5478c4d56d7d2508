/* toy.h — the models that only the tests and the test CLI (qbath_test) know: `toy`
 * (toy.c), the runner's trivial test and benchmark model. The production registry does
 * not hold it; suites pass qb_test_models to qb_campaign_load_with. */
#ifndef QBATH_TESTS_TOY_H
#define QBATH_TESTS_TOY_H

#include "qbath/model.h"

extern const qb_model qb_model_toy;
/* NULL-terminated: the extra model table of the suites and of qbath_test. */
extern const qb_model *const qb_test_models[];

#endif
