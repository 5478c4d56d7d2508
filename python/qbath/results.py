"""results.py — qbath.load: a result file (or a running campaign's journal) as an
xarray Dataset.

Layout of the Dataset (file format: docs/campaign.md, "Result file"):
  dimensions   one per swept key ("model.gamma", ...) when the sweep points form their
               cartesian product (the usual sweep), else one dimension "point" with the
               swept keys as coordinates on it ([run] zip); "realization" for rows; one
               per axis the columns are sampled on ("tau", ...); "<col>_index" for a
               column of several values without an axis
  variables    <col> (mean), <col>_err (standard error of the mean), <col>_rows (every
               realization's value; NaN where not done), done (0/1 per realization),
               n_done (realizations done per point), theory_<name> (closed forms on the
               same axes); derived columns (model-computed from all rows) as <col> and
               <col>_err
  coordinates  the axes' values (a per-point variable axis_<name> instead when the grid
               differs between points), point (the point index) and label
  attrs        the root attributes of the file: input_text, version, git_commit,
               seed, realizations, start_time, ... and complete = 1 (0 for a journal)

A journal (FILE.journal, written while `qbath run` is going) holds the input text and
the finished rows; load() asks libqbath for each point's layout (one point_create per
point) and reduces the rows done so far itself, in realization order as the runner does.
Derived columns need all rows and are absent from a partial result.
"""
import os
import struct
import tempfile

import h5py
import numpy as np
import xarray as xr

from . import _capi


def _s(v):
    return v.decode() if isinstance(v, bytes) else v


def _attr(v):
    """An HDF5 attribute as a plain Python value."""
    v = _s(v)
    if isinstance(v, np.ndarray):
        return v.item() if v.size == 1 else v
    if isinstance(v, np.generic):
        return v.item()
    return v


# ---- one point, read from a file or reduced from a journal ---------------------------------

class _Point:
    """What one sweep point holds: params, axes, per-column rows/mean/err, theory."""

    def __init__(self):
        self.index = 0
        self.label = ""
        self.params = {}      # swept key -> value
        self.axes = {}        # axis name -> values
        self.col_axis = {}    # column name -> axis name ("" none); rows, derived, theory
        self.rows = {}        # column -> [R, len]
        self.done = None      # [R] uint8
        self.mean, self.err, self.theory = {}, {}, {}


def _read_group(g, sub, axis_of, out):
    if sub not in g:
        return
    for name, d in g[sub].items():
        out[name] = np.asarray(d[()], dtype=float)
        axis_of[name] = _s(d.attrs.get("axis", ""))


def _points_from_file(f, swept):
    pts = []
    for name in sorted(f["points"].keys()):
        g = f["points"][name]
        p = _Point()
        p.index = int(g.attrs["index"])
        p.label = _s(g.attrs.get("label", ""))
        p.params = {k: _attr(g.attrs[k]) for k in swept if k in g.attrs}
        if "axes" in g:
            p.axes = {a: np.asarray(d[()], dtype=float) for a, d in g["axes"].items()}
        _read_group(g, "rows", p.col_axis, p.rows)
        _read_group(g, "mean", p.col_axis, p.mean)
        _read_group(g, "err", p.col_axis, p.err)
        _read_group(g, "theory", p.col_axis, p.theory)
        p.done = np.asarray(g["done"][()], dtype=np.uint8) if "done" in g else None
        pts.append(p)
    return pts


# ---- journal ---------------------------------------------------------------------------------

_MAGIC = b"QBJRNL01"
_RECORD = struct.Struct("<IIQIIQ")   # magic, point_lo, realization, nvals, point_hi, checksum
_RECORD_MAGIC = 0x51424A52
_FNV_PRIME, _FNV_BASIS, _MASK = 1099511628211, 1469598103934665603, (1 << 64) - 1


def _fnv(h, data):
    """FNV-1a over 8-byte little-endian words, then the tail bytes (journal.c)."""
    n8 = len(data) // 8 * 8
    for (w,) in struct.iter_unpack("<Q", data[:n8]):
        h = ((h ^ w) * _FNV_PRIME) & _MASK
    for b in data[n8:]:
        h = ((h ^ b) * _FNV_PRIME) & _MASK
    return h


def read_journal(path):
    """(input text, start time, {(point, realization): row}) of the valid records; the
    scan stops at the first torn or bad record, as a resume does."""
    with open(path, "rb") as fh:
        data = fh.read()
    if len(data) < 32 or data[:8] != _MAGIC:
        raise _capi.QbathError("%s: not a qbath journal" % path, 3)
    tlen, _, t0 = struct.unpack_from("<QQd", data, 8)
    text = data[32:32 + tlen].decode()
    pos, rows = 32 + tlen, {}
    while pos + _RECORD.size <= len(data):
        magic, plo, real, nvals, phi, csum = _RECORD.unpack_from(data, pos)
        end = pos + _RECORD.size + 8 * nvals
        if magic != _RECORD_MAGIC or end > len(data):
            break
        payload = data[pos + _RECORD.size:end]
        h = _FNV_BASIS
        for part in (struct.pack("<I", plo), struct.pack("<I", phi), struct.pack("<Q", real),
                     struct.pack("<I", nvals), payload):
            h = _fnv(h, part)
        if h != csum:
            break
        rows.setdefault((plo | (phi << 32), real), np.frombuffer(payload, dtype="<f8"))
        pos = end
    return text, t0, rows


