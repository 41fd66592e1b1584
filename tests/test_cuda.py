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
from fast import NET_CLASSES, fast, fit_data, output

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device"),
]


def _close(actual, desired, tolerance):
    """Equal up to ``tolerance`` of the outputs' spread (the forecaster's frames
    are on the clips' 0-255 scale, the others' outputs near unit scale)."""
    atol = tolerance * max(1.0, float(np.ptp(desired)))
    np.testing.assert_allclose(actual, desired, rtol=tolerance, atol=atol)


@pytest.mark.parametrize("name", NET_CLASSES)
def test_cuda_every_class_fits_predicts_and_trains_on(name, clips):
    model = fast(name, device="cuda", max_epochs=2, warm_start=True)
    X, y = fit_data(model, clips[0])
    model.fit(X, y)
    assert all(p.is_cuda for p in model.net_.module_.parameters())
    on_gpu = output(model, X)
    assert np.isfinite(on_gpu).all()
    # the same seed on the CPU: the same model up to rounding (cuDNN convolutions
    # run in TF32 by default, and two epochs of training carry the differences)
    on_cpu = output(fast(name, device="cpu", max_epochs=2).fit(X, y), X)
    _close(on_gpu, on_cpu, 5e-2)
    # continued training keeps the module and Adam's state on the GPU
    module = model.net_.module_
    model.fit(X, y)
    assert model.net_.module_ is module and len(model.net_.history) == 4
    state = model.net_.optimizer_.state_dict()["state"][0]
    assert state["exp_avg"].is_cuda


@pytest.mark.parametrize("precision", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", NET_CLASSES)
def test_cuda_every_class_fits_and_predicts_in_low_precision(name, precision, clips):
    model = fast(name, device="cuda", max_epochs=2, precision=precision)
    X, y = fit_data(model, clips[0])
    low = output(model.fit(X, y), X)
    assert np.isfinite(low).all()
    if precision == "float16":  # the loss scale and its count are saved
        state = model.net_.grad_scaler_.state_dict()
        restored = pickle.loads(pickle.dumps(model))
        assert restored.net_.grad_scaler_.state_dict() == state
    # the same weights predicting in float32 (the fitted net's precision decides,
    # not set_params): low precision rounds, no more (2 epochs of 2 classes: the
    # probabilities lie near 0.5 either way)
    in_float32 = pickle.loads(pickle.dumps(model))
    in_float32.net_.precision = "float32"
    full = output(in_float32, X)
    _close(low, full, 5e-2)
    again = fast(name, device="cuda", max_epochs=2, precision=precision).fit(X, y)
    _close(output(again, X), low, 1e-2)


def test_cuda_convlstm_paths_agree_on_the_gpu():
    from sklearn_st.nn import ConvLSTMCell
    from sklearn_st.nn._convlstm import force_path

    torch.manual_seed(0)
    cell = ConvLSTMCell(in_channels=2, filters=4).cuda()
    x = torch.randn(3, 5, 2, 9, 8, device="cuda", requires_grad=True)
    outputs = []
    for path in ("fused", "batched"):
        with force_path(path):
            out = cell.sequence(x)
        outputs.append([out, *torch.autograd.grad(out.square().sum(), [x])])
    for fused, batched in zip(*outputs, strict=True):
        torch.testing.assert_close(fused, batched, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name", NET_CLASSES)
def test_cuda_auto_takes_the_gpu(name, clips):
    model = fast(name, device="auto")
    X, y = fit_data(model, clips[0])
    assert next(model.fit(X, y).net_.module_.parameters()).is_cuda


@pytest.mark.parametrize("name", ["FrameFlattener", *NET_CLASSES])
def test_cuda_fitted_model_round_trips_on_the_gpu(name, clips, tmp_path):
    skops = pytest.importorskip("skops.io")
    model = fast(name, device="cuda") if name != "FrameFlattener" else fast(name)
    X, y = fit_data(model, clips[0])
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
    import pathlib, pickle, sys, warnings
    import numpy as np, torch
    assert not torch.cuda.is_available()
    for path in sorted(pathlib.Path(sys.argv[1]).glob("*.pkl")):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = pickle.loads(path.read_bytes())
        assert any("no CUDA devices are available" in str(w.message) for w in caught)
        assert model.net_.device == "cpu"
        X = np.load(path.with_suffix(".X.npy"))
        methods = ("predict_proba", "predict", "transform")
        method = next(m for m in methods if hasattr(model, m))
        np.save(path.with_suffix(".out.npy"), getattr(model, method)(X))
    """
)
_WITHOUT_GPU = [(name, "float32") for name in NET_CLASSES] + [
    ("ConvLSTMRegressor", "float16"),
    ("LSTMClassifier", "bfloat16"),
]


@pytest.fixture(scope="module")
def loaded_without_gpu(clips, tmp_path_factory):
    """Each model of ``_WITHOUT_GPU`` fitted on the GPU, its output there, and
    its output after pickling and loading in one process that sees no GPU."""
    folder = tmp_path_factory.mktemp("without_gpu")
    on_gpu = {}
    for name, precision in _WITHOUT_GPU:
        model = fast(name, device="cuda", precision=precision)
        X, y = fit_data(model, clips[0])
        model.fit(X, y)
        on_gpu[name, precision] = output(model, X)
        path = folder / f"{name}-{precision}.pkl"
        path.write_bytes(pickle.dumps(model))
        np.save(path.with_suffix(".X.npy"), X)
    subprocess.run(
        [sys.executable, "-c", _LOAD_WITHOUT_CUDA, str(folder)],
        check=True,
        env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
    )
    return {
        key: (gpu, np.load(folder / f"{key[0]}-{key[1]}.out.npy"))
        for key, gpu in on_gpu.items()
    }


@pytest.mark.parametrize("name, precision", _WITHOUT_GPU)
def test_cuda_fitted_model_predicts_in_a_process_without_a_gpu(
    name, precision, loaded_without_gpu
):
    # one process loads every model (a process start costs seconds); a float16
    # model predicts in float32 on the CPU, a bfloat16 one in bfloat16
    on_gpu, on_cpu = loaded_without_gpu[name, precision]
    # the same weights, other kernels: cuDNN's LSTM and the CPU's round
    # differently (up to 2e-4 seen on an H200)
    tolerance = 1e-3 if precision == "float32" else 5e-2
    _close(on_cpu, on_gpu, tolerance)


def test_cuda_float16_clips_true_gradients_and_keeps_its_scale(clips):
    import skorch

    X, y = clips
    clip = skorch.callbacks.GradientNormClipping(1.0)
    model = fast(
        "ConvLSTMRegressor",
        device="cuda",
        precision="float16",
        max_epochs=6,
        lr=1e-2,
        callbacks=[clip],
    ).fit(X, y)
    # clipping at norm 1 of gradients still scaled by 2**16 would stall training
    loss = model.loss_curve_
    assert loss[-1] < 0.9 * loss[0], loss
    tracker = model.net_.grad_scaler_.state_dict()["_growth_tracker"]
    model.set_params(warm_start=True, max_epochs=1).fit(X, y)
    steps = -(-len(X) // model.batch_size)  # batches of one epoch
    grown = model.net_.grad_scaler_.state_dict()["_growth_tracker"]
    assert grown in (tracker + steps, 0)  # counted on, unless the scale just grew
