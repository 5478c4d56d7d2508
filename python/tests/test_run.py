"""qbath.run / validate / keys: campaigns from dicts with the CLI's validation messages."""
import os

import numpy as np
import pytest

import qbath

# A small real model, swept over three values: the library (libqbath.so) knows only the
# models users run; the runner's test model is in the test CLI alone.
RMT = {"run": {"seed": 7, "realizations": 5},
       "model": {"type": "random_matrix", "scale": [0.5, 1.0, 2.0], "N": 8, "bins": 4}}


def listing(d):
    return sorted(os.listdir(d))


def test_bad_key_raises_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = {"run": {"seed": 1, "realizations": 2},
           "model": {"type": "random_matrix", "N": 8, "bnis": 4},       # misspelt
           "output": {"file": "out/rmt.h5"}}
    before = listing(tmp_path)
    with pytest.raises(qbath.InputError) as e:
        qbath.run(cfg, progress=False)
    msg = str(e.value)
    assert "bnis" in msg and "did you mean 'bins'" in msg, msg
    assert msg.startswith("<config>:")            # the generated file's line, not a temp path
    assert listing(tmp_path) == before             # nothing written (no out/, no journal)
    # validate says the same without running anything
    with pytest.raises(qbath.InputError) as e2:
        qbath.validate(cfg)
    assert str(e2.value) == msg


def test_bad_value_names_key(tmp_path):
    with pytest.raises(qbath.InputError) as e:
        qbath.validate({**RMT, "run": {"seed": 1, "realizations": -3}, "output": {"file": "x.h5"}})
    assert "realizations" in str(e.value)


def test_run_dict_returns_dataset(tmp_path):
    lines = []
    out = tmp_path / "rmt.h5"
    ds = qbath.run({**RMT, "output": {"file": str(out)}}, progress=lines.append)
    assert out.exists() and not os.path.exists(str(out) + ".journal")
    assert ds.sizes["model.scale"] == 3 and ds.sizes["realization"] == 5
    assert any(l.startswith("qbath: wrote") for l in lines)        # progress went to the callback
    assert ds.attrs["input_text"].startswith("[run]")
    np.testing.assert_array_equal(ds["model.scale"].values, [0.5, 1.0, 2.0])
    # same input and seed: the same numbers (the runner's reproducibility)
    ds2 = qbath.run(qbath.to_ini({**RMT, "output": {"file": str(tmp_path / "b.h5")}}), progress=False)
    for v in ds.data_vars:
        np.testing.assert_array_equal(ds[v].values, ds2[v].values)


def test_run_without_output_uses_temporary_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ds = qbath.run(RMT, progress=False)
    assert ds.attrs["complete"] == 1 and listing(tmp_path) == []


def test_validate_and_keys():
    v = qbath.validate({**RMT, "output": {"file": "x.h5"}})
    assert v["model"] == "random_matrix" and v["npoints"] == 3 and v["realizations"] == 5
    k = qbath.keys("spin_chain")
    row = k[(k.section == "model") & (k.key == "terms")].iloc[0]
    assert row["default"] is None and row["sweepable"]
    assert set(k[k.section == "run"].key) >= {"seed", "realizations"}
    with pytest.raises(qbath.InputError, match="unknown model 'spin_chian'"):
        qbath.keys("spin_chian")
    assert "spin_chain" in qbath.models()
