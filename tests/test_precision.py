"""precision='bfloat16' on the CPU, and the ConvLSTM's computation paths under
autocast: correct gradients, reproducible fits, scores within 0.02 of float32."""

import warnings

import numpy as np
import pytest
import skorch
import torch
from fast import NET_CLASSES, fast, fit_data, output
from sklearn.base import is_classifier
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from test_nn import _reference_sequence

from sklearn_st import CNNFeatureExtractor, ConvLSTMRegressor, FrameFlattener
from sklearn_st.datasets import make_moving_digits
from sklearn_st.nn import ConvLSTMCell, LSTMNet
from sklearn_st.nn._convlstm import _path, force_path

# where the CPU emulates bfloat16 the fits say so; the tests know
pytestmark = pytest.mark.filterwarnings(
    "ignore:precision='bfloat16' on a CPU without native:UserWarning"
)


def _relative_error(got, expected):
    return ((got.double() - expected.double()).norm() / expected.double().norm()).item()


def test_convlstm_takes_the_fused_path_unless_forced():
    # measured faster on CPUs and on an H200 alike (see sklearn_st.nn._convlstm):
    # the choice takes no input, so no device changes it
    assert _path() == "fused"
    with force_path("batched"):
        assert _path() == "batched"
    assert _path() == "fused"
    with pytest.raises(ValueError, match="path must be one of"):
        force_path("fast").__enter__()


@pytest.mark.parametrize("path", ["fused", "batched"])
@pytest.mark.parametrize("in_channels, strides", [(1, 1), (3, 2), (9, 1)])
def test_convlstm_gradients_under_bfloat16_autocast(path, in_channels, strides):
    # Each path under bfloat16 autocast (the hand-written gate step included)
    # against the exact result (float64) and against autograd of the plain formula
    # run under the same autocast. bfloat16 keeps 8 bits of mantissa (2^-9 = 0.002
    # relative rounding a value); over 6 steps the plain formula's output and
    # gradients land 0.6-0.9% from the exact ones (relative norm), the paths,
    # whose gate math and cell state stay in float32, 0.3-0.7%. Tolerances: 1.5%
    # from the exact values, 2% from the plain formula, and no further from the
    # exact values than 1.2 times the plain formula.
    torch.manual_seed(0)
    cell = ConvLSTMCell(in_channels=in_channels, filters=4, strides=strides)
    x = torch.randn(4, 6, in_channels, 10, 9, requires_grad=True)
    weights = torch.randn(4, 6, 4, *cell.sequence(x).shape[-2:])
    params = [x, *cell.parameters()]

    def run(forward, autocast):
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            out = forward()
        loss = (out.float() * weights).sum()
        return [out, *torch.autograd.grad(loss, params)]

    with force_path(path):
        got = run(lambda: cell.sequence(x), autocast=True)
        full = run(lambda: cell.sequence(x), autocast=False)
    plain = run(lambda: _reference_sequence(cell, x, "same", strides), autocast=True)
    exact = run(
        lambda: _reference_sequence(cell.double(), x.double(), "same", strides),
        autocast=False,
    )
    cell.float()
    # the hidden states leave in bfloat16, as the next layer reads them (the cell
    # state and the gate math stay in float32)
    assert got[0].dtype == torch.bfloat16
    for g, p, e, f in zip(got, plain, exact, full, strict=True):
        assert _relative_error(g, e) < 1.5e-2
        assert _relative_error(g, e) <= 1.2 * _relative_error(p, e)
        assert _relative_error(g, p) < 2e-2
        # and it did compute in bfloat16: not float32's result
        assert _relative_error(g, f) > 1e-4


