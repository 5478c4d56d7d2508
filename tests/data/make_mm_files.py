#!/usr/bin/python3
"""make_mm_files.py — writes Matrix Market files with scipy (a program other than qbath)
and, next to each, the expected dense matrix as plain text, for tests/test_mmio.c.

Run from anywhere: /usr/bin/python3 tests/data/make_mm_files.py
Expected-matrix format (<name>.dense.txt): first line "rows cols is_complex", then one line
per matrix row with each entry as %.17g (complex: re im pairs)."""
import os

import numpy as np
import scipy.io
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20231123)


def sparse_random(n, m, density):
    mask = rng.random((n, m)) < density
    return np.where(mask, rng.normal(size=(n, m)) * 2.385, 0.0)


def save(name, dense, **kw):
    path = os.path.join(HERE, name + ".mtx")
    scipy.io.mmwrite(path, sp.coo_matrix(dense), **kw)
    # The expectation is what scipy reads back: scipy writes 16 significant digits, so
    # the file, not the float64 array before writing, defines the matrix.
    dense = scipy.io.mmread(path).toarray()
    cplx = np.iscomplexobj(dense)
    with open(os.path.join(HERE, name + ".dense.txt"), "w") as f:
        f.write(f"{dense.shape[0]} {dense.shape[1]} {int(cplx)}\n")
        for row in dense:
            if cplx:
                f.write(" ".join(f"{z.real:.17g} {z.imag:.17g}" for z in row) + "\n")
            else:
                f.write(" ".join(f"{x:.17g}" for x in row) + "\n")


# real symmetric 7 x 7
a = sparse_random(7, 7, 0.35)
save("real_symmetric", np.tril(a) + np.tril(a, -1).T, symmetry="symmetric")

# complex hermitian 6 x 6
re, im = sparse_random(6, 6, 0.4), sparse_random(6, 6, 0.4)
z = np.tril(re + 1j * im, -1)
h = z + z.conj().T + np.diag(rng.normal(size=6))
save("complex_hermitian", h, symmetry="hermitian")

# general real, rectangular 5 x 8
save("real_general", sparse_random(5, 8, 0.4), symmetry="general")

# integer general 6 x 4
ints = np.where(rng.random((6, 4)) < 0.5, rng.integers(-9, 10, size=(6, 4)), 0)
save("integer_general", ints.astype(np.int64), field="integer", symmetry="general")

# pattern 5 x 5 (values 1 at the stored positions)
pat = (rng.random((5, 5)) < 0.4).astype(float)
save("pattern_general", pat, field="pattern", symmetry="general")


# Array (dense) format, as scipy.io.mmwrite writes a numpy array (issue 23 item 3).
def save_array(name, dense, **kw):
    path = os.path.join(HERE, name + ".mtx")
    scipy.io.mmwrite(path, dense, **kw)
    back = scipy.io.mmread(path)
    cplx = np.iscomplexobj(back)
    with open(os.path.join(HERE, name + ".dense.txt"), "w") as f:
        f.write(f"{back.shape[0]} {back.shape[1]} {int(cplx)}\n")
        for row in back:
            if cplx:
                f.write(" ".join(f"{z.real:.17g} {z.imag:.17g}" for z in row) + "\n")
            else:
                f.write(" ".join(f"{x:.17g}" for x in row) + "\n")


save_array("array_real_general", rng.normal(size=(4, 3)) * 2.385)
s = rng.normal(size=(5, 5))
save_array("array_real_symmetric", s + s.T, symmetry="symmetric")
z = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
save_array("array_complex_hermitian", z + z.conj().T, symmetry="hermitian")
save_array("array_complex_general", rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4)))
k = rng.normal(size=(4, 4))
save_array("array_real_skew", k - k.T, symmetry="skew-symmetric")
