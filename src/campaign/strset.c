/* strset.c — string set with open addressing and linear probing (strset.h). */
#include "strset.h"

#include <stdint.h>
#include <string.h>

#include "qbath/alloc.h"

/* FNV-1a: short keys, no adversary that could profit from collisions beyond slowness. */
static size_t hash(const char *k) {
  uint64_t h = 1469598103934665603ull;
  for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ull;
  return (size_t)h;
}

/* Slot of key, or of the empty slot where it would go. */
static size_t slot(const qb_strset *s, const char *key) {
  size_t i = hash(key) & (s->cap - 1);
  while (s->keys[i] && strcmp(s->keys[i], key)) i = (i + 1) & (s->cap - 1);
  return i;
}

/* Doubles the table (load factor at most 1/2). */
static int grow(qb_strset *s) {
  size_t cap = s->cap ? 2 * s->cap : 64;
  qb_strset t = {qb_calloc(cap, sizeof(char *)), qb_calloc(cap, sizeof(int)), cap, s->n};
  if (!t.keys || !t.vals) {
    qb_free(t.keys);
    qb_free(t.vals);
    return -1;
  }
  for (size_t i = 0; i < s->cap; i++)
    if (s->keys[i]) {
      size_t j = slot(&t, s->keys[i]);
      t.keys[j] = s->keys[i];
      t.vals[j] = s->vals[i];
    }
  qb_free(s->keys);
  qb_free(s->vals);
  *s = t;
  return 0;
}

int qb_strset_add(qb_strset *s, const char *key, int val, int *prev) {
  if (2 * (s->n + 1) > s->cap && grow(s) < 0) return -1;
  size_t i = slot(s, key);
  if (s->keys[i]) {
    if (prev) *prev = s->vals[i];
    return 0;
  }
  size_t len = strlen(key) + 1;
  if ((s->keys[i] = qb_malloc(len)) == NULL) return -1;
  memcpy(s->keys[i], key, len);
  s->vals[i] = val;
  s->n++;
  return 1;
}

void qb_strset_clear(qb_strset *s) {
  for (size_t i = 0; i < s->cap; i++) qb_free(s->keys[i]);
  qb_free(s->keys);
  qb_free(s->vals);
  *s = (qb_strset){0};
}