def test_lstm_net_runs_under_cpu_autocast():
    torch.manual_seed(0)
    net = LSTMNet(n_features=12, n_outputs=2)
    x = torch.randn(5, 4, 3, 2, 2)
    expected = net(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        got = net(x)
    got.float().sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    torch.testing.assert_close(got.float(), expected, rtol=3e-2, atol=3e-2)


@pytest.mark.parametrize("name", NET_CLASSES)
def test_every_class_fits_and_predicts_in_bfloat16_reproducibly(name, clips):
    X, y = fit_data(fast(name), clips[0])
    model = fast(name, precision="bfloat16", max_epochs=2).fit(X, y)
    out = output(model, X)
    assert np.isfinite(out).all()
    again = output(fast(name, precision="bfloat16", max_epochs=2).fit(X, y), X)
    np.testing.assert_array_equal(out, again)
    if not is_classifier(model):
        # the same seed in float32 trains a close, but not the same, model:
        # within 0.1 of targets of unit scale, 1% of frames forecast on 0-255
        in_float32 = output(fast(name, max_epochs=2).fit(X, y), X)
        assert not np.array_equal(out, in_float32)
        atol = max(0.1, 0.01 * np.abs(in_float32).max())
        np.testing.assert_allclose(out, in_float32, rtol=0.1, atol=atol)


def test_emulated_bfloat16_is_named_at_fit(clips, monkeypatch):
    from sklearn_st._facade import _training

    X, y = clips
    monkeypatch.setattr(_training, "cpu_has_native_bfloat16", lambda: False)
    with pytest.warns(UserWarning, match="without native bfloat16.*emulated"):
        fast("ConvLSTMRegressor", precision="bfloat16").fit(X, y)
    monkeypatch.setattr(_training, "cpu_has_native_bfloat16", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fast("ConvLSTMRegressor", precision="bfloat16").fit(X, y)


def test_float16_needs_cuda(clips):
    X, y = clips
    with pytest.raises(ValueError, match=r"float16.*needs a CUDA device.*bfloat16"):
        fast("ConvLSTMRegressor", precision="float16").fit(X, y)


# a learnable task: velocity of moving digits; 'direction' for the classifiers
_TASK = {"n_frames": 4, "frame_size": 12, "random_state": 0}
_LEARNABLE = {
    "LSTMRegressor": {"hidden_size": 32, "max_epochs": 30},
    "LSTMClassifier": {"hidden_size": 32, "max_epochs": 30},
    "CNNLSTMRegressor": {"channels": (8,), "n_features": 16, "max_epochs": 15},
    # 'flatten': the direction is where the digit goes (see the class docstring)
    "CNNLSTMClassifier": {
        "channels": (8,),
        "n_features": 16,
        "max_epochs": 15,
        "pooling": "flatten",
    },
    "ConvLSTMRegressor": {"filters": 8, "strides": 1, "max_epochs": 15},
    "ConvLSTMClassifier": {"filters": 8, "strides": 1, "max_epochs": 15},
}


def _score(model, precision):
    target = "direction" if is_classifier(model) else "velocity"
    X, y = make_moving_digits(400, target=target, **_TASK)
    X, _ = fit_data(model, X)
    model.set_params(precision=precision).fit(X[:200], y[:200])
    return model.score(X[200:], y[200:])


@pytest.mark.parametrize("name", list(_LEARNABLE))
def test_bfloat16_scores_within_002_of_float32(name):
    scores = [
        _score(fast(name, **_LEARNABLE[name]), precision)
        for precision in ("float32", "bfloat16")
    ]
    # learnable (else the comparison says nothing): R^2 above 0.6, accuracy
    # well above the 1/8 of chance for the eight directions
    assert scores[0] > (0.3 if name.endswith("Classifier") else 0.6), scores
    assert abs(scores[1] - scores[0]) <= 0.02, scores


def test_bfloat16_extractor_features_score_within_002_of_float32():
    X, y = make_moving_digits(400, **_TASK)
    scores = []
    for precision in ("float32", "bfloat16"):
        extractor = CNNFeatureExtractor(
            channels=(8,),
            n_features=8,
            max_epochs=15,
            precision=precision,
            random_state=0,
        )
        model = make_pipeline(extractor, FrameFlattener(flatten_time=True), RidgeCV())
        scores.append(model.fit(X[:200], y[:200]).score(X[200:], y[200:]))
    assert scores[0] > 0.6, scores
    assert abs(scores[1] - scores[0]) <= 0.02, scores


# check_regressors_train wants R^2 > 0.5 on its 200 samples: defaults but for one
# batch of them a step at a larger lr (the defaults pass too, in 4.4 times the time)
_BFLOAT16 = ConvLSTMRegressor(
    precision="bfloat16", batch_size=200, lr=2e-2, random_state=0
)


# every check a test of its own, so that the test workers share them
@parametrize_with_checks(
    [_BFLOAT16], expected_failed_checks=lambda e: e._expected_failed_checks
)
def test_check_estimator_passes_in_bfloat16(estimator, check):
    # what the nets declare they cannot pass (test_common.py), nothing more
    check(estimator)


def test_bfloat16_model_round_trips(clips):
    import pickle

    X, y = clips
    model = fast("ConvLSTMRegressor", precision="bfloat16").fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    assert isinstance(restored, ConvLSTMRegressor)


class _GradNorms(skorch.callbacks.Callback):
    """Records the gradient norm each callback sees after a backward pass."""

    def initialize(self):
        self.norms = []
        return self

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad.norm() for _, p in named_parameters if p.grad is not None]
        self.norms.append(float(torch.stack(grads).norm()))


def test_float16_callbacks_see_unscaled_gradients_and_the_scale_persists():
    # the loss scaler's bookkeeping, run on the CPU: float16 autocast computes in
    # float32 off CUDA, but the loss is scaled and unscaled as on a GPU
    from sklearn_st._facade._net_state import export_net, restore_net
    from sklearn_st._facade._training import PrecisionNetRegressor

    X = np.random.RandomState(0).normal(size=(16, 3)).astype(np.float32)
    y = X.sum(axis=1, keepdims=True)

    def net(precision):
        torch.manual_seed(0)
        return PrecisionNetRegressor(
            torch.nn.Linear(3, 1),
            precision=precision,
            optimizer=torch.optim.SGD,
            lr=0.05,
            max_epochs=2,
            batch_size=8,
            train_split=None,
            callbacks=[("norms", _GradNorms())],
            device="cpu",
        ).fit(X, y)

    half, full = net("float16"), net("float32")
    assert half.grad_scaler_.get_scale() >= 2.0**15  # the loss was scaled
    norms = dict(half.callbacks_)["norms"].norms
    np.testing.assert_allclose(norms, dict(full.callbacks_)["norms"].norms, rtol=1e-5)
    np.testing.assert_allclose(
        half.module_.weight.detach(), full.module_.weight.detach()
    )
    # saved and loaded with the model: the scale and its growth count
    state = export_net(half)
    assert state["grad_scaler"]["_growth_tracker"] == 4  # 2 epochs of 2 steps
    fresh = PrecisionNetRegressor(
        torch.nn.Linear(3, 1), precision="float16", device="cpu"
    ).initialize()
    restore_net(fresh, state)
    assert fresh.grad_scaler_.state_dict() == half.grad_scaler_.state_dict()


def test_float16_warm_start_and_partial_fit_keep_the_loss_scale(monkeypatch):
    import sklearn_st._facade._estimator as estimator_module
    from sklearn_st import LSTMRegressor

    # float16 is refused off CUDA; its scaler's bookkeeping runs on the CPU
    monkeypatch.setattr(estimator_module, "check_precision", lambda *args: None)
    X = np.random.RandomState(0).normal(size=(16, 4, 3))
    y = X.sum(axis=(1, 2))
    model = LSTMRegressor(
        hidden_size=4, max_epochs=2, batch_size=8, precision="float16", random_state=0
    ).fit(X, y)
    tracker = model.net_.grad_scaler_.state_dict()["_growth_tracker"]
    assert tracker == 4
    model.set_params(warm_start=True, max_epochs=1).fit(X, y)
    assert model.net_.grad_scaler_.state_dict()["_growth_tracker"] == tracker + 2
    model.partial_fit(X, y)
    assert model.net_.grad_scaler_.state_dict()["_growth_tracker"] == tracker + 4


def test_auto_precision_is_bfloat16_where_the_cpu_computes_it_natively(sequences):
    from sklearn_st import LSTMRegressor
    from sklearn_st.nn._hardware import cpu_has_native_bfloat16

    X, y = sequences
    model = LSTMRegressor(hidden_size=4, max_epochs=1, precision="auto").fit(X, y)
    expected = "bfloat16" if cpu_has_native_bfloat16() else "float32"
    assert model.precision_ == model.net_.precision == expected
    # predictions keep it, whatever set_params does, and so does a loaded model
    before = model.predict(X)
    model.set_params(precision="float32")
    np.testing.assert_array_equal(model.predict(X), before)
    import pickle

    loaded = pickle.loads(pickle.dumps(model))
    assert loaded.precision_ == expected
    np.testing.assert_array_equal(loaded.predict(X), before)
    fixed = LSTMRegressor(hidden_size=4, max_epochs=1, precision="float32").fit(X, y)
    assert fixed.precision_ == "float32"
