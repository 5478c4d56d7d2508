/* mmio.c — Matrix Market files: read coordinate (real, integer, complex, pattern) and
 * array (dense: real, integer, complex) files of every symmetry (general, symmetric,
 * skew-symmetric, hermitian), and write coordinate files (general or lower triangle),
 * exact to the last bit with 17 significant digits (qbath/mmio.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "qbath/alloc.h"
#include "qbath/mmio.h"

typedef enum { MM_REAL, MM_INTEGER, MM_COMPLEX, MM_PATTERN } mm_field;
typedef enum { MM_GENERAL, MM_SYMMETRIC, MM_SKEW, MM_HERMITIAN } mm_sym;

/* Reading state: the open file, where we are, and the triplets gathered so far. */
typedef struct {
  const char *path;
  FILE *f;
  long line;        /* number of the line in buf (1-based) */
  char *buf;        /* current line (getline) */
  size_t bufcap;
  int array;        /* 1: dense array format (column-major values), 0: coordinate */
  mm_field field;
  mm_sym sym;
  qb_idx nrows, ncols, nent; /* from the size line (array: the number of values stored) */
  qb_idx n;                   /* triplets stored */
  size_t cap;                 /* room in row, col, val */
  qb_idx *row, *col;
  qb_cplx *val;               /* complex always while reading; converted at the end */
} mm_reader;

/* Next line into r->buf; 0 at end of file. */
static int next_line(mm_reader *r) {
  if (getline(&r->buf, &r->bufcap, r->f) < 0) return 0;
  r->line++;
  return 1;
}

static int blank(const char *s) {
  while (*s && isspace((unsigned char)*s)) s++;
  return *s == '\0';
}

/* Looks word up in a NULL-terminated table (case-insensitive); -1 when absent. */
static int word_index(const char *word, const char *const *table) {
  for (int i = 0; table[i]; i++)
    if (!strcasecmp(word, table[i])) return i;
  return -1;
}

/* The banner: %%MatrixMarket matrix coordinate|array FIELD SYMMETRY. */
static qb_status read_banner(mm_reader *r, qb_err *err) {
  static const char *const formats[] = {"coordinate", "array", NULL};
  static const char *const fields[] = {"real", "integer", "complex", "pattern", NULL};
  static const char *const syms[] = {"general", "symmetric", "skew-symmetric", "hermitian", NULL};
  char w[5][64];
  if (!next_line(r) ||
      sscanf(r->buf, "%63s %63s %63s %63s %63s", w[0], w[1], w[2], w[3], w[4]) != 5 ||
      strcasecmp(w[0], "%%MatrixMarket") || strcasecmp(w[1], "matrix"))
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: not a Matrix Market matrix banner", r->path,
                   r->line ? r->line : 1);
  int fmt = word_index(w[2], formats);
  if (fmt < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: format '%s' (coordinate or array)", r->path,
                   r->line, w[2]);
  int fi = word_index(w[3], fields), si = word_index(w[4], syms);
  if (fi < 0 || si < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: unknown field '%s' or symmetry '%s'", r->path,
                   r->line, w[3], w[4]);
  r->array = fmt == 1;
  r->field = (mm_field)fi;
  r->sym = (mm_sym)si;
  if (r->sym == MM_HERMITIAN && r->field != MM_COMPLEX)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: hermitian symmetry needs a complex field",
                   r->path, r->line);
  if (r->array && r->field == MM_PATTERN)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: an array file cannot have field pattern",
                   r->path, r->line);
  return QB_OK;
}

/* Skips comments and blank lines; 0 at end of file. */
static int next_data_line(mm_reader *r) {
  while (next_line(r))
    if (r->buf[0] != '%' && !blank(r->buf)) return 1;
  return 0;
}

/* Parses a 64-bit integer at *s, advancing it; 0 on failure. */
static int parse_idx(char **s, qb_idx *v) {
  char *end;
  errno = 0;
  long long x = strtoll(*s, &end, 10);
  if (end == *s || errno) return 0;
  *v = (qb_idx)x;
  *s = end;
  return 1;
}

