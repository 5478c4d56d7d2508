/* test_include_rules.c — the layer rules of src/README.md, checked from the sources, so
 * that a future violation fails CI instead of growing quietly:
 *  1. a file includes headers of its own layer or of layers below it (the order below;
 *     no loop between layers, nothing in core/solve/theory/observe sees params, models
 *     or the campaign);
 *  2. a private header (one under src/) is included only from its own layer;
 *  3. inside one layer the files' calls form no circle (file A calls a qb_ function
 *     defined in B and B calls one defined in A, directly or around a longer loop);
 *  4. header = module = prefix: every function a header X.h (or X_internal.h) declares is
 *     named qb_X_... (the few libc mirrors of alloc.h excepted).
 * A public header qbath/X.h belongs to the layer whose folder holds the module X.c
 * (header = module); the few headers that name no single file are listed in
 * header_layer_table. A new header that is neither is reported here: name it after its
 * module, or add it to the table. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

/* Bottom to top, as in DESIGN.md; api/ (the flat C API of the Python face) sits on the
 * campaign, beside app/. */
static const char *const layers[] = {"core",   "solve",   "theory", "observe",  "io",  "params",
                                     "physics", "models", "campaign", "api", "app"};
enum { NLAYERS = sizeof layers / sizeof layers[0], MAXF = 512, MAXDEF = 8192, PATHLEN = 512 };

/* Public headers with no module file of their own name. */
static const struct {
  const char *header, *layer;
} header_layer_table[] = {
    {"types.h", "core"},     {"spin.h", "core"},          {"qbath.h", "app"},
    {"eigobs.h", "observe"}, {"model.h", "params"},       {"level_dot.h", "physics"},
    {"grain.h", "physics"},  {"two_dot.h", "physics"},    {"campaign.h", "campaign"},
    {"api.h", "api"},
};

static char root[PATHLEN];
static int violations;

static int layer_index(const char *name, size_t len) {
  for (int i = 0; i < NLAYERS; i++)
    if (strlen(layers[i]) == len && !strncmp(layers[i], name, len)) return i;
  return -1;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = s ? fread(s, 1, (size_t)n, f) : 0;
  fclose(f);
  if (s) s[got] = 0;
  return s;
}

static int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Layer of the public header qbath/<name>: the table, else the folder of <base>.c. */
static int header_layer(const char *name) {
  for (size_t i = 0; i < sizeof header_layer_table / sizeof header_layer_table[0]; i++)
    if (!strcmp(header_layer_table[i].header, name)) {
      const char *l = header_layer_table[i].layer;
      return layer_index(l, strlen(l));
    }
  char base[256], path[PATHLEN * 2 + 32];
  snprintf(base, sizeof base, "%s", name);
  char *dot = strrchr(base, '.');
  if (dot) *dot = 0;
  for (int i = 0; i < NLAYERS; i++) {
    snprintf(path, sizeof path, "%s/src/%s/%s.c", root, layers[i], base);
    if (file_exists(path)) return i;
  }
  return -1;
}

static void violation(const char *fmt, const char *a, const char *b, const char *c) {
  printf("  include rule: ");
  printf(fmt, a, b, c);
  printf("\n");
  violations++;
}

