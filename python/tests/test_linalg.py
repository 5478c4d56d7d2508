"""libqbath's operators and solvers from Python (cffi): the Pauli-string builder against
an independent numpy Kronecker construction, time evolution against
scipy.sparse.linalg.expm_multiply, shift-invert against numpy.linalg.eigh at L = 12,
entanglement entropy against an SVD, the random-matrix samplers' seeds and variances."""
from functools import reduce

import numpy as np
import pytest
import scipy.sparse.linalg as sla

import qbath

EPS = np.finfo(float).eps
PAULI = {"X": np.array([[0, 1], [1, 0]], complex), "Y": np.array([[0, 1j], [-1j, 0]]),
         "Z": np.diag([-1.0 + 0j, 1.0]), "I": np.eye(2, dtype=complex),
         "+": np.array([[0, 0], [1, 0]], complex), "-": np.array([[0, 1], [0, 0]], complex)}
# Basis index = label, bit j = site j, bit 1 = up: in a Kronecker product the last factor
# is bit 0, so site j is factor L-1-j; the single-spin basis is (down, up), in which
# sigma^y |up> = i |down> reads Y = [[0, i], [-i, 0]] (spin.h).


def dense_pauli(L, terms):
    H = np.zeros((2 ** L, 2 ** L), complex)
    for c, ops, sites in terms:
        f = [PAULI["I"]] * L
        for o, s in zip(ops, sites):
            f[L - 1 - s] = f[L - 1 - s] @ PAULI[o]    # P1 P2 ...: the rightmost acts first
        H += c * reduce(np.kron, f)
    return H


def rfh_terms(L, W, rng, J=1.0):
    """Random-field Heisenberg, H = J sum S.S + sum h_j S^z, h_j in [-W, W] (S = sigma/2)."""
    t = [(J / 4, o + o, [j, j + 1]) for j in range(L - 1) for o in "XYZ"]
    return t + [(W * rng.uniform(-1, 1) / 2, "Z", [j]) for j in range(L)]


def test_pauli_operator_equals_kronecker():
    rng = np.random.default_rng(5)
    L = 7
    terms = rfh_terms(L, 2.5, rng) + [(0.3, "+-", [1, 4]), (0.3, "-+", [1, 4]),
                                      (0.7, "XYZ", [2, 3, 5]), (0.6, "Y", [0]),
                                      (0.4j, "XZ", [6, 6])]   # = 0.4 Y_6; ZX would give -0.4 Y_6
    H = qbath.Operator.from_pauli(L, terms)
    ref = dense_pauli(L, terms)
    x = rng.normal(size=2 ** L) + 1j * rng.normal(size=2 ** L)
    y = H @ x
    # Each entry sums at most (terms) products of O(1) numbers: rounding ~ terms * eps.
    assert np.abs(y - ref @ x).max() <= len(terms) * 8 * EPS * np.abs(x).max()
    np.testing.assert_allclose(H.to_scipy().toarray(), ref, atol=len(terms) * EPS)
    # a real operator on a real vector, shared (no copy) output array
    Hr = qbath.Operator.from_pauli(L, rfh_terms(L, 1.0, rng))
    assert Hr.dtype == np.float64
    xr, out = rng.normal(size=2 ** L), np.empty(2 ** L)
    assert Hr.apply(xr, out=out) is out


def test_sector_operator_is_the_full_one_restricted():
    rng = np.random.default_rng(6)
    L, n_up = 8, 3
    terms = rfh_terms(L, 3.0, rng)
    Hs = qbath.Operator.from_pauli(L, terms, n_up=n_up)
    labels = Hs.basis()
    assert Hs.dim == 56 and all(bin(int(b)).count("1") == n_up for b in labels)
    full = dense_pauli(L, terms)
    np.testing.assert_allclose(Hs.to_scipy().toarray(), full[np.ix_(labels, labels)],
                               atol=len(terms) * EPS)


def test_errors_carry_the_library_message():
    with pytest.raises(qbath.InputError, match="not one of X Y Z"):
        qbath.Operator.from_pauli(4, [(1.0, "XQ", [0, 1])])
    with pytest.raises(qbath.InputError, match="site 9 outside 0..3"):
        qbath.Operator.from_pauli(4, [(1.0, "Z", [9])])
    with pytest.raises(qbath.InputError, match="not Hermitian"):
        qbath.Operator.from_pauli(4, [(1.0, "+", [0])])
    with pytest.raises(qbath.InputError, match="leaves the sector|sector"):
        qbath.Operator.from_pauli(4, [(1.0, "X", [0])], n_up=2)


@pytest.mark.parametrize("method", ["chebyshev", "krylov"])
@pytest.mark.parametrize("tol", [1e-6, 1e-10])
def test_evolve_equals_expm_multiply(method, tol):
    rng = np.random.default_rng(7)
    L = 10
    H = qbath.Operator.from_pauli(L, rfh_terms(L, 2.0, rng))
    A = H.to_scipy().tocsc()
    psi = rng.normal(size=H.dim) + 1j * rng.normal(size=H.dim)
    psi /= np.linalg.norm(psi)
    times = np.array([0.0, 0.5, 3.0, 10.0])
    out = H.evolve(psi, times, tol=tol, method=method)
    for t, s in zip(times, out):
        ref = sla.expm_multiply(-1j * t * A, psi)     # scipy: double-precision accurate
        # qbath's contract: relative 2-norm error <= tol over the run (prop.h)
        assert np.linalg.norm(s - ref) <= tol, (method, tol, t, np.linalg.norm(s - ref))
    assert np.linalg.norm(out[-1]) == pytest.approx(1, abs=tol)


