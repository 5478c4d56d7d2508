"""qbath from Python: results as labelled arrays, campaigns from dicts, and the library's
operators and solvers on numpy arrays.

    import qbath
    ds = qbath.load("outputs/fgr_quickstart.h5")        # xarray Dataset
    ds = qbath.run({"run": {...}, "model": {...}, "output": {...}})
    H = qbath.Operator.from_terms(12, ["XX:0.25", "YY:0.25", "ZZ:0.25", "Z:0.5*W:uniform"],
                                  params={"W": 3}, seed=1)

Campaigns (run) go through the built `qbath` CLI in a subprocess (its progress lines are
shown, its messages become exceptions); validation, key discovery, result layouts and
the numerical functions call libqbath.so in-process through cffi (ABI mode).
"""
from ._capi import InputError, NotConvergedError, QbathError
from .results import load, read_journal
from .campaign import keys, models, run, to_ini, validate
from .linalg import (Operator, beta_hermite, entanglement_entropy, gse, goe, gue, version)

__all__ = ["load", "read_journal", "run", "validate", "keys", "models", "to_ini", "Operator",
           "entanglement_entropy", "goe", "gue", "gse", "beta_hermite", "version",
           "QbathError", "InputError", "NotConvergedError"]
