"""Indexable arrays that are not NumPy arrays (h5py, dask, any object with dtype,
shape and __getitem__) flow through the estimators without ever being read whole."""

import numpy as np
import pytest
from fast import NET_CLASSES, fast, fit_data
from indexable import Indexable
from sklearn.pipeline import Pipeline

from sklearn_st import (
    CNNFeatureExtractor,
    ConvLSTMClassifier,
    ConvLSTMRegressor,
    FrameFlattener,
    LSTMRegressor,
    TemporalDifference,
)
from sklearn_st._lazy_arrays import FlatFrames, take_samples
from sklearn_st._validation import channel_stats
from sklearn_st.datasets import make_moving_digits

X, Y = make_moving_digits(40, n_frames=3, frame_size=12, random_state=0)
LABELS = np.where(Y[:, 0] > 0, "right", "left")


def _models():
    return {
        "FrameFlattener->LSTMRegressor": Pipeline(
            [
                ("flat", FrameFlattener()),
                ("lstm", LSTMRegressor(hidden_size=4, max_epochs=2, batch_size=8)),
            ]
        ),
        "CNNFeatureExtractor->LSTMRegressor": Pipeline(
            [
                (
                    "cnn",
                    CNNFeatureExtractor(
                        channels=(2,), n_features=3, max_epochs=1, batch_size=8
                    ),
                ),
                ("lstm", LSTMRegressor(hidden_size=4, max_epochs=2, batch_size=8)),
            ]
        ),
        "ConvLSTMRegressor": ConvLSTMRegressor(filters=2, max_epochs=2, batch_size=8),
    }


@pytest.mark.parametrize("name", list(_models()))
def test_indexable_array_gives_the_ndarray_results_reading_batches(name):
    model = _models()[name].set_params(**_seed(name))
    expected = model.fit(X, Y).predict(X)
    X_indexable = Indexable(X)
    model = _models()[name].set_params(**_seed(name))
    got = model.fit(X_indexable, Y).predict(X_indexable)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    # shuffled training batches are read as sorted lists of 8 samples (then put
    # back in order); statistics in chunks of samples, never the whole array
    assert X_indexable.largest_batch == 8


def _seed(name):
    if name == "ConvLSTMRegressor":
        return {"random_state": 0}
    steps = ("flat", "lstm") if name.startswith("Frame") else ("cnn", "lstm")
    return {f"{step}__random_state": 0 for step in steps if step != "flat"}


def test_classifier_on_an_indexable_array():
    model = ConvLSTMClassifier(filters=2, max_epochs=2, batch_size=8, random_state=0)
    expected = model.fit(X, LABELS).predict_proba(X)
    got = model.fit(Indexable(X), LABELS).predict_proba(Indexable(X))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_hdf5_dataset_flows_through(tmp_path):
    h5py = pytest.importorskip("h5py")
    with h5py.File(tmp_path / "clips.h5", "w") as f:
        f.create_dataset("X", data=X, chunks=(4, *X.shape[1:]))
    model = ConvLSTMRegressor(filters=2, max_epochs=2, batch_size=8, random_state=0)
    expected = model.fit(X, Y).predict(X)
    with h5py.File(tmp_path / "clips.h5", "r") as f:
        flat = FrameFlattener().fit(f["X"]).transform(f["X"])
        assert isinstance(flat, FlatFrames) and flat.shape == (40, 3, 144)
        np.testing.assert_array_equal(flat[[5, 1, 5]], X[[5, 1, 5]].reshape(3, 3, -1))
        got = model.fit(f["X"], Y).predict(f["X"])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_dask_array_flows_through():
    da = pytest.importorskip("dask.array")
    X_dask = da.from_array(X, chunks=(8, *X.shape[1:]))
    model = ConvLSTMRegressor(filters=2, max_epochs=2, batch_size=8, random_state=0)
    expected = model.fit(X, Y).predict(X)
    got = model.fit(X_dask, Y).predict(X_dask)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_take_samples_reads_sorted_distinct_samples_and_reorders():
    X_indexable = Indexable(X)
    for indices in ([7, 2, 2, 30], [3, 4, 5], [9], []):
        np.testing.assert_array_equal(take_samples(X_indexable, indices), X[indices])
    assert X_indexable.largest_batch == 3  # [7, 2, 2, 30] is read as 2, 7, 30


def test_take_samples_falls_back_to_one_sample_at_a_time():
    class IntOnly(Indexable):
        def __getitem__(self, key):
            if not isinstance(key, int | slice):
                raise TypeError("ints and slices only")
            return super().__getitem__(key)

    np.testing.assert_array_equal(take_samples(IntOnly(X), [9, 1]), X[[9, 1]])


def test_channel_stats_match_on_an_indexable_array():
    expected = channel_stats(X.astype(np.float64))
    got = channel_stats(Indexable(X), chunk_bytes=8 * 432 * 7)
    np.testing.assert_allclose(got, expected)


