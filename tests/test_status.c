/* test_status.c — error recording and the allocation failure hook. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "qbath/alloc.h"
#include "qbath/err.h"

static void test_err_message(void) {
  qb_err e;
  qb_err_clear(&e);
  qb_status s = QB_FAIL(&e, QB_ERR_INPUT, "N = %d must be positive", -3);
  CU_ASSERT_EQUAL(s, QB_ERR_INPUT);
  CU_ASSERT_STRING_EQUAL(e.msg, "N = -3 must be positive");
  qb_err_prefix(&e, "model.N");
  CU_ASSERT_STRING_EQUAL(e.msg, "model.N: N = -3 must be positive");
  CU_ASSERT(e.line > 0);
  CU_ASSERT_EQUAL(QB_FAIL(NULL, QB_ERR_IO, "x"), QB_ERR_IO); /* NULL err is allowed */
  CU_ASSERT_STRING_EQUAL(qb_err_name(QB_ERR_NOMEM), "out of memory");
}

static void test_alloc_hook(void) {
  qb_alloc_fail_after(2);
  void *a = qb_malloc(10), *b = qb_malloc(10), *c = qb_malloc(10), *d = qb_malloc(10);
  CU_ASSERT_PTR_NOT_NULL(a);
  CU_ASSERT_PTR_NOT_NULL(b);
  CU_ASSERT_PTR_NULL(c); /* the third allocation fails */
  CU_ASSERT_PTR_NOT_NULL(d); /* and only that one */
  CU_ASSERT_EQUAL(qb_alloc_count(), 4);
  qb_alloc_fail_after(-1);
  CU_ASSERT_EQUAL(((unsigned long)a) % 64, 0);
  CU_ASSERT_PTR_NULL(qb_calloc((size_t)-1, 16)); /* overflow is refused */
  qb_free(a); qb_free(b); qb_free(d);
  CU_ASSERT_PTR_NULL(qb_free(NULL));
}

int main(void) {
  const qb_test_case cases[] = {{"error messages", test_err_message},
                                {"allocation hook", test_alloc_hook},
                                {NULL, NULL}};
  return qb_test_main("status", cases);
}
