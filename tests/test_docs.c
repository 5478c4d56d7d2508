/* test_docs.c — the generated input reference (docs/input-reference.md) is the output of
 * `qbath help keys --markdown` below its hand-written header: a key added or changed in a
 * table without running scripts/gen_input_reference.sh fails here, so the reference never
 * drifts from the key tables. And every shipped input file (the .ini files of inputs/,
 * the campaigns the docs quote) still passes `qbath validate`, so a renamed or re-ranged
 * key cannot silently break a documented campaign. */
#include <dirent.h>
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

static void test_shipped_inputs_validate(void) {
  const char *src = getenv("QBATH_SOURCE_DIR");
  CU_ASSERT_PTR_NOT_NULL_FATAL(src);
  char dir[1024], cmd[4096];
  snprintf(dir, sizeof dir, "%s/inputs", src);
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  int checked = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    size_t n = strlen(e->d_name);
    if (n < 5 || strcmp(e->d_name + n - 4, ".ini") != 0) continue;
    snprintf(cmd, sizeof cmd, "%s validate '%s/%s' > /dev/null", ct_binary(), dir, e->d_name);
    int rc = system(cmd);
    if (rc != 0) printf("\n  inputs/%s does not validate ", e->d_name);
    CU_ASSERT_EQUAL(rc, 0);
    checked++;
  }
  closedir(d);
  CU_ASSERT(checked >= 10); /* the directory was found and holds the campaigns */
}

int main(void) {
  const qb_test_case cases[] = {{"input reference matches the key tables", test_input_reference_is_current},
                                {"every shipped input validates", test_shipped_inputs_validate},
                                {NULL, NULL}};
  return qb_test_main("docs", cases);
}