def _overrides(text):
    """The --set overrides the runner appended to the input text as comments."""
    return [l[len("# --set "):].strip() for l in text.splitlines() if l.startswith("# --set ")
            and "overrides:" not in l]


def _reduce(rows):
    """Mean and standard error over realizations in order (run.c's reduce)."""
    n = rows.shape[0]
    mean = np.zeros(rows.shape[1])
    for r in rows:
        mean += r
    mean /= n
    ss = np.zeros(rows.shape[1])
    for r in rows:
        ss += (r - mean) ** 2
    se = np.sqrt(ss / (n * (n - 1.0))) if n > 1 else np.full(rows.shape[1], np.nan)
    return mean, se


def _parse_label(label):
    out = {}
    for item in label.split():
        k, _, v = item.partition("=")
        try:
            out[k] = float(v)
        except ValueError:
            out[k] = v
    return out


def _points_from_journal(path, text):
    ffi, lib = _capi.ffi, _capi.lib()
    _, t0, records = read_journal(path)
    sets = _overrides(text)
    with tempfile.TemporaryDirectory() as d:
        ini = os.path.join(d, "journal_input.ini")
        with open(ini, "w") as fh:
            fh.write(text)
        keep = [ffi.new("char[]", s.encode()) for s in sets]
        csets = ffi.new("const char *[]", keep) if keep else ffi.NULL
        cp = ffi.new("qb_campaign **")
        _capi.call(lib.qb_api_campaign_load, ini.encode(), len(sets), csets, cp)
    c = cp[0]
    try:
        R = lib.qb_api_campaign_realizations(c)
        pts, swept = [], []
        buf = ffi.new("char[]", 4096)
        for pi in range(lib.qb_api_campaign_npoints(c)):
            p = _Point()
            p.index = pi
            p.label = _capi.text(lib.qb_api_campaign_label(c, pi, buf, 4096))
            p.params = _parse_label(p.label)
            swept = list(p.params)
            _fill_from_layout(c, p, R, records)
            pts.append(p)
        attrs = {"model": _capi.text(lib.qb_api_campaign_model(c)), "realizations": R,
                 "npoints": len(pts), "swept_keys": ",".join(swept)}
    finally:
        lib.qb_api_campaign_free(c)
    return pts, swept, attrs, t0


def _fill_from_layout(c, p, R, records):
    ffi, lib = _capi.ffi, _capi.lib()
    pp = ffi.new("qb_api_point **")
    _capi.call(lib.qb_api_point_open, c, p.index, pp)
    pt = pp[0]
    try:
        name, ln, axis = ffi.new("const char **"), ffi.new("qb_idx *"), ffi.new("const char **")
        vals = ffi.new("const double **")
        for i in range(lib.qb_api_point_naxes(pt)):
            _capi.call(lib.qb_api_point_axis, pt, i, name, ln, vals)
            p.axes[_capi.text(name[0])] = np.frombuffer(ffi.buffer(vals[0], 8 * ln[0]), float).copy()

        def cols(kind):
            out = []
            for i in range(lib.qb_api_point_ncols(pt, kind)):
                _capi.call(lib.qb_api_point_col, pt, kind, i, name, ln, axis)
                out.append((_capi.text(name[0]), ln[0], _capi.text(axis[0])))
                p.col_axis[out[-1][0]] = out[-1][2]
            return out

        rowcols, theory = cols(0), cols(2)
        rowlen = sum(n for _, n, _ in rowcols)
        full = np.full((R, rowlen), np.nan)
        p.done = np.zeros(R, np.uint8)
        for (pi, r), row in records.items():
            if pi == p.index and r < R and row.size == rowlen:
                full[r] = row
                p.done[r] = 1
        done_rows = full[p.done.astype(bool)]
        mean, se = _reduce(done_rows) if len(done_rows) else (np.full(rowlen, np.nan),) * 2
        off = 0
        for cname, n, _ in rowcols:
            p.rows[cname] = full[:, off:off + n]
            p.mean[cname], p.err[cname] = mean[off:off + n], se[off:off + n]
            off += n
        if theory:
            tv = ffi.new("double[]", sum(n for _, n, _ in theory))
            _capi.call(lib.qb_api_point_theory, pt, tv)
            off = 0
            for cname, n, _ in theory:
                p.theory[cname] = np.array([tv[off + k] for k in range(n)])
                off += n
    finally:
        lib.qb_api_point_close(pt)


# ---- the Dataset -------------------------------------------------------------------------------

