"""spin_ref.py — independent scipy references for qbath's spin chains (test helpers).

Conventions of include/qbath/spin.h: site j is bit j of a basis label, bit 1 = up,
Z|up> = +|up>, Y|up> = i|down>, Y|down> = -i|up>."""
import numpy as np
import scipy.sparse as sp

# one-site matrices in the label basis (index = bit value)
PAULI = {"X": np.array([[0, 1], [1, 0]], complex), "Y": np.array([[0, 1j], [-1j, 0]]),
         "Z": np.array([[-1, 0], [0, 1]], complex)}


def site_op(L, j, m):
    """m on site j of L sites (sparse); site L-1 is the slowest kron factor."""
    out = sp.identity(1, dtype=complex, format="csr")
    for k in range(L - 1, -1, -1):
        out = sp.kron(out, m if k == j else sp.identity(2), format="csr")
    return out


def chain(L, h):
    """Heisenberg chain sum_j S_j.S_{j+1} (open) plus fields sum_j (h_j / 2) Z_j."""
    H = sum(0.25 * site_op(L, j, PAULI[a]) @ site_op(L, j + 1, PAULI[a])
            for j in range(L - 1) for a in "XYZ")
    return (H + sum(0.5 * h[j] * site_op(L, j, PAULI["Z"]) for j in range(L))).tocsr()


def chain_terms(L, h):
    """The same chain in the terms language (continued on indented lines)."""
    return "XX:0.25, YY:0.25, ZZ:0.25,\n  " + ",\n  ".join(f"Z:{0.5 * h[j]!r}@{j}" for j in range(L))


def nearest(E, nev, eps=0.5):
    """Indices of the nev eigenvalues nearest sigma = E_min + eps (E_max - E_min), ascending."""
    sigma = E[0] + eps * (E[-1] - E[0])
    return np.sort(np.argsort(np.abs(E - sigma), kind="stable")[:nev]), sigma


def check(name, value, tol):
    print(f"{name}: {value:.3g} (tolerance {tol:g})")
    return value <= tol
