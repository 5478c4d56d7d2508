"""campaign.py — campaigns from Python: a dict (or INI text) becomes an input file, is
validated with the CLI's own messages, run by the `qbath` CLI, and loaded.

Why the CLI runs the campaign (a subprocess) rather than libqbath in this process: the
runner's guarantees (journal, atomic result file, resume, exit codes, progress lines) are
the CLI's, and a Ctrl-C or a crash in a long run cannot take the Python session with it.
Its exit status 2 (bad input, nothing written) becomes InputError, 1 QbathError, each
carrying the CLI's message ("FILE:LINE: [section] key ...: did you mean ...").
Validation and key discovery call libqbath in-process (the same qb_campaign_load the CLI
calls), so their messages are the CLI's too.
"""
import collections.abc
import os
import subprocess
import sys
import tempfile

import numpy as np

from . import _capi
from .results import load

SECTIONS = ("run", "model", "eigen", "evolve", "spectral", "output")


def _value(v):
    """One INI value: lists and arrays sweep (comma-joined), bools as true/false."""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
    if isinstance(v, (list, tuple, np.ndarray)):
        return ", ".join(_value(x) for x in v)
    return str(v)


def to_ini(config):
    """INI text of a config: {"section": {"key": value}} or {"section.key": value}
    (mixable). A list value sweeps the key; a string is written as is (e.g.
    "logspace(0.01, 100, 20)" or a *_list key's "1, 2 | 1, 2, 4")."""
    if isinstance(config, str):
        return config
    secs = collections.OrderedDict()
    for k, v in config.items():
        if isinstance(v, collections.abc.Mapping):
            secs.setdefault(k, collections.OrderedDict()).update(v)
        else:
            sec, dot, key = k.partition(".")
            if not dot:
                raise _capi.InputError("config key '%s': expected a section dict or 'section.key'"
                                       % k, _capi.QB_ERR_INPUT)
            secs.setdefault(sec, collections.OrderedDict())[key] = v
    lines = []
    for sec, kv in secs.items():
        lines.append("[%s]" % sec)
        lines += ["%s = %s" % (k, _value(v)) for k, v in kv.items()]
    return "\n".join(lines) + "\n"


class _Input:
    """The config as an input file: the caller's own file, or a temporary one (removed on
    exit) whose path is replaced by '<config>' in messages."""

    def __init__(self, config):
        self.tmp = None
        if isinstance(config, (str, os.PathLike)) and not str(config).lstrip().startswith("[") \
                and "\n" not in str(config) and os.path.exists(config):
            self.path, self.text = os.fspath(config), open(config).read()
        else:
            self.text = to_ini(config)
            self.tmp = tempfile.TemporaryDirectory(prefix="qbath-input-")
            self.path = os.path.join(self.tmp.name, "config.ini")
            with open(self.path, "w") as fh:
                fh.write(self.text)

    def message(self, msg):
        return msg.replace(self.path, "<config>") if self.tmp else msg

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.tmp:
            self.tmp.cleanup()


def _sets(sets, output=None):
    out = ["%s=%s" % (k, _value(v)) for k, v in (sets or {}).items()] if isinstance(sets, dict) \
        else list(sets or [])
    if output is not None:
        out.append("output.file=%s" % os.fspath(output))
    return out


def _raise(inp, code, msg):
    msg = inp.message(msg)
    cls = _capi.InputError if code == _capi.QB_ERR_INPUT else _capi.QbathError
    e = cls(msg, code)
    e.input_text = inp.text
    raise e


def validate(config, sets=None):
    """Checks a config (dict, INI text or path) as `qbath validate` does; raises InputError
    with the CLI's message ("<config>:LINE: [section] key ...: did you mean ...") on bad
    input. Returns a summary dict: model, npoints, realizations, output, labels."""
    ffi, lib = _capi.ffi, _capi.lib()
    sets = _sets(sets)
    with _Input(config) as inp:
        keep = [ffi.new("char[]", s.encode()) for s in sets]
        cp, err = ffi.new("qb_campaign **"), _capi.new_err()
        st = lib.qb_api_campaign_load(inp.path.encode(), len(keep),
                                      ffi.new("const char *[]", keep) if keep else ffi.NULL, cp, err)
        if st != 0:
            _raise(inp, st, ffi.string(err.msg).decode(errors="replace"))
    c, buf = cp[0], ffi.new("char[]", 4096)
    try:
        n = lib.qb_api_campaign_npoints(c)
        return {"model": _capi.text(lib.qb_api_campaign_model(c)), "npoints": n,
                "realizations": lib.qb_api_campaign_realizations(c),
                "output": _capi.text(lib.qb_api_campaign_output(c)),
                "labels": [_capi.text(lib.qb_api_campaign_label(c, p, buf, 4096)) for p in range(n)]}
    finally:
        lib.qb_api_campaign_free(c)