/* Rules 1 and 2 for one file of layer `own` (rel: its path under the repository). */
static void check_includes(const char *rel, const char *text, int own) {
  for (const char *p = strstr(text, "#include \""); p; p = strstr(p + 1, "#include \"")) {
    const char *a = p + 10, *e = strchr(a, '"');
    if (!e) break;
    char inc[256];
    snprintf(inc, sizeof inc, "%.*s", (int)(e - a), a);
    int L;
    if (!strncmp(inc, "qbath/", 6)) {
      L = header_layer(inc + 6);
      if (L < 0) {
        violation("%s includes %s, a header of no known layer (name it after its module "
                  "file, or add it to header_layer_table in tests/test_include_rules.c)%s",
                  rel, inc, "");
        continue;
      }
    } else if (!strcmp(inc, "qbath_build_info.h")) {
      L = 0; /* generated from src/core/build_info.h.in */
    } else if (strchr(inc, '/')) {
      L = layer_index(inc, strcspn(inc, "/"));
      if (L < 0) {
        violation("%s includes %s, outside every layer folder%s", rel, inc, "");
        continue;
      }
      if (L != own && strncmp(inc, "qbath/", 6))
        violation("%s includes %s, a private header of another layer (layer %s)", rel, inc,
                  layers[L]);
    } else {
      L = own; /* a private header in the same folder */
    }
    if (L > own)
      violation("%s includes %s from the higher layer %s", rel, inc, layers[L]);
  }
}

/* ------------------------------------------------------------------ rule 3: calls */

typedef struct {
  char rel[PATHLEN];
  int layer;
  char *code; /* comments, strings and preprocessor lines blanked */
} src_file;

static src_file files[MAXF];
static int nfiles;
static struct {
  char name[96];
  int file;
} defs[MAXDEF];
static int ndefs;
static unsigned char edge[MAXF][MAXF];

/* Blanks comments, string and character literals and preprocessor lines. */
static void blank_noncode(char *s) {
  for (char *p = s; *p;) {
    if (p[0] == '/' && p[1] == '*') {
      char *e = strstr(p + 2, "*/");
      e = e ? e + 2 : p + strlen(p);
      for (; p < e; p++) if (*p != '\n') *p = ' ';
    } else if (p[0] == '/' && p[1] == '/') {
      for (; *p && *p != '\n'; p++) *p = ' ';
    } else if (*p == '"' || *p == '\'') {
      char q = *p++;
      for (; *p && *p != q; p++) {
        if (*p == '\\' && p[1]) *p++ = ' ';
        if (*p != '\n') *p = ' ';
      }
      if (*p) p++;
    } else if (*p == '#' && (p == s || p[-1] == '\n')) {
      for (; *p && !(*p == '\n' && p[-1] != '\\'); p++) *p = ' ';
    } else {
      p++;
    }
  }
}

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Calls f(file, name, is_definition) for every qb_ identifier followed by '(' in file i:
 * a definition at brace depth 0 whose ')' is followed by '{' (not static), else a call
 * when inside a function body. */
static void scan_calls(int i, void (*f)(int, const char *, int)) {
  const char *s = files[i].code, *decl = s;
  int depth = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '{') depth++;
    if (*p == '}') depth--;
    if (depth == 0 && (*p == ';' || *p == '}')) decl = p + 1;
    if (strncmp(p, "qb_", 3) || (p > s && ident_char(p[-1]))) continue;
    const char *e = p;
    while (ident_char(*e)) e++;
    const char *q = e;
    while (isspace((unsigned char)*q)) q++;
    if (*q != '(') { p = e - 1; continue; }
    char name[96];
    snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
    if (depth == 0) {
      int paren = 0;
      const char *r = q;
      for (; *r; r++) {
        if (*r == '(') paren++;
        if (*r == ')' && --paren == 0) break;
      }
      if (*r) r++;
      while (isspace((unsigned char)*r)) r++;
      char head[PATHLEN];
      snprintf(head, sizeof head, "%.*s", (int)(p - decl), decl);
      if (*r == '{' && !strstr(head, "static")) f(i, name, 1);
    } else {
      f(i, name, 0);
    }
    p = e - 1;
  }
}

static void add_def(int i, const char *name, int is_def) {
  if (!is_def || ndefs >= MAXDEF) return;
  snprintf(defs[ndefs].name, sizeof defs[ndefs].name, "%s", name);
  defs[ndefs++].file = i;
}

