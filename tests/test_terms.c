/* test_terms.c — the terms language (qbath/terms.h, docs/terms.md): each part of
 * OPS:AMP[:DIST][@SITES] parsed against values written out by hand, random couplings
 * against direct draws from the Philox stream they are documented to use, and every
 * malformed part refused with a message naming it. */
#include <math.h>
#include <string.h>

#include "harness.h"
#include "qbath/csr.h"
#include "qbath/rng.h"
#include "qbath/terms.h"

static const char *const names_[] = {"J", "W", "L"};
static const double values_[] = {1.75, 2.5, 10};
static const qb_terms_names names = {3, names_, values_};

static void parse_one(const char *text, int L, int periodic, qb_term *t) {
  qb_err err;
  QB_ASSERT_OK(qb_terms_parse_one(text, L, periodic, &names, t, &err), &err);
}

static void test_amp_forms(void) {
  qb_term t;
  parse_one("XX:0.25*J", 10, 0, &t);
  CU_ASSERT_STRING_EQUAL(t.ops, "XX");
  CU_ASSERT_EQUAL(t.k, 2);
  CU_ASSERT_EQUAL(t.amp, 0.25 * 1.75);
  CU_ASSERT_EQUAL(t.dist, QB_TERM_FIXED);
  parse_one("Z:W", 10, 0, &t);
  CU_ASSERT_EQUAL(t.amp, 2.5);
  parse_one("Z:-3e-1", 10, 0, &t);
  CU_ASSERT_EQUAL(t.amp, -0.3);
  parse_one("Z:1/L", 10, 0, &t);
  CU_ASSERT_EQUAL(t.amp, 0.1);
  parse_one("Z:0.5*J/4", 10, 0, &t);
  CU_ASSERT_EQUAL(t.amp, 0.5 * 1.75 / 4);
}

/* Placements: open chains stop where the string would run off the end, periodic ones wrap. */
static void test_sites(void) {
  qb_term t;
  parse_one("ZXZ:1", 10, 0, &t);
  CU_ASSERT(t.first == 0 && t.last == 7);
  parse_one("ZXZ:1", 10, 1, &t);
  CU_ASSERT(t.first == 0 && t.last == 9);
  parse_one("Z:0.5@7", 10, 0, &t);
  CU_ASSERT(t.first == 7 && t.last == 7);
  parse_one("+-:1:fixed@2-5", 10, 0, &t);
  CU_ASSERT(t.first == 2 && t.last == 5);
  CU_ASSERT_STRING_EQUAL(t.ops, "+-");
}

/* The built sum: fixed, staggered and random couplings, each placement on the right
 * sites; random values equal draws from stream (seed, point, realization, stream0 + t). */
static void test_build(void) {
  char *texts[] = {"ZZ:J@0-2", "Z:1:staggered", "X:W:uniform@3-5", "Y:0.5:normal@1", "XX:1@8"};
  qb_terms T;
  qb_err err;
  QB_ASSERT_OK(qb_terms_parse(texts, 5, 9, 1, &names, &T, &err), &err);
  CU_ASSERT_EQUAL(qb_terms_random(&T), 1);
  qb_pauli_sum *H = NULL;
  QB_ASSERT_OK(qb_terms_build(&T, 42, 3, 17, 5, &H, &err), &err);
  CU_ASSERT_EQUAL_FATAL(H->nterms, 3 + 9 + 3 + 1 + 1);
  const qb_pauli_term *p = H->terms;
  for (int j = 0; j < 3; j++, p++)
    CU_ASSERT(creal(p->coupling) == 1.75 && p->sites[0] == j && p->sites[1] == j + 1);
  for (int j = 0; j < 9; j++, p++) CU_ASSERT(creal(p->coupling) == (j % 2 ? -1.0 : 1.0));
  qb_rng r;
  qb_rng_init(&r, 42, 3, 17, 5 + 2);
  for (int j = 3; j <= 5; j++, p++)
    CU_ASSERT(creal(p->coupling) == 2.5 * (2 * qb_rng_uniform(&r) - 1) && p->sites[0] == j);
  qb_rng_init(&r, 42, 3, 17, 5 + 3);
  CU_ASSERT(creal(p->coupling) == 0.5 * qb_rng_normal(&r) && p->ops[0] == 'Y');
  p++;
  /* the periodic wrap: XX starting at the last site couples sites 8 and 0 */
  CU_ASSERT(p->sites[0] == 8 && p->sites[1] == 0);
  qb_spin_sum_free(H);
}