def run(config, output=None, sets=None, threads=None, resume=False, progress=True,
        binary=None, cwd=None):
    """Runs a campaign and returns its result as qbath.load gives it.

    config   {"run": {...}, "model": {...}, ...} (a list value sweeps the key), INI text,
             or the path of an input file
    output   the result file ([output] file); None keeps the config's, and a config
             without one writes to a temporary directory (removed after loading)
    sets     overrides {"section.key": value} or ["section.key=value", ...]
    progress True: the CLI's progress lines on stderr; False: silent; a callable gets
             each line
    A bad key raises InputError naming it (with the CLI's did-you-mean) before anything
    is written. The CLI binary: `binary`, $QBATH_BINARY, or the build next to libqbath."""
    sets = _sets(sets, output)
    tmp_out = None
    with _Input(config) as inp:
        if output is None and not any(s.startswith("output.file=") for s in sets) \
                and "file" not in _output_keys(inp.text):
            tmp_out = tempfile.TemporaryDirectory(prefix="qbath-result-")
            sets.append("output.file=%s" % os.path.join(tmp_out.name, "result.h5"))
        cmd = [binary or _capi.binary_path(), "run"]
        for s in sets:
            cmd += ["--set", s]
        if threads:
            cmd += ["--threads", str(int(threads))]
        if resume:
            cmd.append("--resume")
        if progress is False:
            cmd.append("--quiet")
        result = _drive(cmd, inp, progress, cwd)
        try:
            out = result if os.path.isabs(result) else os.path.join(cwd or os.getcwd(), result)
            return load(out)
        finally:
            if tmp_out:
                tmp_out.cleanup()


def _output_keys(text):
    keys, sec = set(), None
    for line in text.splitlines():
        s = line.split("#")[0].split(";")[0].strip()
        if s.startswith("["):
            sec = s.strip("[]").strip()
        elif "=" in s and sec == "output":
            keys.add(s.split("=")[0].strip())
    return keys


def _drive(cmd, inp, progress, cwd):
    """Runs the CLI, passing its progress lines on; returns the result file it wrote."""
    cmd = cmd + [inp.path]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    messages = []
    for line in proc.stderr:
        messages.append(line.rstrip("\n"))
        if callable(progress):
            progress(line.rstrip("\n"))
        elif progress:
            sys.stderr.write(inp.message(line))
            sys.stderr.flush()
    stdout = proc.stdout.read()
    rc = proc.wait()
    if rc != 0:
        errs = [m[len("qbath: "):] for m in messages if m.startswith("qbath: ")] or messages[-3:]
        _raise(inp, _capi.QB_ERR_INPUT if rc == 2 else 1, "\n".join(errs) or "qbath exited with %d" % rc)
    for m in messages:
        if m.startswith("qbath: wrote "):
            return m[len("qbath: wrote "):].split(" (")[0]
        if m.startswith("qbath: ") and m.endswith(" is already complete"):
            return m[len("qbath: "):-len(" is already complete")]
    # --quiet prints no "wrote" line: ask the library where the output went.
    return validate(inp.path, [cmd[i + 1] for i, a in enumerate(cmd[:-1]) if a == "--set"])["output"]


def models():
    """The registered model names."""
    lib, ffi = _capi.lib(), _capi.ffi
    names, p = [], lib.qb_api_models()
    i = 0
    while p[i] != ffi.NULL:
        names.append(ffi.string(p[i]).decode())
        i += 1
    return names


def keys(model=None):
    """Every input key the model accepts (runner keys first; model None: the runner's
    only) as a pandas DataFrame: section, key, type, default (None = required), min,
    max, choices, unit, sweepable, doc — what `qbath help keys MODEL` prints."""
    import pandas as pd
    ffi, lib = _capi.ffi, _capi.lib()
    m = (model or "").encode()
    err = _capi.new_err()
    n = lib.qb_api_key_count(m, err)
    if n < 0:
        _capi.check(_capi.QB_ERR_INPUT, err)
    k, rows = ffi.new("qb_api_key *"), []
    for i in range(n):
        _capi.call(lib.qb_api_key_get, m, i, k)
        rows.append({"section": _capi.text(k.section), "key": _capi.text(k.name),
                     "type": _capi.text(k.type), "default": _capi.text(getattr(k, "def")),
                     "min": k.min, "max": k.max, "choices": _capi.text(k.choices),
                     "unit": _capi.text(k.unit), "sweepable": bool(k.sweepable),
                     "doc": _capi.text(k.doc)})
    return pd.DataFrame(rows)
