"""FrameFlattener."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline

from sklearn_st import FrameFlattener


@pytest.mark.parametrize(
    "shape, flat, flat_time",
    [
        ((4, 3), (4, 3, 1), (4, 3)),
        ((4, 3, 5), (4, 3, 5), (4, 15)),
        ((4, 3, 6, 7), (4, 3, 42), (4, 126)),
        ((4, 3, 6, 7, 2), (4, 3, 84), (4, 252)),
    ],
)
@pytest.mark.parametrize("dtype", [np.uint8, np.int64, np.float32, np.float64])
def test_frame_flattener_shapes_views_and_dtypes(shape, flat, flat_time, dtype):
    X = np.arange(np.prod(shape)).reshape(shape).astype(dtype)
    out = FrameFlattener().fit_transform(X)
    assert out.shape == flat
    assert out.dtype == dtype
    assert np.shares_memory(out, X)
    np.testing.assert_array_equal(out[1, 2], X[1, 2].ravel())

    out = FrameFlattener(flatten_time=True).fit_transform(X)
    assert out.shape == flat_time
    assert np.shares_memory(out, X)
    np.testing.assert_array_equal(out[3], X[3].ravel())


def test_frame_flattener_copies_only_when_layout_requires():
    X = np.asfortranarray(np.random.RandomState(0).rand(4, 3, 6, 7, 2))
    out = FrameFlattener().fit_transform(X)
    assert not np.shares_memory(out, X)
    np.testing.assert_array_equal(out[2, 1], X[2, 1].ravel())


def test_frame_flattener_memmap(tmp_path):
    X = np.memmap(tmp_path / "x.dat", dtype=np.uint8, mode="w+", shape=(5, 3, 8, 8, 1))
    X[:] = 3
    out = FrameFlattener().fit_transform(X)
    assert out.shape == (5, 3, 64)
    assert np.shares_memory(out, X)


def test_frame_flattener_feature_names_only_when_time_is_flattened():
    X = np.zeros((2, 3, 2, 2))
    assert not hasattr(FrameFlattener().fit(X), "get_feature_names_out")
    names = FrameFlattener(flatten_time=True).fit(X).get_feature_names_out()
    assert len(names) == 12
    assert list(names[:5]) == ["x0_0_0", "x0_0_1", "x0_1_0", "x0_1_1", "x1_0_0"]


def test_frame_flattener_keeps_dataframe_column_names():
    X = pd.DataFrame(np.ones((3, 2)), columns=["mon", "tue"])
    flattener = FrameFlattener(flatten_time=True).fit(X)
    assert list(flattener.get_feature_names_out()) == ["mon", "tue"]
    frame = flattener.set_output(transform="pandas").transform(X)
    assert list(frame.columns) == ["mon", "tue"]


def test_frame_flattener_feeds_a_tabular_estimator():
    rng = np.random.RandomState(0)
    X = rng.randint(0, 255, size=(30, 3, 4, 4, 1)).astype(np.uint8)
    y = X[:, 2, 1, 1, 0].astype(float)
    model = make_pipeline(FrameFlattener(flatten_time=True), Ridge(alpha=1e-6))
    assert model.fit(X, y).score(X, y) > 0.99
