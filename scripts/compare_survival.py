#!/usr/bin/env python3
"""Compares the two engines' survival probability in a qbath result file: per point, the
largest |survival - survival_eig| over realizations and times, and the late-time mean of
P(t) against the eigenpairs' infinite-time average (survival_eig_inf).
Usage: scripts/compare_survival.py RESULT.h5"""
import sys

try:
    import h5py
    import numpy as np
except ImportError:  # a pyenv python without Debian's packages
    import os
    os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)


def main(path):
    with h5py.File(path, "r") as f:
        for name in sorted(f["points"]):
            g = f["points"][name]
            prop, eig = g["rows/survival"][...], g["rows/survival_eig"][...]
            late = prop[:, prop.shape[1] // 2:].mean()
            inf = g["rows/survival_eig_inf"][...].mean()
            params = ", ".join(f"{k}={g.attrs[k]}" for k in ("model.L", "model.W") if k in g.attrs)
            print(f"{name} {params}: R={prop.shape[0]} nt={prop.shape[1]} "
                  f"max|P_prop-P_eig|={np.abs(prop - eig).max():.2e} "
                  f"late-time P={late:.4e} sum w^2={inf:.4e}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
