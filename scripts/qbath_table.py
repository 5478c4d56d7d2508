#!/usr/bin/python3
"""qbath_table.py FILE.h5 [--all] — print a qbath result file's points and reduced
observables (mean ± standard error) as a table.

Scalar observables (length-1 datasets under /points/pNNNNNN/mean) are shown; with --all,
array observables are summarized by their first and last element. Run with the system
python (/usr/bin/python3), which has h5py."""
import sys

import h5py


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 2 if len(argv) < 2 else 0
    show_all = "--all" in argv[2:]
    with h5py.File(argv[1], "r") as f:
        a = f.attrs
        print("# %s: model %s, %s points x %s realizations, seed %s, qbath %s (%s)" % (
            text(a.get("name", "?")), text(a.get("model", "?")), a.get("npoints", "?"),
            a.get("realizations", "?"), a.get("seed", "?"), text(a.get("version", "?")),
            text(a.get("git_commit", "?"))))
        points = sorted(f["points"].keys())
        swept = [k for k in text(a.get("swept_keys", "")).split(",") if k]
        rows, cols = [], []
        for name in points:
            g = f["points"][name]
            means, errs = g["mean"], g["err"]
            row = {"point": str(g.attrs["index"])}
            for k in swept:
                v = g.attrs.get(k)
                row[k] = text(v) if not hasattr(v, "__len__") or isinstance(v, (bytes, str)) else \
                    ",".join("%g" % x for x in v)
            for obs in means.keys():
                m, e = means[obs][()], errs[obs][()]
                if m.size == 1:
                    row[obs] = "%.8g ± %.3g" % (float(m.ravel()[0]), float(e.ravel()[0]))
                elif show_all:
                    row[obs] = "[%.4g .. %.4g] (%d)" % (m[0], m[-1], m.size)
                else:
                    continue
                if obs not in cols:
                    cols.append(obs)
            rows.append(row)
        header = ["point"] + swept + cols
        width = {h: max(len(h), *(len(r.get(h, "")) for r in rows)) for h in header}
        print("  ".join(h.ljust(width[h]) for h in header))
        for r in rows:
            print("  ".join(r.get(h, "").ljust(width[h]) for h in header))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
