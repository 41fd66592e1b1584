"""The array contract in sklearn_st._validation."""

import re
import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import BaseEstimator

from sklearn_st._validation import (
    channel_stats,
    check_sequences,
    is_label_target,
    validate_sequences,
)

SHAPES = [(6, 4), (6, 4, 3), (6, 4, 5, 7), (6, 4, 5, 7, 2)]
DTYPES = [np.uint8, np.int32, np.int64, np.float32, np.float64, np.bool_]


class _Recorder(BaseEstimator):
    pass


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_check_sequences_returns_numeric_input_without_copy(shape, dtype):
    X = np.ones(shape, dtype=dtype)
    out = check_sequences(X)
    assert out.dtype == dtype
    assert np.shares_memory(out, X)


def test_check_sequences_memmap_is_not_copied(tmp_path):
    X = np.memmap(tmp_path / "x.dat", dtype=np.uint8, mode="w+", shape=(5, 3, 8, 8, 1))
    X[:] = 7
    out = check_sequences(X)
    assert out.dtype == np.uint8
    assert np.shares_memory(out, X)


def test_check_sequences_converts_numeric_objects():
    # scikit-learn's convention (check_dtype_object): numbers stored as objects
    X = np.arange(12, dtype=float).reshape(4, 3).astype(object)
    out = check_sequences(X)
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    "X, error, match",
    [
        (np.array([[1.0, np.nan], [0.0, 1.0]]), ValueError, "Input X contains NaN"),
        (np.full((2, 3, 4), np.inf), ValueError, "Input X contains infinity"),
        (np.ones((3, 2)) + 1j, ValueError, "Complex data not supported"),
        (np.array([["a", "b"], ["c", "d"]]), ValueError, "bytes/strings"),
        (
            np.array([[{"a": 1}, 2.0], [1.0, 2.0]], dtype=object),
            TypeError,
            "argument must be a string or a( real)? number",
        ),
        (sparse.csr_matrix(np.eye(3)), TypeError, "Sparse data was passed"),
        (np.ones((0, 3)), ValueError, "0 sample"),
        (np.ones((3, 0)), ValueError, "0 feature"),
        (np.ones((3, 2, 0, 4)), ValueError, "empty per-sample dimension"),
        (np.ones(3), ValueError, "Reshape your data"),
        (np.ones((2, 2, 2, 2, 2, 2)), ValueError, "got a 6-D array"),
        (
            np.ones((2, 3), dtype="datetime64[s]"),
            TypeError,
            "expected a real numeric dtype",
        ),
    ],
)
def test_check_sequences_rejects_bad_input(X, error, match):
    with pytest.raises(error, match=match):
        check_sequences(X)


def test_check_sequences_ndims_hint():
    with pytest.raises(ValueError, match=r"got a 5-D array .* use a flattener"):
        check_sequences(np.ones((2, 3, 4, 4, 1)), ndims=(2, 3), hint="use a flattener")


def test_validate_sequences_records_shape():
    est = _Recorder()
    X = np.zeros((5, 4, 8, 6, 3), dtype=np.uint8)
    out = validate_sequences(est, X, reset=True)
    assert out is X
    assert est.n_features_in_ == 4
    assert est.sample_shape_ == (4, 8, 6, 3)


@pytest.mark.parametrize(
    "bad_shape, match",
    [
        (
            (5, 4, 8, 7, 3),
            r"X has per-sample shape \(4, 8, 7, 3\), but _Recorder was fitted on "
            r"per-sample shape \(4, 8, 6, 3\)",
        ),
        (
            (5, 3, 8, 6, 3),
            r"X has 3 features, but _Recorder is expecting 4 features as input.*"
            r"\(3, 8, 6, 3\).*\(4, 8, 6, 3\)",
        ),
        ((5, 4, 48), r"per-sample shape \(4, 48\).*\(4, 8, 6, 3\)"),
    ],
)
def test_validate_sequences_rejects_other_sample_shape(bad_shape, match):
    est = _Recorder()
    validate_sequences(est, np.zeros((5, 4, 8, 6, 3)), reset=True)
    with pytest.raises(ValueError, match=match):
        validate_sequences(est, np.zeros(bad_shape), reset=False)


def test_validate_sequences_checks_targets():
    est = _Recorder()
    X = np.zeros((5, 4, 3))
    with pytest.raises(ValueError, match="requires y to be passed"):
        validate_sequences(est, X, None, reset=True)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        validate_sequences(est, X, np.zeros(4), reset=True)
    with pytest.raises(ValueError, match="Input y contains NaN"):
        validate_sequences(est, X, np.full(5, np.nan), reset=True)
    with pytest.raises(ValueError, match=r"Found array with dim 3"):
        validate_sequences(est, X, np.zeros((5, 2, 2)), reset=True)
    _, y = validate_sequences(est, X, [1, 2, 3, 4, 5], reset=True)
    assert y.shape == (5,)