static int parse_double(char **s, double *v) {
  char *end;
  *v = strtod(*s, &end);
  if (end == *s) return 0;
  *s = end;
  return 1;
}

/* Values stored by an n x n array file of this symmetry (lower triangle, or strictly
 * lower for skew), or nrows * ncols for general; -1 when that overflows. */
static qb_idx array_count(const mm_reader *r) {
  qb_idx n = r->nrows, m = r->ncols;
  if (r->sym == MM_GENERAL) return (n == 0 || m <= INT64_MAX / n) ? n * m : -1;
  if (n > 3037000499) return -1; /* n (n + 1) / 2 must fit in 64 bits */
  return r->sym == MM_SKEW ? n * (n - 1) / 2 : n * (n + 1) / 2;
}

static qb_status read_size(mm_reader *r, qb_err *err) {
  if (!next_data_line(r))
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: end of file before the size line", r->path, r->line);
  char *s = r->buf;
  int ok = parse_idx(&s, &r->nrows) && parse_idx(&s, &r->ncols) &&
           (r->array || parse_idx(&s, &r->nent)) && blank(s) && r->nrows >= 0 && r->ncols >= 0 &&
           r->nent >= 0;
  if (!ok)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: size line must be '%s'", r->path, r->line,
                   r->array ? "rows cols" : "rows cols entries");
  if (r->sym != MM_GENERAL && r->nrows != r->ncols)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: a symmetric matrix must be square, not %lld x %lld",
                   r->path, r->line, (long long)r->nrows, (long long)r->ncols);
  if (r->array && (r->nent = array_count(r)) < 0)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: %lld x %lld array is too large", r->path, r->line,
                   (long long)r->nrows, (long long)r->ncols);
  return QB_OK;
}

/* Room for two more triplets (an entry and its mirror). Grows by doubling, so memory
 * follows the entries actually present in the file, not the count its size line claims
 * (a claim near 2^61 overflowed a size computed from it). */
static qb_status reserve(mm_reader *r, qb_err *err) {
  if ((size_t)r->n + 2 <= r->cap) return QB_OK;
  size_t cap = r->cap ? 2 * r->cap : 1024;
  if (cap > SIZE_MAX / sizeof(qb_cplx))
    return QB_FAIL(err, QB_ERR_NOMEM, "%s:%ld: too many entries", r->path, r->line);
  qb_idx *row = qb_realloc(r->row, r->cap * sizeof *row, cap * sizeof *row);
  if (row) r->row = row;
  qb_idx *col = row ? qb_realloc(r->col, r->cap * sizeof *col, cap * sizeof *col) : NULL;
  if (col) r->col = col;
  qb_cplx *val = col ? qb_realloc(r->val, r->cap * sizeof *val, cap * sizeof *val) : NULL;
  if (!val)
    return QB_FAIL(err, QB_ERR_NOMEM, "%s:%ld: out of memory for %zu entries", r->path, r->line,
                   cap);
  r->val = val;
  r->cap = cap;
  return QB_OK;
}

/* Stores (i, j, v) (0-based) and its mirror by the file's symmetry. */
static qb_status push(mm_reader *r, qb_idx i, qb_idx j, qb_cplx v, qb_err *err) {
  QB_TRY(reserve(r, err));
  r->row[r->n] = i, r->col[r->n] = j, r->val[r->n++] = v;
  if (i != j && r->sym != MM_GENERAL) {
    r->row[r->n] = j, r->col[r->n] = i;
    r->val[r->n++] = r->sym == MM_SYMMETRIC ? v : r->sym == MM_SKEW ? -v : conj(v);
  }
  return QB_OK;
}

