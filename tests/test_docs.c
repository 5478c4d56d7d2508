/* test_docs.c — the generated input reference (docs/input-reference.md) is the output of
 * `qbath help keys --markdown` below its hand-written header: a key added or changed in a
 * table without running scripts/gen_input_reference.sh fails here, so the reference never
 * drifts from the key tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"
#include "qbath/alloc.h"

static void test_input_reference_is_current(void) {
  const char *src = getenv("QBATH_SOURCE_DIR");
  CU_ASSERT_PTR_NOT_NULL_FATAL(src);
  char doc[1024], out[600], cmd[2048];
  snprintf(doc, sizeof doc, "%s/docs/input-reference.md", src);
  ct_path(out, sizeof out, "keys.md");
  snprintf(cmd, sizeof cmd, "%s help keys --markdown > %s", ct_binary(), out);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  char *text = ct_slurp(doc), *keys = ct_slurp(out);
  CU_ASSERT_PTR_NOT_NULL_FATAL(text);
  CU_ASSERT_PTR_NOT_NULL_FATAL(keys);
  size_t nt = strlen(text), nk = strlen(keys);
  CU_ASSERT_FATAL(nk > 1000); /* the tables are not empty */
  int current = nt >= nk && memcmp(text + nt - nk, keys, nk) == 0;
  if (!current) printf("\n  docs/input-reference.md is stale: run scripts/gen_input_reference.sh ");
  CU_ASSERT_TRUE(current);
  qb_free(text);
  qb_free(keys);
}

int main(void) {
  const qb_test_case cases[] = {{"input reference matches the key tables", test_input_reference_is_current},
                                {NULL, NULL}};
  return qb_test_main("docs", cases);
}