@pytest.mark.parametrize("shape", SHAPES)
def test_channel_stats_match_numpy(shape):
    rng = np.random.RandomState(0)
    X = rng.normal(loc=3.0, scale=2.0, size=shape)
    # a tiny chunk forces many merges of partial statistics
    mean, scale = channel_stats(X, chunk_bytes=1)
    axes = tuple(range(X.ndim - 1)) if X.ndim in (3, 5) else None
    np.testing.assert_allclose(mean, X.mean(axis=axes), rtol=1e-12)
    np.testing.assert_allclose(scale, X.std(axis=axes), rtol=1e-12)


def test_channel_stats_constant_channel_has_unit_scale():
    X = np.zeros((4, 3, 2), dtype=np.uint8)
    X[..., 1] = np.arange(4)[:, None]
    _, scale = channel_stats(X)
    assert scale[0] == 1.0
    assert scale[1] > 0


def test_channel_stats_never_copies_the_whole_array_to_float():
    X = np.random.RandomState(0).randint(0, 255, size=(400, 10, 32, 32, 1))
    X = X.astype(np.uint8)  # 4 MB; its float64 copy would be 32 MB
    tracemalloc.start()
    channel_stats(X, chunk_bytes=1 << 20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < X.nbytes


@pytest.mark.parametrize(
    "y, expected",
    [
        (np.array([0, 1, 2]), True),
        (np.array(["a", "b"]), True),
        (np.array([True, False]), True),
        (np.array([0.0, 1.0]), False),
        (np.array([[0, 1], [1, 0]]), False),
    ],
    ids=["int", "str", "bool", "float", "2-D int"],
)
def test_is_label_target(y, expected):
    assert is_label_target(y) is expected


@pytest.mark.parametrize(
    "shape, layout",
    [
        ((3, 2, 3, 20, 20), "np.moveaxis(X, 2, -1)"),  # channel-first frames
        ((3, 1200), "reshape it to (n_samples, n_frames"),  # flattened clips
        ((3, 24, 24), "X[:, None]"),  # single images
        ((3, 32, 32, 3), "X[:, None] is (n_samples, 1, height, width, n_chan"),
    ],
)
def test_likely_layout_mistakes_draw_a_shape_warning(shape, layout):
    from sklearn_st import FrameFlattener, ShapeWarning

    X = np.zeros(shape, dtype=np.uint8)
    with pytest.warns(ShapeWarning, match=re.escape(layout)) as caught:
        FrameFlattener().fit(X)
    assert f"{shape}" in str(caught[0].message)
    # the documented way to silence it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=ShapeWarning)
        FrameFlattener().fit(X)


@pytest.mark.parametrize(
    "shape",
    [
        (3, 2, 20, 20, 3),
        (3, 8, 32, 32),
        (3, 999),
        (3, 8, 64),
        (3, 2, 3, 4, 4),
        (3, 4, 6, 4),
    ],
)
def test_the_contracts_usual_shapes_draw_no_warning(shape):
    from sklearn_st import FrameFlattener

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FrameFlattener().fit(np.zeros(shape, dtype=np.uint8))


def test_warnings_point_at_the_users_line():
    from sklearn.pipeline import make_pipeline

    from sklearn_st import FrameFlattener, LSTMRegressor, ShapeWarning

    images = np.zeros((6, 32, 32, 3), dtype=np.uint8)  # single images, not clips
    y = np.arange(6.0)
    with pytest.warns(ShapeWarning) as direct:
        FrameFlattener().fit(images)
    model = make_pipeline(FrameFlattener(), LSTMRegressor(max_epochs=1))
    with pytest.warns(ShapeWarning) as through_a_pipeline:
        model.fit(images, y)
    for caught in (direct, through_a_pipeline):
        assert caught[0].filename == __file__


def test_predict_warns_when_x_is_scaled_otherwise_than_at_fit():
    from sklearn_st import ConvLSTMForecaster, LSTMRegressor

    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=(8, 3, 4)).astype(np.uint8)
    X[0, 0, :2] = 0, 255
    model = LSTMRegressor(hidden_size=2, max_epochs=1, random_state=0)
    model.fit(X, np.arange(8.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(X)  # as at fit
        model.predict(np.zeros_like(X[:1]))  # a black clip is no scaling mistake
    with pytest.warns(UserWarning, match=r"from 0 to 255, but X ranges from 0 to 1"):
        model.predict(X / 255.0)
    # signed values (differences, flow) may lie in [0, 1] for a few clips
    signed = LSTMRegressor(hidden_size=2, max_epochs=1, random_state=0)
    signed.fit(X.astype(np.float64) - 128, np.arange(8.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        signed.predict(X / 255.0)
    # and the other way round: fitted on 0-1, given 0-255
    unit = ConvLSTMForecaster(filters=2, max_epochs=1, loss="bce", random_state=0)
    unit.fit(X[..., None] / 255.0)
    with pytest.warns(UserWarning, match=r"fitted on values from 0 to 1, but X"):
        unit.predict(X[..., None])
