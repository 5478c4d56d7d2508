/* test_cli.c — the command line explains itself (issue 23, friction points 3 and 4):
 * --version, `COMMAND --help`, `help models`, `help observables`, the man page docs/qbath.1
 * generated from the same tables (stale -> fails, like the input reference), and a key in
 * the wrong section naming the section it belongs in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign_test_util.h"
#include "harness.h"

static const char *bin(void) { return getenv("QBATH_BINARY") ? getenv("QBATH_BINARY") : "../qbath"; }

/* Runs `qbath ARGS`, expects exit status rc and each fragment in stdout + stderr. */
static void expect_output(const char *args, int rc, const char *f1, const char *f2) {
  char out[700], cmd[2048];
  ct_path(out, sizeof out, "cli.txt");
  snprintf(cmd, sizeof cmd, "%s %s > %s 2>&1", bin(), args, out);
  int st = system(cmd);
  CU_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == rc);
  char *t = ct_slurp(out);
  CU_ASSERT_PTR_NOT_NULL_FATAL(t);
  if (!strstr(t, f1) || !strstr(t, f2)) printf("\n  qbath %s: '%s' lacks '%s' or '%s'\n", args, t, f1, f2);
  CU_ASSERT_PTR_NOT_NULL(strstr(t, f1));
  CU_ASSERT_PTR_NOT_NULL(strstr(t, f2));
  qb_free(t);
}

static void test_version_and_help(void) {
  expect_output("--version", 0, "qbath 0.", "commit");
  expect_output("run --help", 0, "--resume", "journal");
  expect_output("validate --help", 0, "usage: qbath validate", "writes nothing");
  expect_output("help run", 0, "--dry-run", "--threads T");
  expect_output("help models", 0, "spin_chain", "matrix_market");
  expect_output("help observables", 0, "expect_NAME", "s_vn_state");
  expect_output("help nonsense", 2, "unknown topic 'nonsense'", "observables");
}

static void test_man_page_is_current(void) {
  const char *src = getenv("QBATH_SOURCE_DIR") ? getenv("QBATH_SOURCE_DIR") : "..";
  char doc[1024], out[700], cmd[2048];
  snprintf(doc, sizeof doc, "%s/docs/qbath.1", src);
  ct_path(out, sizeof out, "man.1");
  snprintf(cmd, sizeof cmd, "%s help --man > %s", bin(), out);
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  char *want = ct_slurp(out), *have = ct_slurp(doc);
  CU_ASSERT_PTR_NOT_NULL_FATAL(want);
  CU_ASSERT_PTR_NOT_NULL_FATAL(have);
  int current = !strcmp(want, have);
  if (!current) printf("\n  docs/qbath.1 is stale: run scripts/gen_input_reference.sh ");
  CU_ASSERT_TRUE(current);
  CU_ASSERT_PTR_NOT_NULL(strstr(want, ".SH OBSERVABLES"));
  qb_free(want);
  qb_free(have);
}

/* `nev` under [model]: the message names [eigen] (it used to name another model). */
static void test_wrong_section(void) {
  char in[700], args[800];
  ct_path(in, sizeof in, "wrong_section.ini");
  ct_write(in, "[run]\nrealizations = 1\n[model]\ntype = spin_chain\nL = 6\nnev = 4\nterms = ZZ:1\n"
               "[output]\nfile = %s/x.h5\n", ct_tmpdir());
  snprintf(args, sizeof args, "validate %s", in);
  expect_output(args, 2, "wrong_section.ini:6: [model] nev", "this key belongs in [eigen]");
}

/* The runner's test model and its benchmark are in the test CLI alone (tests/toy.c,
 * tests/cli/): the production qbath refuses tests/data/toy.ini and lists neither. */
static void test_no_test_model(void) {
  const char *src = getenv("QBATH_SOURCE_DIR") ? getenv("QBATH_SOURCE_DIR") : "..";
  char args[1200], out[700], cmd[2048];
  snprintf(args, sizeof args, "validate %s/tests/data/toy.ini", src);
  expect_output(args, 2, "type = 'toy': unknown model", "spin_chain");
  const char *lists[] = {"help models", "bench", "help keys --markdown"};
  for (int i = 0; i < 3; i++) {
    ct_path(out, sizeof out, "lists.txt");
    snprintf(cmd, sizeof cmd, "%s %s > %s 2>&1", bin(), lists[i], out);
    CU_ASSERT_EQUAL(system(cmd), 0);
    char *t = ct_slurp(out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    int clean = strstr(t, "toy") == NULL && (i != 1 || strstr(t, "runner") == NULL);
    if (!clean) printf("\n  qbath %s names the test model or bench runner\n", lists[i]);
    CU_ASSERT_TRUE(clean);
    qb_free(t);
  }
}

/* `cmake --install BUILD --prefix DIR` without root: the CLI, man page, headers, license. */
static void test_install_prefix(void) {
  char build[700], cmd[2048], path[800];
  snprintf(build, sizeof build, "%s", bin());
  char *slash = strrchr(build, '/');
  CU_ASSERT_PTR_NOT_NULL_FATAL(slash);
  *slash = '\0';
  snprintf(cmd, sizeof cmd, "cmake --install %s --prefix %s/prefix > /dev/null", build, ct_tmpdir());
  CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
  const char *files[] = {"bin/qbath", "share/man/man1/qbath.1", "include/qbath/terms.h",
                         "share/doc/qbath/LICENSE", "share/doc/qbath/CITATION.cff"};
  for (int i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "%s/prefix/%s", ct_tmpdir(), files[i]);
    if (!ct_exists(path)) printf("\n  not installed: %s\n", path);
    CU_ASSERT_TRUE(ct_exists(path));
  }
  snprintf(cmd, sizeof cmd, "%s/prefix/bin/qbath --version > /dev/null", ct_tmpdir());
  CU_ASSERT_EQUAL(system(cmd), 0);
}

int main(void) {
  const qb_test_case cases[] = {{"--version, COMMAND --help, help topics", test_version_and_help},
                                {"docs/qbath.1 is `qbath help --man`", test_man_page_is_current},
                                {"a key in the wrong section names the right one", test_wrong_section},
                                {"the production CLI has no test model", test_no_test_model},
                                {"cmake --install with a prefix", test_install_prefix},
                                {NULL, NULL}};
  return qb_test_main("cli", cases);
}
