"""qbath.load against the reference reader scripts/qbath_table.py: the result files of
the quick start's input and of one small input per model give the same table, digit for
digit (the table prints %.8g of each mean and %.3g of its error; arrays by their first
and last element). And a journal read while (or after) a campaign runs gives the same
rows as the finished file."""
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

import qbath
from conftest import SOURCE, run_cli

# One small run per model: a shipped input and overrides that make it quick. (Only the
# library's models: the runner's test model is in the test CLI alone.)
CASES = {
    "level_dot": ("inputs/fgr_quickstart.ini", ["run.realizations=12"]),
    "two_dot": ("inputs/two_dot_quick.ini", ["run.realizations=4", "model.N2=60", "evolve.samples=20",
                                             "evolve.log_samples=5", "model.theory_eq5=false"]),
    "spin_chain": ("inputs/heisenberg.ini", []),        # zipped sweep: one "point" dim
    "random_matrix": ("inputs/goe_gap_ratio.ini", ["run.realizations=6", "model.N=40"]),
    "matrix_market": (None, None),                       # input written below
    "hubbard_bubble": ("inputs/potirniche_fig6.ini", ["model.M=3, 10", "model.omega_points=201"]),
    "linewidth_mft": ("inputs/gn_fig6_linewidth.ini", ["model.x=linspace(-0.3, 1.5, 4)"]),
    "grain_spins": ("inputs/grain_geometries.ini", ["run.realizations=3", "model.M=1, 2",
                                                   "model.xi=0.6, 4"]),
    "emft_chain": ("inputs/emft_symmetric.ini", ["model.N=100, 1000"]),
    "emft_lattice": ("inputs/emft_fig4.ini", ["model.R=5"]),
}

MATRIX_MARKET = """[run]
seed = 3
realizations = 2
[model]
type = matrix_market
file = {mtx}
[eigen]
nev = 3
[output]
file = unused.h5
"""


def table(path):
    """scripts/qbath_table.py --all, parsed: {point index: {column: text}}."""
    out = subprocess.run([sys.executable, os.path.join(SOURCE, "scripts", "qbath_table.py"), path,
                          "--all"], capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.splitlines() if l and not l.startswith("#")]
    header = re.split(r"\s{2,}", lines[0].strip())
    rows = {}
    for l in lines[1:]:
        cells = re.split(r"\s{2,}", l.strip())
        rows[int(cells[0])] = dict(zip(header, cells))
    return header, rows


def formatted(ds, col, index):
    """The table's text for column col at point index, from the Dataset."""
    pos = tuple(int(i[0]) for i in np.nonzero(ds.point_index.values == index))
    sweep = ds.point_index.dims
    m = ds[col].values[pos] if ds[col].dims[:len(sweep)] == sweep else None
    e = ds[col + "_err"].values[pos]
    if np.ndim(m) == 0:
        return "%.8g ± %.3g" % (float(m), float(e))
    m = np.asarray(m)
    n = m.size
    while n > 0 and np.isnan(m[n - 1]):   # NaN padding of shorter points
        n -= 1
    return "[%.4g .. %.4g] (%d)" % (m[0], m[n - 1], n)


def check_against_table(path):
    ds = qbath.load(path)
    header, rows = table(path)
    assert len(rows) == ds.attrs["npoints"] == ds.point_index.size
    checked = 0
    for index, row in rows.items():
        for col in header:
            if col == "point" or "." in col:        # swept-key columns
                continue
            assert formatted(ds, col, index) == row[col], (path, index, col)
            checked += 1
        for key in (c for c in header if "." in c):
            pos = tuple(int(i[0]) for i in np.nonzero(ds.point_index.values == index))
            want = row[key]
            got = ds[key].values[pos[0]] if ds[key].dims == ("point",) else \
                ds[key].values[pos[ds.point_index.dims.index(key)]]
            assert (got == want) if isinstance(got, str) else (got == float(want)), (key, got, want)
    assert checked > 0
    return ds


@pytest.mark.parametrize("model", sorted(CASES))
def test_load_matches_table(model, tmp_path, source):
    inp, sets = CASES[model]
    if inp is None:
        mtx = os.path.join(source, "tests", "data", "real_symmetric.mtx")
        inp = str(tmp_path / "mm.ini")
        with open(inp, "w") as fh:
            fh.write(MATRIX_MARKET.format(mtx=mtx))
        sets = []
    else:
        inp = os.path.join(source, inp)
    out = str(tmp_path / (model + ".h5"))
    args = ["run", "--quiet"] + [a for s in sets for a in ("--set", s)] + \
        ["--set", "output.file=" + out, inp]
    run_cli(args)
    ds = check_against_table(out)
    assert ds.attrs["model"] == model
    assert "input_text" in ds.attrs and ds.attrs["git_commit"]


def test_models_covered():
    """Every registered model has a case above (a new model needs one)."""
    missing = sorted(set(qbath.models()) - set(CASES))
    assert not missing, "add a small input for %s to CASES" % missing


def test_shipped_quickstart_file():
    """The quick start's own result file, when scripts/run.sh has made it."""
    path = os.path.join(SOURCE, "outputs", "fgr_quickstart.h5")
    if not os.path.exists(path):
        pytest.skip("outputs/fgr_quickstart.h5 not made yet (scripts/run.sh)")
    ds = check_against_table(path)
    # Eq. (4) of the FGR paper sits on the gamma axis next to the measured P_res.
    assert ds["theory_P_res_eq4"].dims == ("model.gamma",)


def test_journal_equals_file(tmp_path, source):
    """keep_journal leaves the journal of a finished run: read as a running campaign's
    partial result it has every row, the same means, and errors equal to the file's up to
    the rounding of d*d (C contracts it into an FMA; the order of the sums is the same)."""
    out = str(tmp_path / "q.h5")
    run_cli(["run", "--quiet", "--set", "run.realizations=6", "--set", "model.gamma=1, 10",
             "--set", "output.keep_journal=true",
             "--set", "output.file=" + out, os.path.join(source, "inputs", "fgr_quickstart.ini")])
    full, part = qbath.load(out), qbath.load(out + ".journal")
    assert part.attrs["complete"] == 0 and full.attrs["complete"] == 1
    for v in part.data_vars:
        a, b = full[v].values, part[v].values
        if v.endswith("_err"):
            np.testing.assert_allclose(b, a, rtol=4 * np.finfo(float).eps)
        else:
            np.testing.assert_array_equal(b, a, err_msg=v)
    # A torn journal (a kill mid-write) gives the records before the tear: fewer rows.
    j = out + ".journal"
    data = open(j, "rb").read()
    torn = str(tmp_path / "torn.h5")
    with open(torn + ".journal", "wb") as fh:
        fh.write(data[: len(data) * 2 // 3])
    part = qbath.load(torn)
    n = part["n_done"].values
    assert 0 < n.sum() < full["n_done"].values.sum()
    done = part["done"].values.astype(bool)
    rows = part["P_res_ipr_rows"].values
    for i in range(n.size):
        sel = rows[i][done[i]]
        if sel.size:
            assert part["P_res_ipr"].values[i] == pytest.approx(sel.mean(), rel=1e-14)