/* "I" is a spacer: ZIZ on 3 sites is sigma^z_0 sigma^z_2, diagonal with entries
 * z_0 z_2 = (+1 for up, -1 for down), whatever site 1 holds. */
static void test_identity_spacer(void) {
  char *texts[] = {"ZIZ:1"};
  qb_terms T;
  qb_err err;
  QB_ASSERT_OK(qb_terms_parse(texts, 1, 3, 0, &names, &T, &err), &err);
  qb_pauli_sum *H = NULL;
  qb_spin_basis *B = NULL;
  qb_csr *A = NULL;
  QB_ASSERT_OK(qb_terms_build(&T, 1, 0, 0, 1, &H, &err), &err);
  QB_ASSERT_OK(qb_spin_basis_create(3, -1, &B, &err), &err);
  QB_ASSERT_OK(qb_spin_sum_to_csr(H, B, &A, &err), &err);
  CU_ASSERT_EQUAL_FATAL(qb_csr_nnz(A), 8);
  CU_ASSERT_EQUAL_FATAL(A->dtype, QB_REAL);
  for (qb_idx s = 0; s < 8; s++) {
    double z0 = (s & 1) ? 1 : -1, z2 = (s & 4) ? 1 : -1;
    CU_ASSERT(A->colind[A->rowptr[s]] == s && ((double *)A->val)[A->rowptr[s]] == z0 * z2);
  }
  qb_csr_free(A);
  qb_spin_basis_free(B);
  qb_spin_sum_free(H);
}

static void expect_refused(const char *text, int periodic, const char *part) {
  qb_term t;
  qb_err err;
  qb_err_clear(&err);
  qb_status st = qb_terms_parse_one(text, 6, periodic, &names, &t, &err);
  CU_ASSERT_EQUAL(st, QB_ERR_INPUT);
  if (strstr(err.msg, part) == NULL) printf("\n  '%s': message '%s' lacks '%s'\n", text, err.msg, part);
  CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, part));
}

static void test_refused(void) {
  expect_refused("ZZ", 0, "expected OPS:AMP");
  expect_refused("ZQ:1", 0, "OPS 'ZQ'");
  expect_refused("ZZZZZZZ:1", 0, "OPS");       /* longer than L = 6 */
  expect_refused("Z:K", 0, "AMP 'K' must be a number, one of J W L");
  expect_refused("Z:2*", 0, "AMP");
  expect_refused("Z:1/0", 0, "AMP");
  expect_refused("Z:1:lognormal", 0, "DIST 'lognormal'");
  expect_refused("ZZ:1@5", 0, "SITES '@5'");   /* open: last start is 4 */
  expect_refused("ZZ:1@3-2", 1, "SITES");
  expect_refused("ZZ:1@x", 1, "SITES");
  char *none[] = {NULL};
  qb_terms T;
  qb_err err;
  CU_ASSERT_EQUAL(qb_terms_parse(none, 0, 6, 0, &names, &T, &err), QB_ERR_INPUT);
}

int main(void) {
  const qb_test_case cases[] = {{"AMP: number, name, number*name, /divisor", test_amp_forms},
                                {"SITES and boundaries", test_sites},
                                {"built couplings and their Philox streams", test_build},
                                {"I spacer (J1-J2 bonds)", test_identity_spacer},
                                {"malformed parts refused by name", test_refused},
                                {NULL, NULL}};
  return qb_test_main("terms", cases);
}
