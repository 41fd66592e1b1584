"""device='cuda' for real: every test here needs a CUDA device and is skipped
without one. Run them alone with ``python -m pytest -m cuda``."""

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from fast import NET_CLASSES, fast, output, targets

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def _data(estimator, clips):
    X, _ = clips
    if 5 not in getattr(estimator, "_input_ndims", (5,)):
        X = X.reshape(*X.shape[:2], -1)
    return X, targets(estimator, len(X))


@pytest.mark.parametrize("name", NET_CLASSES)
def test_cuda_every_class_fits_predicts_and_trains_on(name, clips):
    model = fast(name, device="cuda", max_epochs=2, warm_start=True)
    X, y = _data(model, clips)
    model.fit(X, y)
    assert all(p.is_cuda for p in model.net_.module_.parameters())
    on_gpu = output(model, X)
    assert np.isfinite(on_gpu).all()
    # the same seed on the CPU: the same model up to rounding (cuDNN convolutions
    # run in TF32 by default, and two epochs of training carry the differences)
    on_cpu = output(fast(name, device="cpu", max_epochs=2).fit(X, y), X)
    np.testing.assert_allclose(on_gpu, on_cpu, rtol=5e-2, atol=5e-2)
    # continued training keeps the module and Adam's state on the GPU
    module = model.net_.module_
    model.fit(X, y)
    assert model.net_.module_ is module and len(model.net_.history) == 4
    state = model.net_.optimizer_.state_dict()["state"][0]
    assert state["exp_avg"].is_cuda


@pytest.mark.parametrize("name", NET_CLASSES)
def test_cuda_auto_takes_the_gpu(name, clips):
    model = fast(name, device="auto")
    X, y = _data(model, clips)
    assert next(model.fit(X, y).net_.module_.parameters()).is_cuda


@pytest.mark.parametrize("name", ["FrameFlattener", *NET_CLASSES])
def test_cuda_fitted_model_round_trips_on_the_gpu(name, clips, tmp_path):
    skops = pytest.importorskip("skops.io")
    model = fast(name, device="cuda") if name != "FrameFlattener" else fast(name)
    X, y = _data(model, clips)
    model.fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(output(restored, X), output(model, X))
    skops.dump(model, tmp_path / "m.skops")
    trusted = skops.get_untrusted_types(file=tmp_path / "m.skops")
    restored = skops.load(tmp_path / "m.skops", trusted=trusted)
    np.testing.assert_array_equal(output(restored, X), output(model, X))
    if name != "FrameFlattener":
        assert next(restored.net_.module_.parameters()).is_cuda


_LOAD_WITHOUT_CUDA = textwrap.dedent(
    """
    import pickle, sys, warnings
    import numpy as np, torch
    assert not torch.cuda.is_available()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = pickle.load(open(sys.argv[1], "rb"))
    assert any("no CUDA devices are available" in str(w.message) for w in caught)
    assert model.net_.device == "cpu"
    X = np.load(sys.argv[2])
    methods = ("predict_proba", "predict", "transform")
    method = next(m for m in methods if hasattr(model, m))
    np.save(sys.argv[3], getattr(model, method)(X))
    """
)


@pytest.mark.parametrize("name", NET_CLASSES)
def test_cuda_fitted_model_predicts_in_a_process_without_a_gpu(name, clips, tmp_path):
    model = fast(name, device="cuda")
    X, y = _data(model, clips)
    model.fit(X, y)
    on_gpu = output(model, X)
    with open(tmp_path / "model.pkl", "wb") as f:
        pickle.dump(model, f)
    np.save(tmp_path / "X.npy", X)
    paths = [str(tmp_path / n) for n in ("model.pkl", "X.npy", "out.npy")]
    subprocess.run(
        [sys.executable, "-c", _LOAD_WITHOUT_CUDA, *paths],
        check=True,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
    )
    # the same weights, other kernels: cuDNN's LSTM and the CPU's round
    # differently (up to 2e-4 seen on an H200)
    np.testing.assert_allclose(np.load(paths[2]), on_gpu, rtol=1e-3, atol=1e-3)