def _grid(pts, swept):
    """Sweep dims: (names, shape, position of each point) — a product grid when the points
    cover every combination of the swept values exactly once, else one 'point' dim."""
    if swept:
        values = [sorted({p.params.get(k) for p in pts}, key=lambda v: (isinstance(v, str), v))
                  for k in swept]
        shape = tuple(len(v) for v in values)
        pos = [tuple(values[i].index(p.params.get(k)) for i, k in enumerate(swept)) for p in pts]
        if int(np.prod(shape)) == len(pts) and len(set(pos)) == len(pts):
            return list(swept), shape, pos, {k: values[i] for i, k in enumerate(swept)}
    return ["point"], (len(pts),), [(i,) for i in range(len(pts))], None


def _stack(pts, dims, shape, pos, get, trailing):
    """A variable over the sweep dims (+ trailing dims) from get(point) arrays, NaN-padded
    where lengths differ between points."""
    arrs = [get(p) for p in pts]
    if all(a is None for a in arrs):
        return None
    tshape = tuple(max((a.shape[i] for a in arrs if a is not None), default=0)
                   for i in range(len(trailing)))
    out = np.full(shape + tshape, np.nan)
    for a, ix in zip(arrs, pos):
        if a is not None:
            out[ix + tuple(slice(0, s) for s in a.shape)] = a
    return out


def _dataset(pts, swept, attrs):
    dims, shape, pos, coords_vals = _grid(pts, swept)
    ds = xr.Dataset(attrs=attrs)
    if coords_vals:
        for k, v in coords_vals.items():
            ds.coords[k] = (k, np.array(v, dtype=object if any(isinstance(x, str) for x in v) else float))
    else:
        for k in swept:
            ds.coords[k] = ("point", np.array([p.params.get(k) for p in pts]))
    ds.coords["point_index"] = (dims, _stack(pts, dims, shape, pos, lambda p: np.array(p.index), ()).astype(int))
    labels = np.empty(shape, dtype=object)
    for p, ix in zip(pts, pos):
        labels[ix] = p.label
    ds.coords["label"] = (dims, labels)
    # Axes: one coordinate when equal on every point, else a per-point variable.
    axis_names = sorted({a for p in pts for a in p.axes})
    for a in axis_names:
        vals = [p.axes.get(a) for p in pts]
        if all(v is not None and v.shape == vals[0].shape and np.array_equal(v, vals[0]) for v in vals):
            ds.coords[a] = (a, vals[0])
        else:
            ds["axis_" + a] = (dims + [a], _stack(pts, dims, shape, pos, lambda p: p.axes.get(a), (a,)))

    def tdims(col):
        """Trailing dims of a column: its axis, or <col>_index for an axis-less vector."""
        ax = next((p.col_axis[col] for p in pts if p.col_axis.get(col)), "")
        if ax:
            return [ax]
        vec = any(d[col].size > 1 for p in pts for d in (p.mean, p.theory) if col in d)
        return [col + "_index"] if vec else []

    def getter(table, col, t, rows=False):
        def get(p):
            v = getattr(p, table).get(col)
            if v is None or t:
                return v
            return v[:, 0] if rows else v.reshape(())
        return get

    for col in dict.fromkeys(c for p in pts for c in p.mean):
        t = tdims(col)
        ds[col] = (dims + t, _stack(pts, dims, shape, pos, getter("mean", col, t), t))
        ds[col + "_err"] = (dims + t, _stack(pts, dims, shape, pos, getter("err", col, t), t))
    for col in dict.fromkeys(c for p in pts for c in p.rows):
        t = tdims(col)
        ds[col + "_rows"] = (dims + ["realization"] + t,
                             _stack(pts, dims, shape, pos, getter("rows", col, t, True),
                                    ["realization"] + t))
    for col in dict.fromkeys(c for p in pts for c in p.theory):
        t = tdims(col)
        ds["theory_" + col] = (dims + t, _stack(pts, dims, shape, pos, getter("theory", col, t), t))
    if any(p.done is not None for p in pts):
        ds["done"] = (dims + ["realization"],
                      _stack(pts, dims, shape, pos, lambda p: p.done.astype(float), ["realization"]))
        ds["n_done"] = (dims, _stack(pts, dims, shape, pos, lambda p: np.array(float(p.done.sum())), ()))
    return ds


def load(path):
    """A qbath result as an xarray Dataset (see the module doc for its layout).

    path: a finished result file (FILE.h5), or a running (or killed) campaign's journal
    FILE.h5.journal; given FILE.h5 that does not exist yet but whose journal does, the
    journal is read (partial results: the rows done so far, attrs['complete'] = 0)."""
    path = os.fspath(path)
    if not path.endswith(".journal") and not os.path.exists(path) and os.path.exists(path + ".journal"):
        path += ".journal"
    if path.endswith(".journal"):
        text, t0, _ = read_journal(path)
        pts, swept, attrs, _ = _points_from_journal(path, text)
        attrs.update(input_text=text, complete=0, journal=path,
                     start_time_epoch=t0, format="qbath-result-1 (partial, from the journal)")
        return _dataset(pts, swept, attrs)
    with h5py.File(path, "r") as f:
        attrs = {k: _attr(v) for k, v in f.attrs.items()}
        swept = [k for k in str(attrs.get("swept_keys", "")).split(",") if k]
        pts = _points_from_file(f, swept)
    attrs["complete"] = 1
    return _dataset(pts, swept, attrs)
