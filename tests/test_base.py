"""The shared layer (sklearn_st._facade): registration of subclasses, docstring
templates, history packing, training helpers; and a model of one's own on it."""

import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.utils.estimator_checks import check_estimator

from sklearn_st import ConvLSTMClassifier, LSTMClassifier
from sklearn_st._facade import BaseSequenceRegressor
from sklearn_st._facade._docs import fill_templates
from sklearn_st._facade._net_state import (
    _pack_history,
    _pack_rows,
    _unpack_history,
    _unpack_rows,
)
from sklearn_st._facade._training import loading_device, resolve_device, seeded_torch


class _LastFrame(torch.nn.Module):
    """A linear map of the last frame: the smallest module the facade can train."""

    def __init__(self, n_features, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_features, n_outputs)

    def forward(self, x):
        return self.linear(x[:, -1].flatten(1))


class LastFrameRegressor(BaseSequenceRegressor):
    """Regresses on the last frame.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s
    """

    _parameter_constraints: dict = {"bias": ["boolean"]}
    _param_docs = {"bias": ("bool", "Unused, a parameter of the model's own.")}

    def __init__(
        self,
        *,
        bias=True,
        max_epochs=20,
        batch_size=32,
        lr=1e-2,
        optimizer="adam",
        weight_decay=0.0,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        device="cpu",
        precision="float32",
        compile=False,
        random_state=None,
        verbose=0,
        callbacks=None,
        checkpoint=None,
    ):
        self._set_init_params(locals())

    def _build_module(self, input_shape, n_outputs):
        _, channels, height, width = input_shape
        return _LastFrame(channels * height * width, n_outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # the last step alone cannot fit scikit-learn's test targets
        tags.regressor_tags.poor_score = True
        return tags


def test_base_a_model_of_ones_own_is_a_full_estimator(sequences):
    X, _ = sequences
    y = X[:, -1].sum(axis=1)  # linear in the last frame
    model = LastFrameRegressor(max_epochs=100, lr=0.05, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.99
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
    check_estimator(LastFrameRegressor(max_epochs=5))


def test_base_merges_constraints_and_docs_along_the_mro():
    constraints = LSTMClassifier._parameter_constraints
    assert set(constraints) == set(LSTMClassifier._get_param_names())
    assert {"hidden_size", "class_weight", "lr"} <= set(constraints)
    # the base's own table is not changed by its subclasses
    assert "hidden_size" not in BaseSequenceRegressor._parameter_constraints
    assert LastFrameRegressor._param_docs["bias"][0] == "bool"
    doc = LastFrameRegressor.__doc__
    assert "    bias : bool, default=True\n        Unused" in doc
    assert "    max_epochs : int, default=20\n" in doc
    assert "    n_outputs_ : int\n        Number of targets." in doc
    assert "%(" not in doc and "%(" not in LastFrameRegressor.fit.__doc__


def test_base_docstrings_of_the_classifier_name_its_net():
    doc = ConvLSTMClassifier.__doc__
    assert "net_ : skorch.NeuralNetClassifier" in doc
    assert "classes_ : ndarray of shape (n_classes,)" in doc
    assert "class_weight : dict, 'balanced' or None, default=None" in doc


def _define(init_source, constraints=None, docs=None):
    namespace = {}
    exec(  # an __init__ of the signature under test
        "def __init__(self, " + init_source + "):\n    pass\n", namespace
    )
    attrs = {
        "__init__": namespace["__init__"],
        "_parameter_constraints": constraints or {},
        "_param_docs": docs or {},
    }
    return type("Bad", (BaseSequenceRegressor,), attrs)


FACADE = (
    "max_epochs=1, batch_size=1, lr=1.0, optimizer='adam', weight_decay=0.0, "
    "early_stopping=False, validation_fraction=0.1, n_iter_no_change=1, "
    "warm_start=False, device='cpu', precision='float32', compile=False, "
    "random_state=None, verbose=0, callbacks=None, checkpoint=None"
)
OWN = {"size": [int]}, {"size": ("int", "A size.")}


@pytest.mark.parametrize(
    "source, tables, match",
    [
        ("*, size=1, " + FACADE, OWN, None),
        ("size=1, *, " + FACADE, OWN, r"\['size'\] are not keyword-only"),
        ("*, size=1, max_epochs=1", OWN, r"facade's parameters \['batch_size'"),
        ("*, size=1, " + FACADE, ({}, OWN[1]), r"\['size'\] have no _parameter_con"),
        ("*, size=1, " + FACADE, (OWN[0], {}), r"\['size'\] have no _param_docs"),
        ("*, " + FACADE, OWN, r"constrained parameters \['size'\] are not taken"),
    ],
    ids=["fine", "positional", "missing", "unconstrained", "undocumented", "stray"],
)
def test_base_checks_the_init_signature_when_a_class_is_defined(source, tables, match):
    if match is None:
        assert _define(source, *tables)._get_param_names()[-1] == "weight_decay"
        return
    with pytest.raises(TypeError, match=match):
        _define(source, *tables)


def test_fill_templates_indents_like_the_placeholder_and_refuses_typos():
    doc = "Head.\n\n    Returns\n    -------\n    %(returns)s\n"
    filled = fill_templates(doc, {"returns": "self : object\n    The fitted one."})
    assert filled.endswith("    self : object\n        The fitted one.\n")
    with pytest.raises(KeyError, match="retruns"):
        fill_templates("    %(retruns)s", {"returns": ""})


def test_history_rows_pack_into_arrays_and_back_exactly():
    rows = [{"train_loss": 0.1 + i / 7, "train_batch_size": 32} for i in range(5)] + [
        {"valid_loss": 1 / 3, "valid_batch_size": 9},
        {"note": "text", "flag": True},
        {"big": 2**60},
        {"train_loss": 0.5, "train_batch_size": 7},
    ]
    runs = _pack_rows(rows)
    assert runs[0]["values"].shape == (5, 2) and runs[0]["kinds"] == "fi"
    unpacked = _unpack_rows(runs)
    assert unpacked == rows
    assert [type(v) for row in unpacked for v in row.values()] == [
        type(v) for row in rows for v in row.values()
    ]


def test_history_packs_epochs_and_their_batches_and_back_exactly():
    epochs = [
        {
            "batches": [
                {"train_loss": 1 / (e + b + 1), "train_batch_size": 8} for b in range(3)
            ],
            "epoch": e + 1,
            "dur": 0.01 * e,
            "train_loss_best": e % 2 == 0,
        }
        for e in range(4)
    ]
    epochs.append({"epoch": 5, "note": "no batches here"})
    packed = _pack_history(epochs)
    # 4 alike epochs in one array, 12 batches in another
    assert packed["epochs"][0]["values"].shape == (4, 3)
    assert packed["batches"][0]["values"].shape == (12, 2)
    assert packed["n_batches"] == [3, 3, 3, 3, -1]
    assert _unpack_history(packed) == epochs


def test_seeded_torch_leaves_the_callers_random_state_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    with seeded_torch(0, "cpu"):
        inside = torch.rand(3)
    np.testing.assert_array_equal(torch.rand(3), expected)
    with seeded_torch(0, "cpu"):
        np.testing.assert_array_equal(torch.rand(3), inside)


def test_devices_resolve_or_say_what_to_use(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    with pytest.raises(ValueError, match=r"CUDA is not available.*device='cpu'"):
        resolve_device("cuda")
    # any device name torch knows, a GPU by number among them
    assert resolve_device("cpu:0") == "cpu:0"
    assert resolve_device(torch.device("cpu")) == "cpu"
    with pytest.raises(ValueError, match=r"device='cuda:1' .*CUDA is not available"):
        resolve_device("cuda:1")
    with pytest.raises(ValueError, match=r"device='gpu' is not a device torch knows"):
        resolve_device("gpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert resolve_device("cuda:0") == "cuda:0"
    with pytest.raises(ValueError, match=r"has 1 CUDA device\(s\), numbered 0 to 0"):
        resolve_device("cuda:1")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    # the estimators take such names (the check is resolve_device's, at fit)
    from sklearn_st import LSTMRegressor

    X = np.zeros((4, 3, 2))
    with pytest.raises(ValueError, match=r"device='cuda:1' was requested"):
        LSTMRegressor(device="cuda:1").fit(X, np.arange(4.0))
    with pytest.warns(UserWarning, match="loaded on the CPU"):
        assert loading_device("cuda:0") == "cpu"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loading_device("cpu") == "cpu"
