"""The operator built from Python out of the `terms` language equals the CLI's: the same
terms, seed, sweep point and realization give the matrix the spin_chain model builds
(through the input file the CLI reads, applied to a random vector, to 1e-14), and the
CLI's own run of that input reports, realization by realization, the extreme
eigenvalues of the Python operator."""
import os

import numpy as np
import pytest

import qbath
from conftest import run_cli

EPS = np.finfo(float).eps
TERMS = ["XX:0.25*J", "YY:0.25*J", "ZZ:0.25*Delta", "Z:0.5*W:uniform", "X:0.1*g:normal@2-5"]
INPUT = """[run]
seed = 77
realizations = 3
[model]
type = spin_chain
L = 8
n_up = -1
boundary = periodic
Delta = 0.7
g = 0.4
W = 1.5, 4
terms = {terms}
[eigen]
method = dense
nev = 256
[output]
file = {out}
"""


def write_input(tmp_path):
    path = tmp_path / "chain.ini"
    path.write_text(INPUT.format(terms=", ".join(TERMS), out=tmp_path / "chain.h5"))
    return str(path)


def python_operator(point, realization):
    W = (1.5, 4.0)[point]
    return qbath.Operator.from_terms(8, TERMS, params={"Delta": 0.7, "g": 0.4, "W": W},
                                     boundary="periodic", seed=77, point=point,
                                     realization=realization)


@pytest.mark.parametrize("point,realization", [(0, 0), (1, 2)])
def test_python_operator_equals_cli_operator(tmp_path, point, realization):
    ini = write_input(tmp_path)
    cli = qbath.Operator.from_input(ini, point=point, realization=realization)
    py = python_operator(point, realization)
    rng = np.random.default_rng(point + 10 * realization)
    x = rng.normal(size=py.dim) + 1j * rng.normal(size=py.dim)
    diff = np.abs(py @ x - cli @ x).max()
    assert diff <= 1e-14 * np.abs(cli @ x).max(), diff
    # another realization draws other couplings: the comparison can fail
    other = python_operator(point, realization + 1)
    assert np.abs(other @ x - cli @ x).max() > 1e-3


def test_cli_run_has_the_python_operators_spectrum(tmp_path):
    ini = write_input(tmp_path)
    run_cli(["run", "--quiet", ini])
    ds = qbath.load(str(tmp_path / "chain.h5"))
    for p, W in enumerate((1.5, 4.0)):
        for r in range(3):
            w = np.linalg.eigvalsh(python_operator(p, r).to_scipy().toarray())
            # two backward-stable dense eigensolvers on the same matrix: dim eps ||H||
            tol = w.size * EPS * np.abs(w).max()
            cli = ds.sel({"model.W": W})
            assert abs(float(cli["e_min_rows"][r]) - w[0]) <= tol
            assert abs(float(cli["e_max_rows"][r]) - w[-1]) <= tol