static void add_call(int i, const char *name, int is_def) {
  if (is_def) return;
  for (int d = 0; d < ndefs; d++)
    if (!strcmp(defs[d].name, name)) {
      if (defs[d].file != i && files[defs[d].file].layer == files[i].layer) edge[i][defs[d].file] = 1;
      return;
    }
}

/* Depth-first search for a circle through the same-layer call edges; prints the first. */
static int color[MAXF], parent[MAXF];

static int dfs(int u) {
  color[u] = 1;
  for (int v = 0; v < nfiles; v++) {
    if (!edge[u][v]) continue;
    if (color[v] == 1) {
      printf("  call circle in layer %s: %s", layers[files[v].layer], files[v].rel);
      for (int w = u, k = 0; w != v && k < nfiles; w = parent[w], k++) printf(" <- %s", files[w].rel);
      printf(" <- %s\n", files[v].rel);
      return 1;
    }
    if (color[v] == 0) {
      parent[v] = u;
      if (dfs(v)) return 1;
    }
  }
  color[u] = 2;
  return 0;
}

/* Every .c and .h under dir (recursively); layer = the first folder under src/. */
static void collect(const char *dir, const char *rel, int layer) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[PATHLEN * 2], r[PATHLEN];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(r, sizeof r, "%s/%s", rel, e->d_name);
    struct stat st;
    if (stat(path, &st)) continue;
    int L = layer >= 0 ? layer : layer_index(e->d_name, strlen(e->d_name));
    if (S_ISDIR(st.st_mode)) {
      if (L < 0) {
        violation("folder %s is no layer of DESIGN.md%s%s", r, "", "");
        continue;
      }
      collect(path, r, L);
      continue;
    }
    size_t n = strlen(e->d_name);
    if (layer < 0 || n < 3 || nfiles >= MAXF) continue;
    if (strcmp(e->d_name + n - 2, ".c") && strcmp(e->d_name + n - 2, ".h")) continue;
    src_file *f = &files[nfiles++];
    snprintf(f->rel, sizeof f->rel, "%s", r);
    f->layer = L;
    f->code = read_file(path);
  }
  closedir(d);
}

static void test_layers(void) {
  violations = 0;
  /* sources */
  for (int i = 0; i < nfiles; i++)
    if (files[i].code) check_includes(files[i].rel, files[i].code, files[i].layer);
  /* public headers: a header's own includes obey the rule of its layer */
  char dir[PATHLEN + 32];
  snprintf(dir, sizeof dir, "%s/include/qbath", root);
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char path[PATHLEN * 2], rel[PATHLEN];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(rel, sizeof rel, "include/qbath/%s", e->d_name);
    int L = header_layer(e->d_name);
    if (L < 0) {
      violation("%s belongs to no layer (name it after its module file, or add it to "
                "header_layer_table in tests/test_include_rules.c)%s%s", rel, "", "");
      continue;
    }
    char *text = read_file(path);
    if (text) check_includes(rel, text, L);
    free(text);
  }
  closedir(d);
  CU_ASSERT_EQUAL(violations, 0);
}

static void test_call_circles(void) {
  for (int i = 0; i < nfiles; i++)
    if (files[i].code) blank_noncode(files[i].code);
  for (int i = 0; i < nfiles; i++)
    if (files[i].code) scan_calls(i, add_def);
  for (int i = 0; i < nfiles; i++)
    if (files[i].code) scan_calls(i, add_call);
  CU_ASSERT(ndefs > 100); /* the scan found the library's functions */
  int circles = 0; /* the first circle found stops the search (its grey path is stale after) */
  for (int u = 0; u < nfiles && !circles; u++)
    if (color[u] == 0) circles = dfs(u);
  CU_ASSERT_EQUAL(circles, 0);
}

/* ------------------------------------------------------- rule 4: header = module = prefix */

/* Functions a header may declare outside its prefix: alloc.h's wrappers mirror the libc
 * calls they replace (qb_malloc for malloc), so a reader sees which allocation it is. */
