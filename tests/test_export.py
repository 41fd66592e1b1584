"""ONNX export (sklearn_st.export.to_onnx), checked with onnxruntime: every
public class but OpticalFlow on two or three input layouts and dtypes, and
Pipelines as one graph, within 1e-4 (relative, float32) of predict /
predict_proba / transform; clear errors for what has no graph."""

import json

import numpy as np
import pytest
from fast import FAST, fast, fit_data
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_st import (
    CNNFeatureExtractor,
    FlowExtrapolationForecaster,
    FrameFlattener,
    FrameWise,
    LSTMClassifier,
    LSTMRegressor,
    OpticalFlow,
    TemporalDifference,
    to_onnx,
)

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

_RNG = np.random.default_rng(0)
#: (name, clips): 5-D uint8 video, 4-D float64 single-channel frames, 3-D float32
#: feature sequences (the LSTMs read the 5-D and 4-D clips flattened)
LAYOUTS = {
    "uint8 5-D": _RNG.integers(0, 256, (10, 5, 6, 6, 2), dtype=np.uint8),
    "float64 4-D": _RNG.normal(size=(10, 5, 6, 6)),
    "float32 3-D": _RNG.normal(size=(10, 5, 4)).astype(np.float32),
}
#: what each class is checked on: every class on the video layout and one other
CASES = [
    (name, layout)
    for name in FAST
    # the flow's (OpenCV's) and the baseline forecasters have no graph
    if name
    not in ("OpticalFlow", "FlowExtrapolationForecaster", "PersistenceForecaster")
    for layout in (
        ["uint8 5-D", "float32 3-D"]
        if name in ("LSTMRegressor", "FrameWise", "ConvLSTMForecaster")
        else ["uint8 5-D", "float64 4-D"]
    )
]


def _session(model):
    return ort.InferenceSession(model.SerializeToString())


def _expected(estimator, X):
    """What the graph's outputs stand for, from the estimator's own methods."""
    if hasattr(estimator, "predict_proba"):
        labels = np.searchsorted(estimator.classes_, estimator.predict(X))
        return [labels, estimator.predict_proba(X)]
    if hasattr(estimator, "predict"):
        return [estimator.predict(X)]
    return [np.asarray(estimator.transform(X))]


def _assert_close(outputs, expected):
    assert len(outputs) == len(expected)
    for out, ref in zip(outputs, expected, strict=True):
        assert out.shape == ref.shape
        if out.dtype.kind == "i":  # labels: exactly
            np.testing.assert_array_equal(out, ref)
        else:  # float32: relative to the output's magnitude
            np.testing.assert_allclose(
                out, ref, rtol=1e-4, atol=1e-4 * max(1.0, np.abs(ref).max())
            )


def _fitted(name, X):
    if name == "FrameWise":
        estimator = FrameWise(PCA(3))
    elif name == "ConvLSTMForecaster":  # exported where it starts from persistence
        estimator = fast(name, start="persistence")
    else:
        estimator = fast(name)
    X, y = fit_data(estimator, X)
    return estimator.fit(X, y), X


@pytest.mark.parametrize("name, layout", CASES, ids=[f"{n}-{lay}" for n, lay in CASES])
def test_export_matches_the_estimators_outputs(name, layout):
    estimator, X = _fitted(name, LAYOUTS[layout])
    model = to_onnx(estimator, X[:2])
    session = _session(model)
    inputs = session.get_inputs()
    assert [i.name for i in inputs] == ["clips"]
    assert list(inputs[0].shape[1:]) == list(X.shape[1:])  # the clip is fixed
    # the batch axis is dynamic: exported from 2 clips, run on 10
    _assert_close(session.run(None, {"clips": X}), _expected(estimator, X))
    meta = {p.key: p.value for p in model.metadata_props}
    assert meta["sklearn_st_estimator"] == type(estimator).__name__
    assert json.loads(meta["sample_shape"]) == list(X.shape[1:])
    if hasattr(estimator, "classes_"):
        assert json.loads(meta["classes"]) == estimator.classes_.tolist()


