"""_capi.py — loads libqbath.so with cffi in ABI mode (dlopen: no compiler at import).

The declarations are read from the C header include/qbath/api.h itself (comments and
preprocessor lines stripped), so the header stays the one description of the API. Where
the library and header are looked for, first match wins:
  1. $QBATH_LIBRARY (a path to libqbath.so) and $QBATH_HEADER (a path to api.h);
  2. the copies a pip install put next to this file (qbath/_lib/);
  3. the source tree this package sits in: ../../build/libqbath.so, ../../include/qbath/api.h.
"""
import os
import re

import cffi

_HERE = os.path.dirname(os.path.abspath(__file__))
_TREE = os.path.dirname(os.path.dirname(_HERE))

# Types api.h takes from the library's other headers (qbath/err.h, qbath/types.h).
_PREAMBLE = """
typedef int qb_status;
typedef int64_t qb_idx;
typedef struct qb_err { qb_status code; const char *file; int line; char msg[1024]; } qb_err;
"""

STATUS_NAMES = {0: "ok", 1: "out of memory", 2: "bad input", 3: "I/O error",
                4: "dimension mismatch", 5: "numerical failure", 6: "unsupported",
                7: "not converged"}
QB_ERR_INPUT = 2
QB_NOT_CONVERGED = 7


class QbathError(Exception):
    """An error the qbath library (or CLI) reported; str() is its message."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code
        self.status = STATUS_NAMES.get(code, "error")


class InputError(QbathError, ValueError):
    """Bad input: a key, a value, a range ("file:line: [section] key ...")."""


class NotConvergedError(QbathError, ArithmeticError):
    """An iterative method did not meet its tolerance."""


def _find(env, installed, tree):
    for p in (os.environ.get(env), os.path.join(_HERE, "_lib", installed), os.path.join(_TREE, tree)):
        if p and os.path.exists(p):
            return p
    raise ImportError("qbath: %s not found (set $%s, or build the library first: scripts/build.sh "
                      "or scripts/test.sh; see python/README.md)" % (installed, env))


def library_path():
    return _find("QBATH_LIBRARY", "libqbath.so", os.path.join("build", "libqbath.so"))


def binary_path():
    """The qbath CLI next to the library ($QBATH_BINARY first)."""
    return _find("QBATH_BINARY", "qbath", os.path.join("build", "qbath"))


def _declarations(header):
    text = open(header).read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("#"))
    return _PREAMBLE + text


ffi = cffi.FFI()
ffi.cdef(_declarations(_find("QBATH_HEADER", "api.h", os.path.join("include", "qbath", "api.h"))))
_lib = None


def lib():
    """The loaded library (loaded on first use)."""
    global _lib
    if _lib is None:
        _lib = ffi.dlopen(library_path())
    return _lib


def new_err():
    return ffi.new("qb_err *")


def check(status, err):
    """Raises the exception for a failed library call, with the library's message."""
    if status == 0:
        return
    msg = ffi.string(err.msg).decode(errors="replace")
    cls = InputError if status == QB_ERR_INPUT else NotConvergedError if status == QB_NOT_CONVERGED \
        else QbathError
    raise cls(msg, status)


def call(fn, *args):
    """fn(*args, err) -> raises on failure."""
    err = new_err()
    check(fn(*args, err), err)


def text(p):
    return ffi.string(p).decode() if p != ffi.NULL else None
