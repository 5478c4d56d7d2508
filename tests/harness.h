/* harness.h — shared CUnit runner and statistics helpers for qbath's test suites.
 *
 * Each tests/test_<name>.c defines its cases and calls qb_test_main from main(). Helpers
 * here compute means and standard errors so that statistical tests derive their
 * tolerances from the data (k standard errors), never from tuned constants. */
#ifndef QBATH_TEST_HARNESS_H
#define QBATH_TEST_HARNESS_H

#include <CUnit/CUnit.h>
#include <stddef.h>

typedef struct qb_test_case {
  const char *name;
  void (*fn)(void);
} qb_test_case;

/* Runs cases (terminated by {NULL, NULL}) as one CUnit suite; returns the exit status
 * (0 when every assertion passed). */
int qb_test_main(const char *suite, const qb_test_case *cases);

/* Running mean and variance (Welford), for standard errors. */
typedef struct qb_stat {
  double n, mean, m2;
} qb_stat;
void qb_stat_add(qb_stat *s, double x);
double qb_stat_mean(const qb_stat *s);
double qb_stat_stderr(const qb_stat *s); /* standard error of the mean */

/* Max |a_i - b_i| over n doubles. */
double qb_max_abs_diff(const double *a, const double *b, size_t n);

/* Asserts |actual - expected| <= k * stderr, printing the numbers when it fails. */
#define QB_ASSERT_WITHIN_SE(actual, expected, se, k)                                    \
  do {                                                                                  \
    double qb_a_ = (actual), qb_e_ = (expected), qb_s_ = (se), qb_k_ = (k);             \
    if (!(fabs(qb_a_ - qb_e_) <= qb_k_ * qb_s_))                                        \
      printf("\n  %s:%d: %.6g vs expected %.6g: off by %.2f standard errors (se %.3g)\n", \
             __FILE__, __LINE__, qb_a_, qb_e_, fabs(qb_a_ - qb_e_) / qb_s_, qb_s_);      \
    CU_ASSERT(fabs(qb_a_ - qb_e_) <= qb_k_ * qb_s_);                                    \
  } while (0)

/* Asserts |actual - expected| <= tol, printing the numbers when it fails. */
#define QB_ASSERT_CLOSE(actual, expected, tol)                                          \
  do {                                                                                  \
    double qb_a_ = (actual), qb_e_ = (expected), qb_t_ = (tol);                         \
    if (!(fabs(qb_a_ - qb_e_) <= qb_t_))                                                \
      printf("\n  %s:%d: %.17g vs expected %.17g (diff %.3g > tol %.3g)\n", __FILE__,    \
             __LINE__, qb_a_, qb_e_, fabs(qb_a_ - qb_e_), qb_t_);                        \
    CU_ASSERT(fabs(qb_a_ - qb_e_) <= qb_t_);                                            \
  } while (0)

/* Asserts a qb_status is QB_OK, printing the error message otherwise. */
#define QB_ASSERT_OK(call, errp)                                                        \
  do {                                                                                  \
    qb_status qb_st_ = (call);                                                          \
    if (qb_st_ != QB_OK) printf("\n  %s:%d: status %d: %s\n", __FILE__, __LINE__,        \
                                (int)qb_st_, (errp)->msg);                              \
    CU_ASSERT_EQUAL_FATAL(qb_st_, QB_OK);                                               \
  } while (0)

#endif
