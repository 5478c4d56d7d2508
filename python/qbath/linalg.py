"""linalg.py — libqbath's operators and solvers on numpy arrays (cffi, ABI mode).

Arrays cross into C without copies where their layout allows: a C-contiguous float64 or
complex128 vector is handed to the library as is (np.ascontiguousarray copies only
other layouts or dtypes), and results are written by C straight into new numpy arrays.
Library errors raise QbathError / InputError / NotConvergedError with the library's
message."""
import numpy as np

from . import _capi

ffi = _capi.ffi


def _ptr(a):
    """A C pointer to a contiguous numpy array's data (no copy)."""
    return ffi.from_buffer(a, require_writable=False)


def _wptr(a):
    return ffi.from_buffer(a, require_writable=True)


_SPIN_CHAIN_PARAMS = None


def _spin_chain_defaults():
    """spin_chain's real [model] keys with their defaults (J = 1, Delta = 1, h = W = g = 0),
    read from the model's key table so that from_terms follows the CLI's defaults."""
    global _SPIN_CHAIN_PARAMS
    if _SPIN_CHAIN_PARAMS is None:
        from .campaign import keys
        k = keys("spin_chain")
        k = k[(k.section == "model") & (k.type == "real") & k.default.notna()]
        _SPIN_CHAIN_PARAMS = {r.key: float(r.default) for r in k.itertuples()}
    return _SPIN_CHAIN_PARAMS


def version():
    """'qbath VERSION (commit ...)' of the loaded libqbath.so."""
    return _capi.text(_capi.lib().qb_api_version())


