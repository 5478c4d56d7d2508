/* strset.h — a set of strings with an int per string (open addressing), so that the
 * input reader finds duplicate keys and repeated sections in linear time. Private to
 * campaign/. */
#ifndef QBATH_CAMPAIGN_STRSET_H
#define QBATH_CAMPAIGN_STRSET_H
#include <stddef.h>

typedef struct qb_strset {
  char **keys; /* [cap] owned copies, NULL for empty slots */
  int *vals;   /* [cap] value stored with each key */
  size_t cap;  /* power of two, or 0 before the first insertion */
  size_t n;    /* keys stored */
} qb_strset;

/* Adds key with val unless key is present. Returns 1 if added, 0 if present (then *prev,
 * when not NULL, is the stored value), -1 when out of memory. */
int qb_strset_add(qb_strset *s, const char *key, int val, int *prev);

/* Frees the keys and the table; the set is empty and reusable afterwards. */
void qb_strset_clear(qb_strset *s);
#endif
