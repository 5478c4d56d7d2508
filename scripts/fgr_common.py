"""Helpers shared by the FGR figure scripts: read a qbath level_dot result file."""
import h5py
import numpy as np


def points(path, rows=False):
    """List of dicts, one per sweep point: attrs, mean, err, theory, axes (numpy arrays);
    with rows=True also the finished per-realization rows (dict of (R, n) arrays)."""
    out = []
    with h5py.File(path, "r") as f:
        for name in sorted(f["points"]):
            g = f["points"][name]
            d = {"attrs": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}}
            for sec in ("mean", "err", "theory", "axes"):
                d[sec] = {k: np.array(g[sec][k]) for k in g[sec]} if sec in g else {}
            if rows and "rows" in g:
                done = np.array(g["done"], dtype=bool)
                d["rows"] = {k: np.array(g["rows"][k])[done] for k in g["rows"]}
            out.append(d)
    return out


def curve(p, log=False):
    """(tau, mean P, err P, Eq. (5), Eq. (6)) on the linear or log grid."""
    s = "_log" if log else ""
    ax = p["axes"]["tau_log" if log else "tau"]
    return ax, p["mean"]["P" + s], p["err"]["P" + s], p["theory"]["P_eq5" + s], p["theory"]["P_eq6" + s]