class Operator:
    """A Hermitian operator H held by libqbath (CSR). Build it with from_pauli,
    from_terms or from_matrix; H @ x applies it; evolve, eigs solve with it."""

    def __init__(self, handle, nsites=None, n_up=None):
        self._h = ffi.gc(handle, _capi.lib().qb_api_op_free)
        self.nsites, self.n_up = nsites, n_up

    # ---- construction ---------------------------------------------------------------
    @classmethod
    def from_pauli(cls, nsites, terms, n_up=None):
        """H = sum_t c_t P_t from [(c, "XX", [i, j]), ...]: Pauli strings on nsites spin-1/2
        sites (site j is bit j of a basis label, sigma not S; letters X Y Z + - I), in the
        full 2^L space (n_up None) or the sector of n_up up spins."""
        ops = ",".join(t[1] for t in terms)
        sites = np.ascontiguousarray([s for t in terms for s in t[2]], dtype=np.intc)
        coup = np.ascontiguousarray([complex(t[0]) for t in terms], dtype=np.complex128)
        out = ffi.new("qb_api_op **")
        _capi.call(_capi.lib().qb_api_op_pauli, nsites, -1 if n_up is None else n_up,
                   len(terms), ops.encode(), ffi.cast("int *", _ptr(sites)), ffi.cast("double *", _ptr(coup)), out)
        return cls(out[0], nsites, n_up)

    @classmethod
    def from_terms(cls, nsites, terms, params=None, boundary="open", n_up=None, seed=1,
                   point=0, realization=0):
        """H from the `terms` language of the spin_chain model (docs/terms.md): a list (or
        comma text) of "OPS:AMP[:DIST][@SITES]" on nsites sites. AMP may name the
        parameters in params (spin_chain's J, Delta, h, W, g default to that model's key
        defaults; L is nsites). Random couplings come from the Philox streams (seed, point,
        realization, 1 + t) of term t, as in a spin_chain campaign: the same terms, seed,
        sweep point and realization give the operator of that realization."""
        if isinstance(terms, str):
            terms = [t.strip() for t in terms.split(",") if t.strip()]
        values = dict(_spin_chain_defaults())
        values.update(params or {})
        values["L"] = nsites
        names = [ffi.new("char[]", k.encode()) for k in values]
        texts = [ffi.new("char[]", t.encode()) for t in terms]
        vals = np.ascontiguousarray(list(values.values()), dtype=np.float64)
        out = ffi.new("qb_api_op **")
        _capi.call(_capi.lib().qb_api_op_terms, nsites, -1 if n_up is None else n_up,
                   {"open": 0, "periodic": 1}[boundary], len(texts), ffi.new("const char *[]", texts),
                   len(names), ffi.new("const char *[]", names), ffi.cast("double *", _ptr(vals)),
                   seed, point, realization, out)
        return cls(out[0], nsites, n_up)

    @classmethod
    def from_input(cls, config, point=0, realization=0, sets=None):
        """The operator a spin_chain campaign (an input file, INI text or dict, as
        qbath.run takes) builds for realization `realization` of sweep point `point`."""
        from .campaign import _Input, _sets
        sets = _sets(sets)
        lib = _capi.lib()
        with _Input(config) as inp:
            keep = [ffi.new("char[]", s.encode()) for s in sets]
            cp = ffi.new("qb_campaign **")
            _capi.call(lib.qb_api_campaign_load, inp.path.encode(), len(keep),
                       ffi.new("const char *[]", keep) if keep else ffi.NULL, cp)
        c = cp[0]
        try:
            out = ffi.new("qb_api_op **")
            _capi.call(lib.qb_api_op_spin_chain, c, point, realization, out)
        finally:
            lib.qb_api_campaign_free(c)
        return cls(out[0])

    @classmethod
    def from_matrix(cls, A):
        """H from a Hermitian scipy.sparse matrix or dense array (copied into the library)."""
        import scipy.sparse as sp
        A = sp.csr_matrix(A)
        A.sum_duplicates()
        cplx = np.iscomplexobj(A.data)
        data = np.ascontiguousarray(A.data, dtype=np.complex128 if cplx else np.float64)
        indptr = np.ascontiguousarray(A.indptr, dtype=np.int64)
        indices = np.ascontiguousarray(A.indices, dtype=np.int64)
        out = ffi.new("qb_api_op **")
        _capi.call(_capi.lib().qb_api_op_csr, A.shape[0], int(cplx), ffi.cast("int64_t *", _ptr(indptr)),
                   ffi.cast("int64_t *", _ptr(indices)), _ptr(data), out)
        return cls(out[0])

    # ---- properties -----------------------------------------------------------------
    @property
    def dim(self):
        return _capi.lib().qb_api_op_dim(self._h)

    @property
    def shape(self):
        return (self.dim, self.dim)

    @property
    def dtype(self):
        return np.dtype(np.complex128 if _capi.lib().qb_api_op_is_complex(self._h) else np.float64)

    @property
    def nnz(self):
        return _capi.lib().qb_api_op_nnz(self._h)

    def basis(self):
        """Basis labels (bit j = site j up) of a spin operator, in the order of its indices."""
        out = np.empty(self.dim, dtype=np.uint64)
        _capi.call(_capi.lib().qb_api_op_basis, self._h, ffi.cast("uint64_t *", _wptr(out)))
        return out

    def to_scipy(self):
        """The matrix as scipy.sparse.csr_matrix (a copy)."""
        import scipy.sparse as sp
        n, nnz = self.dim, self.nnz
        indptr, indices = np.empty(n + 1, np.int64), np.empty(nnz, np.int64)
        data = np.empty(nnz, self.dtype)
        _capi.call(_capi.lib().qb_api_op_export_csr, self._h, ffi.cast("int64_t *", _wptr(indptr)),
                   ffi.cast("int64_t *", _wptr(indices)), _wptr(data))
        return sp.csr_matrix((data, indices, indptr), shape=(n, n))

    # ---- application ----------------------------------------------------------------
    def _vec(self, x, cplx):
        x = np.ascontiguousarray(x, dtype=np.complex128 if cplx else np.float64)
        if x.shape != (self.dim,):
            raise _capi.InputError("vector of shape %s for an operator of dimension %d"
                                   % (x.shape, self.dim), _capi.QB_ERR_INPUT)
        return x

    def apply(self, x, out=None):
        """y = H x for a vector x (real or complex; real needs a real H)."""
        cplx = np.iscomplexobj(x) or self.dtype == np.complex128
        x = self._vec(x, cplx)
        y = np.empty_like(x) if out is None else out
        if y.dtype != x.dtype or not y.flags.c_contiguous or y.shape != x.shape:
            raise _capi.InputError("out must be a contiguous %s vector of length %d" % (x.dtype, self.dim),
                                   _capi.QB_ERR_INPUT)
        _capi.call(_capi.lib().qb_api_op_apply, self._h, int(cplx), _ptr(x), _wptr(y))
        return y

    def __matmul__(self, x):
        x = np.asarray(x)
        if x.ndim == 2:
            return np.stack([self.apply(x[:, j]) for j in range(x.shape[1])], axis=1)
        return self.apply(x)

    def evolve(self, psi, times, tol=1e-10, method="chebyshev", return_matvecs=False):
        """psi(t) = exp(-i H t) psi for each of the ascending times (>= 0), with relative
        2-norm error <= tol over the run (Chebyshev or Krylov, qbath/prop.h; "dense"
        is the exact reference). Returns complex [len(times), dim]; psi is not changed."""
        times = np.ascontiguousarray(np.atleast_1d(times), dtype=np.float64)
        state = self._vec(psi, True).copy()
        out = np.empty((times.size, self.dim), np.complex128)
        mv = ffi.new("long *")
        _capi.call(_capi.lib().qb_api_evolve, self._h, method.encode(), float(tol), _wptr(state),
                   ffi.cast("double *", _ptr(times)), times.size, _wptr(out), mv)
        return (out, mv[0]) if return_matvecs else out

    def eigs(self, nev, target=0.5, density=True, method="shift_invert", tol=0.0, seed=20240601,
             vectors=True, residuals=False):
        """The nev eigenpairs nearest the target: an energy density eps in [0, 1] of the
        spectrum (density=True) or an energy. method "shift_invert" (ARPACK on a sparse
        factorization), "filter" (polynomial filter + Lanczos, no factorization; real
        operators; docs/filter.md), "dense" (LAPACK) or "auto". Returns (E ascending, V with
        eigenvectors as columns, like numpy.linalg.eigh; V is None without vectors), and
        with residuals=True a third array ||H v_j - E_j v_j||."""
        E, R = np.empty(nev), np.empty(nev)
        V = np.empty((nev, self.dim), self.dtype) if vectors else None
        _capi.call(_capi.lib().qb_api_eigs, self._h, nev, float(target), int(bool(density)),
                   method.encode(), float(tol), seed, ffi.cast("double *", _wptr(E)),
                   _wptr(V) if vectors else ffi.NULL,
                   ffi.cast("double *", _wptr(R)) if residuals else ffi.NULL)
        V = V.T if vectors else None   # a view: vector j is contiguous in C, a column here
        return (E, V, R) if residuals else (E, V)