/* The value(s) of an entry at *s by field; 0 if malformed. */
static int parse_value(mm_reader *r, char **s, qb_cplx *v) {
  double re = 1.0, im = 0.0;
  int ok = 1;
  if (r->field != MM_PATTERN) ok = parse_double(s, &re);
  if (ok && r->field == MM_COMPLEX) ok = parse_double(s, &im);
  *v = re + im * I;
  return ok && blank(*s);
}

static qb_status bad_entry(mm_reader *r, qb_err *err) {
  return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: malformed entry '%.60s'", r->path, r->line,
                 strtok(r->buf, "\n"));
}

/* A NaN passed the Hermiticity test and failed later inside LAPACK with no location. */
static qb_status check_finite(mm_reader *r, qb_cplx v, qb_err *err) {
  if (isfinite(creal(v)) && isfinite(cimag(v))) return QB_OK;
  return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: entry '%.60s' is not a finite number", r->path,
                 r->line, strtok(r->buf, "\n"));
}

/* One coordinate entry line: indices (1-based, checked), value by field. */
static qb_status read_entry(mm_reader *r, qb_err *err) {
  char *s = r->buf;
  qb_idx i, j;
  qb_cplx v;
  if (!parse_idx(&s, &i) || !parse_idx(&s, &j) || !parse_value(r, &s, &v)) return bad_entry(r, err);
  if (i < 1 || i > r->nrows || j < 1 || j > r->ncols)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: index (%lld, %lld) outside the %lld x %lld matrix",
                   r->path, r->line, (long long)i, (long long)j, (long long)r->nrows,
                   (long long)r->ncols);
  if (r->sym == MM_SKEW && i == j)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: diagonal entry in a skew-symmetric file",
                   r->path, r->line);
  QB_TRY(check_finite(r, v, err));
  return push(r, i - 1, j - 1, v, err);
}

/* Value number e of an array file: column-major, the lower triangle (strictly lower for
 * skew) when symmetric. Exact zeros are not stored (the matrix becomes sparse). */
static qb_status read_array_value(mm_reader *r, qb_idx *i, qb_idx *j, qb_err *err) {
  char *s = r->buf;
  qb_cplx v;
  if (!parse_value(r, &s, &v)) return bad_entry(r, err);
  QB_TRY(check_finite(r, v, err));
  if (r->sym == MM_HERMITIAN && *i == *j && cimag(v) != 0)
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: diagonal entry (%lld, %lld) of a hermitian file "
                   "is not real", r->path, r->line, (long long)*i + 1, (long long)*j + 1);
  if (v != 0) QB_TRY(push(r, *i, *j, v, err));
  if (++*i == r->nrows) { /* next column, starting at (or below) its diagonal */
    ++*j;
    *i = r->sym == MM_GENERAL ? 0 : r->sym == MM_SKEW ? *j + 1 : *j;
  }
  return QB_OK;
}

static qb_status read_entries(mm_reader *r, qb_err *err) {
  qb_idx i = r->sym == MM_SKEW ? 1 : 0, j = 0;
  for (qb_idx e = 0; e < r->nent; e++) {
    if (!next_data_line(r))
      return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: end of file after %lld of %lld entries",
                     r->path, r->line, (long long)e, (long long)r->nent);
    QB_TRY(r->array ? read_array_value(r, &i, &j, err) : read_entry(r, err));
  }
  if (next_data_line(r))
    return QB_FAIL(err, QB_ERR_INPUT, "%s:%ld: more entries than the %lld the size line declares",
                   r->path, r->line, (long long)r->nent);
  return QB_OK;
}

/* Assembles the triplets: complex field gives a complex matrix, others real. */
static qb_status assemble(mm_reader *r, qb_csr **out, qb_err *err) {
  if (r->field == MM_COMPLEX)
    return qb_csr_from_triplets(r->nrows, r->ncols, r->n, r->row, r->col, r->val, QB_COMPLEX,
                                out, err);
  double *re = qb_malloc(((size_t)r->n + 1) * sizeof *re);
  if (!re) return QB_FAIL(err, QB_ERR_NOMEM, "%s: real values", r->path);
  for (qb_idx k = 0; k < r->n; k++) re[k] = creal(r->val[k]);
  qb_status st = qb_csr_from_triplets(r->nrows, r->ncols, r->n, r->row, r->col, re, QB_REAL,
                                      out, err);
  qb_free(re);
  return st;
}

