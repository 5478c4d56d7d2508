/* test_param_fill.c — key rows bound to struct fields (QB_FIELD, qb_param_fill): a key is
 * named once, in its row, and one generic function fills the model's struct (issue 17).
 *
 * Checked: every bound row of every built-in table can hold its key's values in its
 * field's C type; qb_param_fill stores each key type into each field type it fits, the
 * default where the input left a key unset, and leaves unbound fields alone; a bad value
 * of a bound key still fails when the input is read, naming file:line and the key. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/model.h"
#include "qbath/param.h"

/* Counts bound rows of a table and asserts each fits its field. */
static int check_table(const char *owner, const qb_key *t, int *bad) {
  int nbound = 0;
  for (const qb_key *k = t; k->name; k++) {
    if (k->field == QB_FIELD_NONE) continue;
    nbound++;
    if (!qb_param_field_fits(k)) {
      printf("\n  %s: [%s] %s (%s) is bound to a field that cannot hold it", owner, k->section,
             k->name, qb_param_type_name(k->type));
      (*bad)++;
    }
  }
  return nbound;
}

static void test_builtin_rows_fit(void) {
  int bad = 0, nbound = check_table("runner", qb_campaign_keys, &bad), nrows = 0;
  const qb_model *m;
  for (int i = 0; (m = qb_campaign_model_at(qb_test_models, i)); i++)
    for (const qb_key *const *t = m->keys; t && *t; t++) {
      nbound += check_table(m->name, *t, &bad);
      for (const qb_key *k = *t; k->name; k++) nrows++;
    }
  printf("\n  %d bound rows (model tables: %d rows, shared tables counted per model)", nbound,
         nrows);
  CU_ASSERT(nbound > 0);
  CU_ASSERT_EQUAL(bad, 0);
}

typedef enum { E_A, E_B, E_C } test_enum;
typedef struct fill_target {
  int i, b, untouched;
  unsigned u;
  test_enum e;
  long l;
  unsigned long z;
  long long ll;
  double x, xi;
  const char *s;
} fill_target;

static const qb_key fill_keys[] = {
    {"model", "i", QB_KEY_INT, "-7", -100, 100, NULL, "", NULL, "int", 0, QB_FIELD(fill_target, i)},
    {"model", "b", QB_KEY_BOOL, "false", 0, 0, NULL, "", NULL, "bool", 0,
     QB_FIELD(fill_target, b)},
    {"model", "u", QB_KEY_INT, "3", 0, 100, NULL, "", NULL, "uint", 0, QB_FIELD(fill_target, u)},
    {"model", "e", QB_KEY_ENUM, "a", 0, 0, "a|b|c", "", NULL, "enum", 0,
     QB_FIELD(fill_target, e)},
    {"model", "l", QB_KEY_INT, "1", QB_ANY, NULL, "", NULL, "long", 0, QB_FIELD(fill_target, l)},
    {"model", "z", QB_KEY_INT, "1", 0, 1e15, NULL, "", NULL, "size", 0, QB_FIELD(fill_target, z)},
    {"model", "ll", QB_KEY_INT, "1", QB_ANY, NULL, "", NULL, "llong", 0,
     QB_FIELD(fill_target, ll)},
    {"model", "x", QB_KEY_REAL, "2.385", QB_ANY, NULL, "", NULL, "real", 0,
     QB_FIELD(fill_target, x)},
    {"model", "xi", QB_KEY_INT, "5", QB_ANY, NULL, "", NULL, "int as real", 0,
     QB_FIELD(fill_target, xi)},
    {"model", "s", QB_KEY_STRING, "dflt", 0, 0, NULL, "", NULL, "string", 0,
     QB_FIELD(fill_target, s)},
    {"model", "hand", QB_KEY_REAL, "1", QB_ANY, NULL, "", NULL, "read by hand", 0},
    QB_KEY_END};

