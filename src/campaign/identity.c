/* identity.c — the text that ties a journal to its input, input files and build
 * (see identity.h). */
#define _GNU_SOURCE /* dladdr */
#include "identity.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qbath/alloc.h"
#include "qbath_build_info.h"

uint64_t qb_identity_hash64(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    h = (h ^ w) * 1099511628211ull;
  }
  for (; i < n; i++) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

/* Content hash of a regular file; 0 when it cannot be read. */
static int hash_file(const char *path, uint64_t *out) {
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  enum { CHUNK = 1 << 20 }; /* a multiple of 8: chunking does not change the hash */
  unsigned char *buf = qb_malloc(CHUNK);
  uint64_t h = QB_HASH64_BASIS ^ (uint64_t)sb.st_size;
  ssize_t n = 0;
  while (buf && (n = read(fd, buf, CHUNK)) > 0) h = qb_identity_hash64(h, buf, (size_t)n);
  close(fd);
  qb_free(buf);
  *out = h;
  return buf != NULL && n == 0;
}

/* The file holding this code: the shared library or executable (its hash names the
 * build, including local changes that the git commit does not show). */
static uint64_t code_hash(void) {
  Dl_info info;
  uint64_t h = 0;
  if (dladdr((void *)qb_identity_create, &info) && info.dli_fname && strchr(info.dli_fname, '/') &&
      hash_file(info.dli_fname, &h))
    return h;
  return hash_file("/proc/self/exe", &h) ? h : 0;
}

typedef struct sbuf {
  char *s;
  size_t len, cap;
  int nomem;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (b->nomem || n < 0) return;
  if (b->len + (size_t)n + 1 > b->cap) {
    size_t nc = 2 * (b->len + (size_t)n + 1);
    char *s = qb_realloc(b->s, b->cap, nc);
    if (s == NULL) {
      b->nomem = 1;
      return;
    }
    b->s = s, b->cap = nc;
  }
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

/* One "file:" line per distinct existing file named by a string value (any key of any
 * point except [output], so that keys models add later are covered too). */
static void add_file(sbuf *b, const char *path) {
  char tail[4200];
  snprintf(tail, sizeof tail, " %s\n", path);
  uint64_t h;
  if ((b->s && strstr(b->s, tail)) || !hash_file(path, &h)) return;
  sb_add(b, "file: %016llx %s\n", (unsigned long long)h, path);
}

static void add_files(sbuf *b, const qb_campaign *c) {
  for (int k = 0; k < c->nkeys; k++) {
    const qb_ckey *ck = &c->ckeys[k];
    if (!strcmp(ck->key->section, "output")) continue;
    for (int a = 0; a < ck->nalt; a++) {
      const qb_value *v = &ck->alts[a];
      if (ck->key->type == QB_KEY_STRING && v->text) add_file(b, v->text);
      if (ck->key->type == QB_KEY_STRING_LIST)
        for (qb_idx i = 0; i < v->n; i++) add_file(b, v->strs[i]);
    }
  }
}

qb_status qb_identity_create(const qb_campaign *c, char **out, qb_err *err) {
  sbuf b = {0};
  sb_add(&b, "build: %s %s %s %s code %016llx\n", QBATH_VERSION, QBATH_GIT_COMMIT,
         QBATH_BUILD_TYPE, QBATH_C_COMPILER, (unsigned long long)code_hash());
  add_files(&b, c);
  sb_add(&b, "input:\n%s", c->text);
  if (b.nomem) {
    qb_free(b.s);
    return QB_FAIL(err, QB_ERR_NOMEM, "out of memory for the run's identity");
  }
  *out = b.s;
  return QB_OK;
}

const char *qb_identity_inputs(const char *id) {
  const char *nl = strchr(id, '\n');
  return strncmp(id, "build: ", 7) == 0 && nl ? nl + 1 : id;
}

/* The "file:" line of path in id (NULL if none); *hash gets its hash text. */
static const char *find_file(const char *id, const char *path, size_t plen) {
  for (const char *l = strstr(id, "file: "); l; l = strstr(l + 1, "\nfile: ")) {
    if (*l == '\n') l++;
    const char *p = l + 6 + 17, *nl = strchr(l, '\n');
    if (nl && (size_t)(nl - p) == plen && !strncmp(p, path, plen)) return l;
  }
  return NULL;
}

/* Appends "the file P" for each file line of a whose path is absent from b or whose hash
 * differs. */
static void explain_files(const char *a, const char *b, const char *why, char *buf, size_t n) {
  const char *end = strstr(a, "input:\n");
  for (const char *l = strstr(a, "file: "); l && (!end || l < end); l = strstr(l + 1, "\nfile: ")) {
    if (*l == '\n') l++;
    const char *p = l + 6 + 17, *nl = strchr(l, '\n');
    if (nl == NULL) break;
    const char *m = find_file(b, p, (size_t)(nl - p));
    if (m && !strncmp(m, l, 6 + 16)) continue;
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%sthe file %.*s %s", used ? "; " : "", (int)(nl - p), p,
             m ? "changed (content hash differs)" : why);
  }
}

void qb_identity_explain(const char *stored, const char *current, char *buf, size_t n) {
  buf[0] = '\0';
  const char *si = strstr(stored, "input:\n"), *ci = strstr(current, "input:\n");
  if (!si || !ci || strcmp(si, ci)) snprintf(buf, n, "the input text (file and --set overrides)");
  explain_files(stored, current, "is no longer named or readable", buf, n);
  explain_files(current, stored, "is new", buf, n);
  const char *snl = strchr(stored, '\n'), *cnl = strchr(current, '\n');
  if (!snl || !cnl || snl - stored != cnl - current ||
      strncmp(stored, current, (size_t)(snl - stored))) {
    size_t used = strlen(buf);
    snprintf(buf + used, n - used, "%sthe qbath build (was '%.*s', now '%.*s')", used ? "; " : "",
             snl ? (int)(snl - stored) - 7 : 0, stored + 7, cnl ? (int)(cnl - current) - 7 : 0,
             current + 7);
  }
}