qb_status qb_mmio_read(const char *path, qb_csr **out, qb_err *err) {
  *out = NULL;
  mm_reader r = {.path = path};
  r.f = fopen(path, "r");
  if (!r.f) return QB_FAIL(err, QB_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  /* A device such as /dev/zero has no end and no newline: the line reader would grow
   * without bound. */
  struct stat sb;
  qb_status st = fstat(fileno(r.f), &sb) == 0 && S_ISREG(sb.st_mode)
                     ? QB_OK : QB_FAIL(err, QB_ERR_INPUT, "%s: not a regular file", path);
  if (st == QB_OK) st = read_banner(&r, err);
  if (st == QB_OK) st = read_size(&r, err);
  if (st == QB_OK) st = read_entries(&r, err);
  if (st == QB_OK) st = assemble(&r, out, err);
  fclose(r.f);
  free(r.buf); /* allocated by getline, not by qb_malloc */
  qb_free(r.row);
  qb_free(r.col);
  qb_free(r.val);
  return st;
}

/* ---- writing ----------------------------------------------------------------------- */

/* Entries written: all, or those with row >= col for the symmetric form. */
static qb_idx count_written(const qb_csr *A, qb_mmio_symmetry sym) {
  if (sym == QB_MM_GENERAL) return qb_csr_nnz(A);
  qb_idx n = 0;
  for (qb_idx i = 0; i < A->nrows; i++)
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) n += A->colind[k] <= i;
  return n;
}

static void write_entries(FILE *f, const qb_csr *A, qb_mmio_symmetry sym) {
  for (qb_idx i = 0; i < A->nrows; i++)
    for (qb_idx k = A->rowptr[i]; k < A->rowptr[i + 1]; k++) {
      qb_idx j = A->colind[k];
      if (sym == QB_MM_SYMMETRIC && j > i) continue;
      if (A->dtype == QB_REAL)
        fprintf(f, "%lld %lld %.17g\n", (long long)i + 1, (long long)j + 1,
                ((const double *)A->val)[k]);
      else {
        qb_cplx z = ((const qb_cplx *)A->val)[k];
        fprintf(f, "%lld %lld %.17g %.17g\n", (long long)i + 1, (long long)j + 1, creal(z),
                cimag(z));
      }
    }
}

qb_status qb_mmio_write(const char *path, const qb_csr *A, qb_mmio_symmetry sym, qb_err *err) {
  if (sym == QB_MM_SYMMETRIC && A->nrows != A->ncols)
    return QB_FAIL(err, QB_ERR_DIM, "'%s': symmetric form of a non-square %lld x %lld matrix",
                   path, (long long)A->nrows, (long long)A->ncols);
  FILE *f = fopen(path, "w");
  if (!f) return QB_FAIL(err, QB_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
  const char *field = A->dtype == QB_REAL ? "real" : "complex";
  const char *symw = sym == QB_MM_GENERAL  ? "general"
                     : A->dtype == QB_REAL ? "symmetric"
                                           : "hermitian";
  fprintf(f, "%%%%MatrixMarket matrix coordinate %s %s\n%%%% written by qbath\n", field, symw);
  fprintf(f, "%lld %lld %lld\n", (long long)A->nrows, (long long)A->ncols,
          (long long)count_written(A, sym));
  write_entries(f, A, sym);
  int bad = ferror(f);
  bad |= fclose(f) != 0;
  if (bad) return QB_FAIL(err, QB_ERR_IO, "writing '%s' failed", path);
  return QB_OK;
}