@pytest.mark.parametrize(
    "steps",
    [
        lambda: [FrameFlattener(), fast("LSTMRegressor")],
        lambda: [
            TemporalDifference(),
            fast("CNNFeatureExtractor"),
            fast("LSTMClassifier"),
        ],
        lambda: [FrameWise(PCA(3, whiten=True)), fast("LSTMRegressor")],
        lambda: [TemporalDifference(keep_first=True), FrameWise(StandardScaler())],
    ],
    ids=["flatten-lstm", "difference-cnn-lstm", "pca-lstm", "transformers"],
)
def test_export_a_pipeline_as_one_graph(steps, tmp_path):
    pipe = make_pipeline(*steps())
    X = LAYOUTS["uint8 5-D"]
    pipe.fit(X, fit_data(pipe[-1], X)[1])
    path = tmp_path / "pipe.onnx"
    model = to_onnx(pipe, X, path)
    onnx.checker.check_model(model)
    session = ort.InferenceSession(str(path))
    _assert_close(session.run(None, {"clips": X}), _expected(pipe, X))


@pytest.mark.parametrize(
    "transformer",
    [
        StandardScaler(with_mean=False),
        StandardScaler(with_std=False),
        StandardScaler(with_mean=False, with_std=False),
        PCA(4, whiten=True),
        # more components than the frames' rank: whitening divides by clipped
        # scales, as scikit-learn's transform does
        PCA(6, whiten=True, svd_solver="covariance_eigh"),
    ],
    ids=["no-mean", "no-std", "neither", "whiten", "whiten-rank-deficient"],
)
def test_export_framewise_follows_the_transformer_options(transformer):
    X = _RNG.normal(3.0, 2.0, size=(10, 5, 6)).astype(np.float32)
    if transformer.get_params().get("n_components") == 6:
        X[..., 3:] = X[..., :3] + X[..., 1:2]  # frames of rank 3 (+ the mean)
    step = FrameWise(transformer).fit(X)
    (out,) = _session(to_onnx(step, X)).run(None, {"clips": X})
    expected = step.transform(X)
    if transformer.get_params().get("n_components") == 6:
        # components of no variance: rounding noise over epsilon, in either;
        # finite in both (an unclipped scale of 0 gives inf and NaN)
        assert np.all(np.isfinite(out))
        out, expected = out[..., :3], expected[..., :3]
    scale = np.abs(expected).max()
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4 * scale)


def test_export_classifier_outputs_and_a_one_clip_example():
    X = LAYOUTS["float32 3-D"]
    y = np.array(["cat", "dog", "eel"] * 4)[: len(X)]
    model = LSTMClassifier(hidden_size=4, max_epochs=1, random_state=0).fit(X, y)
    session = _session(to_onnx(model, X[:1]))
    assert [o.name for o in session.get_outputs()] == ["labels", "probabilities"]
    labels, proba = session.run(None, {"clips": X})
    np.testing.assert_array_equal(model.classes_[labels], model.predict(X))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (
            lambda X: OpticalFlow().fit(X),
            TypeError,
            "OpticalFlow cannot be exported to ONNX: its DIS flow",
        ),
        (
            lambda X: fast("ConvLSTMForecaster").fit(X),
            TypeError,
            r"ConvLSTMForecaster\(start='extrapolation'\) cannot be exported.*DIS",
        ),
        (
            lambda X: FlowExtrapolationForecaster().fit(X),
            TypeError,
            "FlowExtrapolationForecaster cannot be exported to ONNX",
        ),
        (
            lambda X: FrameWise(FunctionTransformer(np.sqrt)).fit(X),
            TypeError,
            r"FrameWise\(FunctionTransformer\) cannot be exported",
        ),
        (
            lambda X: make_pipeline(FrameFlattener(flatten_time=True), Ridge()).fit(
                X, np.arange(len(X))
            ),
            TypeError,
            "Ridge cannot be exported to ONNX",
        ),
        (lambda X: LSTMRegressor(), NotFittedError, "not fitted"),
    ],
    ids=[
        "flow",
        "forecaster-from-extrapolation",
        "flow-extrapolation",
        "framewise-function",
        "foreign-step",
        "unfitted",
    ],
)
def test_export_refuses_what_has_no_graph(make, error, match):
    pytest.importorskip("cv2")
    X = LAYOUTS["uint8 5-D"]
    with pytest.raises(error, match=match):
        to_onnx(make(X), X)


def test_export_checks_the_example_against_the_fitted_shape():
    X = LAYOUTS["float32 3-D"]
    flattener = FrameFlattener().fit(X)
    with pytest.raises(ValueError, match=r"per-sample shape \(5, 3\).*\(5, 4\)"):
        to_onnx(flattener, X[:, :, :3])
    with pytest.raises(TypeError, match="dtype bool"):
        to_onnx(flattener, X > 0)
    extractor = CNNFeatureExtractor(channels=(2,), n_features=3, max_epochs=1)
    with pytest.raises(NotFittedError):
        to_onnx(extractor, X)