def entanglement_entropy(psi, nsites, sites, n_up=None, renyi2=False):
    """Von Neumann entropy (natural log) of the normalized state psi of nsites spins (full
    space, or the sector of n_up up spins, in the basis order of Operator.basis()) for
    the cut A = sites (an iterable of site indices). renyi2=True returns (S_vN, S_2)."""
    cplx = np.iscomplexobj(psi)
    psi = np.ascontiguousarray(psi, dtype=np.complex128 if cplx else np.float64)
    mask = 0
    for s in sites:
        mask |= 1 << int(s)
    s1, s2 = ffi.new("double *"), ffi.new("double *")
    _capi.call(_capi.lib().qb_api_entanglement, nsites, -1 if n_up is None else n_up, mask,
               int(cplx), _ptr(psi), s1, s2)
    return (s1[0], s2[0]) if renyi2 else s1[0]


def _dense(ens, n, scale, seed, stream):
    size, dt = (n, np.float64) if ens == "GOE" else ((n, np.complex128) if ens == "GUE" else (2 * n, np.complex128))
    H = np.empty((size, size), dt)
    _capi.call(_capi.lib().qb_api_rmt_dense, ens.encode(), n, float(scale), seed, stream, _wptr(H))
    return H


def goe(n, scale=1.0, seed=0, stream=0):
    """n x n GOE matrix: H_ij ~ N(0, s^2) (i != j), H_ii ~ N(0, 2 s^2) (qbath/rmt.h)."""
    return _dense("GOE", n, scale, seed, stream)


def gue(n, scale=1.0, seed=0, stream=0):
    """n x n GUE matrix: <|H_ij|^2> = s^2 (qbath/rmt.h)."""
    return _dense("GUE", n, scale, seed, stream)


def gse(n, scale=1.0, seed=0, stream=0):
    """2n x 2n GSE matrix of n Kramers pairs (qbath/rmt.h)."""
    return _dense("GSE", n, scale, seed, stream)


def beta_hermite(beta, n, scale=1.0, seed=0, stream=0):
    """Dumitriu-Edelman tridiagonal beta-Hermite matrix (beta 1, 2, 4) whose eigenvalues
    follow the dense ensemble of the same scale: returns (diag[n], offdiag[n-1])."""
    d, e = np.empty(n), np.empty(max(n - 1, 0))
    _capi.call(_capi.lib().qb_api_rmt_beta_hermite, beta, n, float(scale), seed, stream,
               ffi.cast("double *", _wptr(d)), ffi.cast("double *", _wptr(e)) if n > 1 else ffi.NULL)
    return d, e
