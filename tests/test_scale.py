"""Scaling out: searches on a dask.distributed cluster through joblib, and torch
threads per parallel fit."""

import os

import joblib
import numpy as np
import pytest
import skorch
import torch
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import Pipeline

from sklearn_st import (
    CNNFeatureExtractor,
    ConvLSTMRegressor,
    FrameFlattener,
    LSTMRegressor,
)
from sklearn_st.datasets import make_moving_digits

X, Y = make_moving_digits(32, n_frames=3, frame_size=12, random_state=0)


def _where_callback():
    # defined inside a function, so that cloudpickle ships the class by value to
    # worker processes that cannot import this test module
    class Where(skorch.callbacks.Callback):
        def on_train_begin(self, net, **kwargs):
            self.threads = torch.get_num_threads()
            self.pid = os.getpid()
            try:
                from distributed import get_worker

                self.worker = get_worker().address
            except (ImportError, ValueError):
                self.worker = None

    return Where()


def _where(estimator):
    lstm = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    return dict(lstm.net_.callbacks_)["Where"]


def _pipeline(**lstm):
    return Pipeline(
        [
            ("encoder", FrameFlattener()),
            ("lstm", LSTMRegressor(max_epochs=2, random_state=0, **lstm)),
        ]
    )


def test_parallel_fits_use_their_share_of_the_cores():
    result = cross_validate(
        _pipeline(callbacks=[_where_callback()]),
        X,
        Y,
        cv=2,
        n_jobs=2,
        return_estimator=True,
    )
    where = [_where(est) for est in result["estimator"]]
    assert {w.pid for w in where}.isdisjoint({os.getpid()})  # in worker processes
    # joblib's workers get cpu_count // n_jobs threads; torch keeps to them
    share = max(1, joblib.cpu_count() // 2)
    assert [w.threads for w in where] == [share, share]


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_grid_search_on_a_dask_cluster(dask_client):
    cnn = CNNFeatureExtractor(channels=(2,), n_features=3, max_epochs=1, random_state=0)
    grid = {"encoder": [FrameFlattener(), cnn], "lstm__hidden_size": [4, 8]}
    search = GridSearchCV(_pipeline(), grid, cv=2, n_jobs=-1)
    with joblib.parallel_config(backend="dask"):
        search.fit(X, Y)
    local = GridSearchCV(_pipeline(), grid, cv=2).fit(X, Y)
    # the same fits as a local search, score for score
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )
    assert np.isfinite(search.best_estimator_.predict(X)).all()


def test_cross_validate_runs_on_the_dask_workers(dask_client):
    with joblib.parallel_config(backend="dask"):
        result = cross_validate(
            _pipeline(callbacks=[_where_callback()]),
            X,
            Y,
            cv=2,
            n_jobs=-1,
            return_estimator=True,
        )
    where = [_where(est) for est in result["estimator"]]
    workers = set(dask_client.scheduler_info()["workers"])
    assert all(w.worker in workers for w in where)
    # one torch thread per dask worker thread: no oversubscription
    assert [w.threads for w in where] == [1, 1]


@pytest.fixture(scope="module")
def big_memmap(tmp_path_factory):
    """8 MiB of uint8 clips on disk: a float32 copy would be 32 MiB."""
    path = tmp_path_factory.mktemp("memmap") / "clips.u8"
    shape = (2048, 4, 32, 32, 1)
    mm = np.memmap(path, dtype=np.uint8, mode="w+", shape=shape)
    for start in range(0, shape[0], 512):
        mm[start : start + 512] = make_moving_digits(
            512, n_frames=4, frame_size=32, random_state=start
        )[0]
    mm.flush()
    y = np.random.RandomState(0).normal(size=shape[0])
    return np.memmap(path, dtype=np.uint8, mode="r", shape=shape), y


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: Pipeline(
            [
                ("cnn", CNNFeatureExtractor(channels=(2,), n_features=3, max_epochs=1)),
                ("lstm", LSTMRegressor(hidden_size=4, max_epochs=1)),
            ]
        ),
        lambda: ConvLSTMRegressor(filters=2, max_epochs=1),
    ],
    ids=["CNNFeatureExtractor->LSTMRegressor", "ConvLSTMRegressor"],
)
def test_memmap_flows_through_without_a_float_copy(big_memmap, make_model):
    import tracemalloc

    X, y = big_memmap
    make_model().fit(X[:16], y[:16])  # first use imports parts of torch: keep out
    model = make_model()
    tracemalloc.start()
    model.fit(X, y)
    pred = model.predict(X)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert np.isfinite(pred).all()
    float32_copy = 4 * X.nbytes
    assert peak < float32_copy / 2, f"peak {peak / 2**20:.1f} MiB"