static const char *const prefix_exceptions[] = {"alloc.h:qb_malloc", "alloc.h:qb_calloc",
                                                "alloc.h:qb_realloc", "alloc.h:qb_free"};

/* Every function declared in header `rel` (text `code`, non-code blanked) is named
 * qb_<module>_... (or qb_<module>), module = the header's name without .h and _internal. */
static void check_prefixes(const char *rel, const char *code) {
  const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
  char module[96], want[100];
  snprintf(module, sizeof module, "%.*s", (int)(strlen(base) - 2), base);
  char *in = strstr(module, "_internal");
  if (in && !in[9]) *in = 0;
  snprintf(want, sizeof want, "qb_%s_", module);
  const char *decl = code;
  int depth = 0;
  for (const char *p = code; *p; p++) {
    if (*p == '{') depth++;
    if (*p == '}') depth--;
    if (depth == 0 && (*p == ';' || *p == '}')) decl = p + 1;
    if (depth || strncmp(p, "qb_", 3) || (p > code && ident_char(p[-1]))) continue;
    const char *e = p;
    while (ident_char(*e)) e++;
    const char *q = e;
    while (isspace((unsigned char)*q)) q++;
    char name[96], head[PATHLEN], key[200];
    snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
    snprintf(head, sizeof head, "%.*s", (int)(p - decl), decl);
    p = e - 1;
    if (*q != '(' || strstr(head, "static") || strstr(head, "typedef")) continue;
    if (!strncmp(name, want, strlen(want)) || !strcmp(name, want) ||
        (strlen(name) + 1 == strlen(want) && !strncmp(name, want, strlen(name))))
      continue;
    snprintf(key, sizeof key, "%s:%s", base, name);
    int excused = 0;
    for (size_t k = 0; k < sizeof prefix_exceptions / sizeof *prefix_exceptions; k++)
      excused |= !strcmp(key, prefix_exceptions[k]);
    if (!excused)
      violation("%s declares %s, outside its prefix %s (header = module = prefix)", rel, name,
                want);
  }
}

static void test_prefixes(void) {
  violations = 0;
  for (int i = 0; i < nfiles; i++) {
    size_t n = strlen(files[i].rel);
    if (n < 2 || strcmp(files[i].rel + n - 2, ".h")) continue;
    char path[PATHLEN * 2];
    snprintf(path, sizeof path, "%s/%s", root, files[i].rel);
    char *text = read_file(path);
    if (text) blank_noncode(text), check_prefixes(files[i].rel, text);
    free(text);
  }
  char dir[PATHLEN + 32];
  snprintf(dir, sizeof dir, "%s/include/qbath", root);
  DIR *d = opendir(dir);
  CU_ASSERT_PTR_NOT_NULL_FATAL(d);
  struct dirent *e;
  int nheaders = 0;
  while ((e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (e->d_name[0] == '.' || n < 3 || strcmp(e->d_name + n - 2, ".h")) continue;
    char path[PATHLEN * 2], rel[PATHLEN];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    snprintf(rel, sizeof rel, "include/qbath/%s", e->d_name);
    char *text = read_file(path);
    if (text) blank_noncode(text), check_prefixes(rel, text), nheaders++;
    free(text);
  }
  closedir(d);
  CU_ASSERT(nheaders > 30); /* the scan found the public headers */
  CU_ASSERT_EQUAL(violations, 0);
}

int main(void) {
  const char *src = getenv("QBATH_SOURCE_DIR");
  snprintf(root, sizeof root, "%s", src ? src : "..");
  char dir[PATHLEN + 8];
  snprintf(dir, sizeof dir, "%s/src", root);
  collect(dir, "src", -1);
  const qb_test_case cases[] = {{"includes follow the layer order", test_layers},
                                {"no call circle inside a layer", test_call_circles},
                                {"header = module = prefix", test_prefixes},
                                {NULL, NULL}};
  return qb_test_main("include_rules", cases);
}
