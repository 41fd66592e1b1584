"""TemporalDifference."""

import numpy as np
import pytest
from indexable import Indexable
from sklearn.pipeline import make_pipeline

from sklearn_st import ConvLSTMRegressor, TemporalDifference
from sklearn_st._lazy_arrays import LazySamples


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.uint8, np.int16),
        (np.int8, np.int16),
        (np.uint16, np.int32),
        (np.int32, np.int64),
        (np.int64, np.int64),
        (np.bool_, np.int8),
        (np.float32, np.float32),
        (np.float64, np.float64),
    ],
)
def test_temporal_difference_dtypes_hold_every_difference(dtype, expected):
    info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
    low, high = (info.min, info.max) if info else (0, 1)
    X = np.array([[low, high, low, high]], dtype=dtype)
    out = TemporalDifference(order=2).fit_transform(X)
    assert out.dtype == expected
    if info and np.dtype(expected).itemsize > np.dtype(dtype).itemsize:
        # exact: low - 2 high + low, without overflow
        assert out[0, 0] == 2 * int(low) - 2 * int(high)


@pytest.mark.parametrize("shape", [(3, 6), (3, 6, 2), (3, 6, 4, 5), (3, 6, 4, 5, 3)])
@pytest.mark.parametrize("order", [1, 2])
def test_temporal_difference_values_and_recovery(shape, order):
    X = np.random.RandomState(0).randint(0, 256, size=shape).astype(np.uint8)
    out = TemporalDifference(order=order).fit_transform(X)
    expected = np.diff(X.astype(np.int64), n=order, axis=1)
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)
    full = TemporalDifference(order=order, keep_first=True).fit_transform(X)
    assert full.shape == X.shape
    # [x0, (x1 - x0,) differences of the order]: undone from the highest order
    full = full.astype(np.int64)
    recovered = full[:, order:]
    for k in reversed(range(order)):
        recovered = np.cumsum(np.concatenate([full[:, k : k + 1], recovered], 1), 1)
    np.testing.assert_array_equal(recovered, X)


def test_temporal_difference_removes_what_stands_still():
    rng = np.random.RandomState(0)
    background = rng.randint(0, 256, size=(1, 1, 8, 8, 1))
    X = np.repeat(background, 5, axis=1).astype(np.uint8)
    X[0, 2:, 3, 3] = 0  # something changes at one pixel from frame 2 on
    out = TemporalDifference().fit_transform(X)
    changed = np.argwhere(out != 0)
    np.testing.assert_array_equal(changed, [[0, 1, 3, 3, 0]])


def test_temporal_difference_needs_more_frames_than_its_order():
    with pytest.raises(ValueError, match=r"order=2\) needs more than 2 frame"):
        TemporalDifference(order=2).fit(np.zeros((4, 2, 3)))


def test_temporal_difference_memmap_and_indexable_are_lazy(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=(20, 4, 6, 6, 1)).astype(np.uint8)
    path = tmp_path / "clips.dat"
    X.tofile(path)
    mapped = np.memmap(path, dtype=np.uint8, mode="r", shape=X.shape)
    expected = TemporalDifference().fit_transform(X)
    for source in (mapped, Indexable(X)):
        out = TemporalDifference().fit(source).transform(source)
        assert isinstance(out, LazySamples) and out.shape == expected.shape
        assert out.dtype == np.int16
        np.testing.assert_array_equal(out[[3, 1, 3]], expected[[3, 1, 3]])
        np.testing.assert_array_equal(out[5:9], expected[5:9])
        np.testing.assert_array_equal(out[2], expected[2])
        np.testing.assert_array_equal(np.asarray(out), expected)


def test_temporal_difference_feeds_a_convlstm_from_a_memmap(tmp_path):
    rng = np.random.RandomState(0)
    X = rng.randint(0, 256, size=(24, 4, 6, 6, 1)).astype(np.uint8)
    y = rng.normal(size=24)
    path = tmp_path / "clips.dat"
    X.tofile(path)
    mapped = np.memmap(path, dtype=np.uint8, mode="r", shape=X.shape)
    model = make_pipeline(
        TemporalDifference(), ConvLSTMRegressor(filters=2, max_epochs=2, random_state=0)
    )
    from_memory = model.fit(X, y).predict(X)
    np.testing.assert_allclose(model.fit(mapped, y).predict(mapped), from_memory)
