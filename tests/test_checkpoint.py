"""Checkpoints: a fit killed (SIGKILL) between epochs, in the middle of one or
while saving, resumes from its checkpoint to the weights an uninterrupted fit
ends with, bit for bit (float32, CPU); a checkpoint of another fit is refused;
a directory holds one checkpoint per fit (GridSearchCV); partial_fit goes on from
it."""

import io
import os
import signal

import numpy as np
import pytest
from fast import fast, fit_data
from forked import run_forked
from sklearn.model_selection import GridSearchCV

#: each class with what exercises its state: early stopping's count and best
#: weights, the forecaster's kept start, a supervised feature extractor
PARAMS = {
    "LSTMRegressor": {"max_epochs": 5, "batch_size": 8, "dropout": 0.3},
    "LSTMClassifier": {
        "max_epochs": 5,
        "batch_size": 8,
        "early_stopping": True,
        "n_iter_no_change": 2,
        "validation_fraction": 0.25,
    },
    "ConvLSTMForecaster": {"max_epochs": 4, "batch_size": 8, "start": "persistence"},
    "CNNFeatureExtractor": {"max_epochs": 4, "batch_size": 8},
}


def _child(name, checkpoint, kill, out):
    """A child process's work: fit one model on fixed data, with ``checkpoint``
    when given, killing itself (SIGKILL) at ``kill`` = (event, count) when given,
    and save the final weights in ``out``; on one thread, as every child, so that
    their sums agree."""
    import skorch
    import torch

    from sklearn_st._facade import _checkpoint

    torch.set_num_threads(1)
    counts = {"epoch": 0, "batch": 0, "save": 0}

    def tick(event):
        counts[event] += 1
        if kill and kill[0] == event and counts[event] == kill[1]:
            os.kill(os.getpid(), signal.SIGKILL)

    class Killer(skorch.callbacks.Callback):
        def on_batch_end(self, net, **kwargs):
            tick("batch")

        def on_epoch_end(self, net, **kwargs):
            tick("epoch")

    save = torch.save

    def killing_save(state, f):
        # a kill in the middle of writing: half the bytes in the temporary file
        if kill and kill[0] == "save" and counts["save"] + 1 == kill[1]:
            buffer = io.BytesIO()
            save(state, buffer)
            f.write(buffer.getvalue()[: len(buffer.getvalue()) // 2])
            f.flush()
        tick("save")
        save(state, f)

    _checkpoint.torch.save = killing_save
    model = fast(name, checkpoint=checkpoint, callbacks=[Killer()], **PARAMS[name])
    X = np.random.RandomState(0).randint(0, 256, (24, 6, 6, 6, 1)).astype(np.uint8)
    X, y = fit_data(model, X)
    if name == "CNNFeatureExtractor":
        y = None
    model.fit(X, y)
    weights = model.net_.module_.state_dict()
    np.savez(out, **{k: v.numpy() for k, v in weights.items()})


def _run(name, checkpoint, kill, out):
    """Run :func:`_child` in a child process; its exit code (negative: the
    signal that ended it)."""
    return run_forked(_child, name, checkpoint, kill, str(out))


_UNINTERRUPTED = {}


def _uninterrupted(tmp_path, name):
    """The weights of the fit never stopped, computed once per class and worker
    (a child process each, as the killed and resumed fits run)."""
    if name not in _UNINTERRUPTED:
        out = tmp_path / "whole.npz"
        assert _run(name, None, None, out) == 0
        _UNINTERRUPTED[name] = _weights(out)
    return _UNINTERRUPTED[name]


def _weights(path):
    with np.load(path) as saved:
        return {k: saved[k] for k in saved.files}


@pytest.mark.parametrize(
    "name, kill",
    [
        ("LSTMRegressor", ["epoch", 2]),  # before the second checkpoint
        ("LSTMRegressor", ["batch", 9]),  # in the middle of the third epoch
        ("LSTMRegressor", ["save", 3]),  # half the third checkpoint written
        ("LSTMClassifier", ["batch", 7]),
        ("ConvLSTMForecaster", ["save", 2]),
        ("CNNFeatureExtractor", ["batch", 5]),
    ],
    ids=lambda v: v if isinstance(v, str) else f"{v[0]}{v[1]}",
)
def test_a_killed_fit_resumes_to_the_weights_of_an_uninterrupted_one(
    tmp_path, name, kill
):
    if name == "ConvLSTMForecaster":
        pytest.importorskip("cv2")
    checkpoint = str(tmp_path / "fit.ckpt")
    assert _run(name, checkpoint, kill, tmp_path / "never.npz") == -signal.SIGKILL
    assert os.path.exists(checkpoint)  # the last whole epoch's
    assert _run(name, checkpoint, None, tmp_path / "resumed.npz") == 0
    assert not os.path.exists(checkpoint)  # removed when the fit ended
    whole, again = _uninterrupted(tmp_path, name), _weights(tmp_path / "resumed.npz")
    assert whole.keys() == again.keys()
    for key in whole:
        np.testing.assert_array_equal(again[key], whole[key], err_msg=key)


def _data():
    X = np.random.RandomState(0).normal(size=(20, 4, 3))
    return X, X.sum(axis=(1, 2))


def _interrupted(path, **params):
    """A fit that raised after its second epoch's checkpoint, leaving it."""
    import skorch

    class Stop(skorch.callbacks.Callback):
        def on_epoch_begin(self, net, **kwargs):
            if len(net.history) == 3:
                raise RuntimeError("stopped")

    model = fast("LSTMRegressor", max_epochs=4, checkpoint=path, **params)
    with pytest.raises(RuntimeError, match="stopped"):
        model.set_params(callbacks=[Stop()]).fit(*_data())
    return model.set_params(callbacks=None)


def test_a_checkpoint_of_another_fit_is_refused(tmp_path):
    path = tmp_path / "fit.ckpt"
    _interrupted(path)
    assert path.exists()
    X, y = _data()
    with pytest.raises(ValueError, match=r"another fit wrote it \(hidden_size=4 in"):
        fast("LSTMRegressor", max_epochs=4, hidden_size=5, checkpoint=path).fit(X, y)
    with pytest.raises(ValueError, match="the data's mean"):
        fast("LSTMRegressor", max_epochs=4, checkpoint=path).fit(X + 1, y)
    with pytest.raises(ValueError, match="the data's y"):
        fast("LSTMRegressor", max_epochs=4, checkpoint=path).fit(X, y[::-1])
    path.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="does not read as one"):
        fast("LSTMRegressor", max_epochs=4, checkpoint=path).fit(X, y)


def test_a_resumed_fit_trains_only_the_epochs_left(tmp_path):
    path = tmp_path / "fit.ckpt"
    _interrupted(path)
    epochs = []
    import skorch

    class Count(skorch.callbacks.Callback):
        def on_epoch_begin(self, net, **kwargs):
            epochs.append(len(net.history))

    model = fast("LSTMRegressor", max_epochs=4, checkpoint=path, callbacks=[Count()])
    model.fit(*_data())
    assert epochs == [3, 4]  # epochs 1-2 came from the checkpoint
    assert model.n_iter_ == 4 and not path.exists()


def test_a_directory_holds_one_checkpoint_per_fit_of_a_search(tmp_path):
    X, y = _data()
    search = GridSearchCV(
        fast("LSTMRegressor", max_epochs=2, checkpoint=tmp_path),
        {"hidden_size": [3, 4]},
        cv=2,
    )
    search.fit(X, y)  # four fits, each with its own file, removed when done
    assert list(tmp_path.iterdir()) == []
    # an interrupted candidate's fit leaves its own file, named by the fit
    _interrupted(tmp_path)
    _interrupted(tmp_path, hidden_size=3)
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".ckpt"]) == 2


def test_partial_fit_keeps_its_checkpoint_and_a_new_model_goes_on_from_it(tmp_path):
    path = tmp_path / "fit.ckpt"
    X, y = _data()
    first = fast("LSTMRegressor", checkpoint=path)
    for chunk in (slice(0, 10), slice(10, 20)):
        first.partial_fit(X[chunk], y[chunk])
    assert path.exists() and first.n_iter_ == 2
    # a new process's model: its first call loads the two calls' state
    second = fast("LSTMRegressor", checkpoint=path)
    second.partial_fit(X[:10], y[:10])
    first.partial_fit(X[:10], y[:10])
    assert second.n_iter_ == 3
    np.testing.assert_array_equal(second.predict(X), first.predict(X))