/* Parses text for each key (NULL: its default) into a qb_params over fill_keys. */
#define NFILL (sizeof fill_keys / sizeof fill_keys[0] - 1)
static void fill_from(const char *const text[NFILL], fill_target *t) {
  const qb_key *keys[NFILL];
  qb_value vals[NFILL];
  const qb_value *vp[NFILL];
  int is_set[NFILL];
  qb_where w = {"fill.ini", 1};
  qb_err e;
  for (size_t i = 0; i < NFILL; i++) {
    keys[i] = &fill_keys[i];
    memset(&vals[i], 0, sizeof vals[i]);
    QB_ASSERT_OK(qb_param_value_parse(keys[i], text[i] ? text[i] : keys[i]->def, &w, &vals[i], &e),
                 &e);
    vp[i] = &vals[i];
    is_set[i] = text[i] != NULL;
  }
  qb_params p = {.nkeys = (int)NFILL, .keys = keys, .vals = vp, .is_set = is_set};
  qb_param_fill(&p, fill_keys, t);
  /* strings point into the values: copy what the test compares before clearing */
  static char s[64];
  snprintf(s, sizeof s, "%s", t->s);
  t->s = s;
  for (size_t i = 0; i < NFILL; i++) qb_param_value_clear(&vals[i]);
}

static void test_fill_every_field_type(void) {
  fill_target t;
  memset(&t, 0, sizeof t);
  t.untouched = 41;
  const char *const set[NFILL] = {"42", "yes", "99", "C", "-3000000000", "1000000000000",
                                  "-9", "-1.5e-3", "12", "hello", "7"};
  fill_from(set, &t);
  CU_ASSERT_EQUAL(t.i, 42);
  CU_ASSERT_EQUAL(t.b, 1);
  CU_ASSERT_EQUAL(t.u, 99u);
  CU_ASSERT_EQUAL(t.e, E_C);
  CU_ASSERT_EQUAL(t.l, -3000000000L);
  CU_ASSERT_EQUAL(t.z, 1000000000000UL);
  CU_ASSERT_EQUAL(t.ll, -9LL);
  CU_ASSERT_EQUAL(t.x, -1.5e-3);
  CU_ASSERT_EQUAL(t.xi, 12.0);
  CU_ASSERT_STRING_EQUAL(t.s, "hello");
  CU_ASSERT_EQUAL(t.untouched, 41);

  const char *const unset[NFILL] = {NULL};
  fill_from(unset, &t);
  CU_ASSERT_EQUAL(t.i, -7);
  CU_ASSERT_EQUAL(t.b, 0);
  CU_ASSERT_EQUAL(t.u, 3u);
  CU_ASSERT_EQUAL(t.e, E_A);
  CU_ASSERT_EQUAL(t.x, 2.385);
  CU_ASSERT_STRING_EQUAL(t.s, "dflt");
}

/* Rows a field cannot hold: a negative range into unsigned, a range past int, a real
 * into an integer field (the last one is caught at compile time for non-numeric fields). */
static void test_fits_refuses(void) {
  qb_key k = {"model", "k", QB_KEY_INT, "0", -1, 10, NULL, "", NULL, "", 0,
              QB_FIELD(fill_target, u)};
  CU_ASSERT_FALSE(qb_param_field_fits(&k));
  k.min = 0;
  CU_ASSERT_TRUE(qb_param_field_fits(&k));
  k.max = 1e10;
  CU_ASSERT_FALSE(qb_param_field_fits(&k));
  qb_key r = {"model", "r", QB_KEY_REAL, "0", 0, 1, NULL, "", NULL, "", 0,
              QB_FIELD(fill_target, i)};
  CU_ASSERT_FALSE(qb_param_field_fits(&r));
  qb_key s = {"model", "s", QB_KEY_STRING, "", 0, 0, NULL, "", NULL, "", 0,
              QB_FIELD(fill_target, x)};
  CU_ASSERT_FALSE(qb_param_field_fits(&s));
}

/* A bound key's bad value fails where the input is read: file:line and the key. */
static void test_bad_bound_value_names_line_and_key(void) {
  qb_campaign *c = NULL;
  qb_err e;
  qb_status st = ct_load_text("bad_bound",
                              "[run]\nrealizations = 1\n[model]\ntype = linewidth_mft\nx = 0.5\n"
                              "d = 7\n[output]\nfile = unused.h5\n",
                              &c, &e);
  CU_ASSERT_EQUAL(st, QB_ERR_INPUT);
  if (st != QB_OK) {
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bad_bound_0.ini:6"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "[model] d = '7'"));
  }
  qb_campaign_free(c);
}

int main(void) {
  static const qb_test_case cases[] = {
      {"builtin_rows_fit", test_builtin_rows_fit},
      {"fill_every_field_type", test_fill_every_field_type},
      {"fits_refuses", test_fits_refuses},
      {"bad_bound_value_names_line_and_key", test_bad_bound_value_names_line_and_key},
      {NULL, NULL}};
  return qb_test_main("param_fill", cases);
}