def test_evolve_user_matrix():
    """A user's own scipy matrix (complex Hermitian) evolved by the library."""
    import scipy.sparse as sp
    rng = np.random.default_rng(8)
    n = 300
    B = sp.random(n, n, density=0.02, random_state=3) + 1j * sp.random(n, n, density=0.02, random_state=4)
    A = (B + B.getH()).tocsr()
    H = qbath.Operator.from_matrix(A)
    assert H.dtype == np.complex128 and H.dim == n
    psi = rng.normal(size=n) + 0j
    psi /= np.linalg.norm(psi)
    got = H.evolve(psi, [2.0], tol=1e-9, method="krylov")[0]
    assert np.linalg.norm(got - sla.expm_multiply(-2j * A, psi)) <= 1e-9
    with pytest.raises(qbath.InputError, match="not Hermitian"):
        qbath.Operator.from_matrix(B)


def test_shift_invert_equals_eigh_L12():
    rng = np.random.default_rng(12)
    L, n_up, nev = 12, 6, 12
    H = qbath.Operator.from_pauli(L, rfh_terms(L, 1.0, rng), n_up=n_up)
    dense = H.to_scipy().toarray()
    w, U = np.linalg.eigh(dense)
    # A target between two middle levels, so that the nev nearest levels are unambiguous.
    mid = H.dim // 2
    sigma = 0.5 * (w[mid] + w[mid + 1])
    E, V, R = H.eigs(nev, target=sigma, density=False, method="shift_invert", residuals=True)
    near = np.sort(np.argsort(np.abs(w - sigma))[:nev])
    norm = np.abs(w).max()
    # Bauer-Fike for Hermitian H: some eigenvalue lies within the residual; eigh's own error
    # is ~ dim eps ||H||.
    assert np.all(np.abs(E - w[near]) <= R + H.dim * EPS * norm)
    # Davis-Kahan: sin(angle) <= residual / gap to the rest of the spectrum.
    for j, k in enumerate(near):
        gap = np.min(np.abs(np.delete(w, k) - w[k]))
        overlap = abs(np.vdot(U[:, k], V[:, j]))
        assert np.sqrt(max(0.0, 1 - overlap ** 2)) <= (R[j] + H.dim * EPS * norm) / gap + 1e-7
    assert R.max() < 1e-8 * norm


def entropy_svd(psi, L, sites, labels=None):
    full = np.zeros(2 ** L, psi.dtype)
    full[labels if labels is not None else np.arange(2 ** L)] = psi
    T = full.reshape([2] * L)                 # axis k is bit L-1-k
    axes_a = [L - 1 - s for s in sites]
    rest = [a for a in range(L) if a not in axes_a]
    M = np.transpose(T, axes_a + rest).reshape(2 ** len(sites), -1)
    p = np.linalg.svd(M, compute_uv=False) ** 2
    p = p[p > 0]
    return -np.sum(p * np.log(p)), -np.log(np.sum(p ** 2))


def test_entanglement_entropy():
    rng = np.random.default_rng(9)
    L = 8
    psi = rng.normal(size=2 ** L) + 1j * rng.normal(size=2 ** L)
    psi /= np.linalg.norm(psi)
    for sites in ([0, 1, 2], [1, 5], [7]):
        s, s2 = qbath.entanglement_entropy(psi, L, sites, renyi2=True)
        r, r2 = entropy_svd(psi, L, sites)
        assert s == pytest.approx(r, abs=1e-12) and s2 == pytest.approx(r2, abs=1e-12)
    H = qbath.Operator.from_pauli(L, rfh_terms(L, 1.0, rng), n_up=4)
    phi = rng.normal(size=H.dim)
    phi /= np.linalg.norm(phi)
    assert qbath.entanglement_entropy(phi, L, range(4), n_up=4) == pytest.approx(
        entropy_svd(phi, L, list(range(4)), H.basis().astype(np.int64))[0], abs=1e-12)


def test_random_matrices():
    a, b = qbath.goe(50, seed=3), qbath.goe(50, seed=3)
    np.testing.assert_array_equal(a, b)                     # a seed gives the same matrix
    assert not np.array_equal(a, qbath.goe(50, seed=3, stream=1))
    np.testing.assert_array_equal(a, a.T)
    g = qbath.gue(40, seed=1)
    np.testing.assert_array_equal(g, g.conj().T)
    s = qbath.gse(10, seed=2)
    assert s.shape == (20, 20)
    np.testing.assert_allclose(s, s.conj().T)
    # GOE of scale 2: off-diagonal variance s^2 = 4; within 5 standard errors of the
    # variance estimate, s^2 sqrt(2 / (n - 1)).
    n = 200
    H = qbath.goe(n, scale=2.0, seed=11)
    off = H[np.triu_indices(n, 1)]
    assert abs(off.var() - 4.0) < 5 * 4.0 * np.sqrt(2 / (off.size - 1))
    # beta-Hermite: E Tr H^2 = n (n + 1) s^2 for beta = 1 (rmt.h), over 400 streams.
    m, tr = 30, []
    for k in range(400):
        d, e = qbath.beta_hermite(1, m, scale=1.0, seed=5, stream=k)
        tr.append(np.sum(d ** 2) + 2 * np.sum(e ** 2))
    tr = np.array(tr)
    assert abs(tr.mean() - m * (m + 1)) < 5 * tr.std(ddof=1) / np.sqrt(tr.size)
    with pytest.raises(qbath.InputError):
        qbath.beta_hermite(3, 10)