@pytest.mark.parametrize(
    "bad, error, match",
    [
        (np.full((4, 3, 5, 5), np.nan), ValueError, "contains NaN"),
        (np.full((4, 3, 5, 5), np.inf), ValueError, "contains infinity"),
        (np.zeros((4, 3, 5, 5), dtype=complex), TypeError, "real numeric dtype"),
        (np.zeros((0, 3, 5, 5)), ValueError, "0 sample"),
        (np.zeros((4, 0, 5, 5)), ValueError, "empty per-sample dimension"),
        (np.zeros((4, 3, 5, 5, 1, 1)), ValueError, "got a 6-D array"),
    ],
    ids=["nan", "inf", "complex", "no samples", "no frames", "6-D"],
)
def test_bad_indexable_arrays_are_refused_clearly(bad, error, match):
    with pytest.raises(error, match=match):
        ConvLSTMRegressor(max_epochs=1).fit(Indexable(bad), np.zeros(len(bad)))


def test_indexable_array_of_another_shape_is_refused_at_predict():
    model = ConvLSTMRegressor(filters=2, max_epochs=1).fit(Indexable(X), Y)
    with pytest.raises(
        ValueError, match=r"shape \(3, 9, 12, 1\).*fitted on .*\(3, 12, 12, 1\)"
    ):
        model.predict(Indexable(X[:, :, :9]))


@pytest.mark.parametrize("name", NET_CLASSES)
def test_each_call_reads_an_indexable_array_once(name):
    # every read counts (slices too): fit reads X once before training (the
    # statistics, the value range and the NaN check in one pass) and once per
    # epoch, and the forecaster's validation clips twice more (its start scored
    # before training and the trained model after it); predict, transform and
    # score once
    estimator = fast(name, max_epochs=2)
    X, y = fit_data(estimator, np.random.RandomState(0).rand(12, 4, 6, 6, 1))
    X = Indexable(X.astype(np.float32))
    estimator.fit(X, y)
    checks_start = getattr(estimator, "kept_start_", None) is not None
    n_valid = sum(
        batch.get("valid_batch_size", 0)
        for batch in estimator.net_.history[-1, "batches"]
    )
    assert (
        checks_start == (name == "ConvLSTMForecaster") and (n_valid > 0) == checks_start
    )
    assert X.samples_read == len(X) * (1 + estimator.n_iter_) + 2 * n_valid
    for method in ("predict", "transform", "score"):
        if hasattr(estimator, method):
            X.samples_read = 0
            args = (X,) if method != "score" else (X, y)
            getattr(estimator, method)(*args)
            assert X.samples_read == len(X), method


def test_nan_in_an_indexable_array_is_found_in_the_one_pass(tmp_path):
    from sklearn_st import LSTMRegressor

    X = np.random.RandomState(0).rand(12, 4, 3)
    bad = X.copy()
    bad[7, 2, 1] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        LSTMRegressor(max_epochs=1).fit(Indexable(bad), np.arange(12.0))
    model = LSTMRegressor(max_epochs=1).fit(Indexable(X), np.arange(12.0))
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(Indexable(bad))
    # a memmap too is checked as its batches are read
    mapped = np.memmap(
        tmp_path / "bad.dat", dtype=bad.dtype, mode="w+", shape=bad.shape
    )
    mapped[:] = bad
    with pytest.raises(ValueError, match="Input X contains NaN"):
        model.predict(mapped)


def test_lazy_views_indexed_by_arrays_stay_lazy(tmp_path):
    from sklearn_st._lazy_arrays import LazySubset

    source = Indexable(X)
    flat = FrameFlattener().fit(source).transform(source)  # a lazy view
    source.samples_read = 0
    part = flat[np.array([5, 1, 7])]
    again = part[[2, 0]]  # a subset of a subset
    assert isinstance(part, FlatFrames) and isinstance(again, FlatFrames)
    assert source.samples_read == 0  # nothing read yet
    np.testing.assert_array_equal(np.asarray(again), X[[7, 5]].reshape(2, 3, -1))
    assert source.samples_read == 2
    # scikit-learn's _safe_indexing writes X[indices, ...]
    assert isinstance(flat[np.arange(4), ...], FlatFrames)
    np.testing.assert_array_equal(flat[[3, 4], 1], X[[3, 4], 1].reshape(2, -1))
    # a memmap's lazy view keeps the memmap, read when read
    memmap = np.lib.format.open_memmap(
        tmp_path / "X.npy", mode="w+", dtype=X.dtype, shape=X.shape
    )
    memmap[:] = X
    difference = TemporalDifference().fit(memmap)
    view = difference.transform(memmap)[10:20:3]
    assert isinstance(view.X, LazySubset) and view.X.X is memmap
    np.testing.assert_array_equal(np.asarray(view), difference.transform(X[10:20:3]))
    with pytest.raises(IndexError, match="out of range"):
        flat[[40]]
    with pytest.raises(IndexError, match="boolean index needs 40 values"):
        flat[np.ones(3, dtype=bool)]
