"""A fitted net's state as NumPy arrays and plain Python values, and back.

What a fitted model saves instead of its skorch net: the module's weights, the
optimizer's state (Adam's moments, SGD's momentum) and the training history. Each
weight is stored once, as an array, so that ``pickle``, ``joblib`` and ``skops.io``
all work and need trust in no other type than the estimator's own class; the net
is rebuilt around them from the estimator's parameters on loading.
"""

import copy
import functools

import numpy as np
import torch
from skorch.history import History

__all__ = [
    "export_net",
    "grad_scaler_state",
    "load_grad_scaler_state",
    "load_optimizer_state",
    "load_training_state",
    "plain_module",
    "restore_net",
    "state_nbytes",
    "training_state",
    "training_undo",
]


def _plain(value):
    """``value`` with NumPy and torch scalars as Python numbers, recursively."""
    if isinstance(value, dict):
        return {key: _plain(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor) and value.ndim == 0:
        return value.item()
    return value


_CASTS = {"b": bool, "i": int, "f": float}


def _kind(value):
    """'b', 'i' or 'f' for a Python bool, int or float that a float64 holds
    exactly, else None."""
    if type(value) is bool:
        return "b"
    if type(value) is float:
        return "f"
    if type(value) is int and abs(value) < 2**53:
        return "i"
    return None


def _pack_rows(rows):
    """History records as runs of rows with the same keys and number kinds, each
    one float64 array (``{"keys", "kinds", "values"}``); a record with other
    values stays a dict (``{"rows": [record]}``). A long training's history then
    costs 8 bytes a number instead of a dict a batch."""
    runs = []
    for row in rows:
        kinds = [_kind(v) for v in row.values()]
        if None in kinds:
            runs.append({"rows": [row]})
            continue
        keys, kinds = list(row), "".join(kinds)
        last = runs[-1] if runs else {}
        if last.get("keys") == keys and last.get("kinds") == kinds:
            last["values"].append(list(row.values()))
        else:
            runs.append({"keys": keys, "kinds": kinds, "values": [list(row.values())]})
    for run in runs:
        if "values" in run:
            run["values"] = np.array(run["values"], dtype=np.float64)
    return runs


def _unpack_rows(runs):
    rows = []
    for run in runs:
        if "rows" in run:
            rows += run["rows"]
            continue
        cast = [_CASTS[kind] for kind in run["kinds"]]
        rows += [
            {key: c(v) for key, c, v in zip(run["keys"], cast, values, strict=True)}
            for values in run["values"].tolist()
        ]
    return rows


def _pack_history(epochs):
    """skorch's history (a list of epoch records, each with its list of batch
    records) as packed epoch rows, packed batch rows of all epochs, and the
    number of batches of each epoch (-1: the record has no 'batches')."""
    return {
        "epochs": _pack_rows(
            [{k: v for k, v in epoch.items() if k != "batches"} for epoch in epochs]
        ),
        "batches": _pack_rows(
            [b for epoch in epochs for b in epoch.get("batches", [])]
        ),
        "n_batches": [
            len(epoch.get("batches", [])) if "batches" in epoch else -1
            for epoch in epochs
        ],
    }


def _unpack_history(packed):
    batches = iter(_unpack_rows(packed["batches"]))
    epochs = []
    for row, n in zip(_unpack_rows(packed["epochs"]), packed["n_batches"], strict=True):
        if n >= 0:
            row = {"batches": [next(batches) for _ in range(n)], **row}
        epochs.append(row)
    return epochs


def _to_numpy(tensor):
    return tensor.detach().cpu().numpy()


def plain_module(net):
    """The net's module itself: under ``compile=True`` skorch keeps the compiled
    wrapper in ``module_``, whose state dict prefixes every name."""
    return getattr(net.module_, "_orig_mod", net.module_)


def export_net(net, *, callbacks=()):
    """The state of the initialized skorch ``net`` as arrays and plain values, and
    its fitted callbacks of the names in ``callbacks`` as they are."""
    optimizer_state = net.optimizer_.state_dict()["state"]
    n_params = sum(len(group["params"]) for group in net.optimizer_.param_groups)
    return {
        "device": str(net.device),
        "module": {
            name: _to_numpy(tensor)
            for name, tensor in plain_module(net).state_dict().items()
        },
        # one dict per parameter, in the optimizer's order; empty before a step
        "optimizer": [
            {
                key: _to_numpy(v) if isinstance(v, torch.Tensor) else _plain(v)
                for key, v in optimizer_state.get(i, {}).items()
            }
            for i in range(n_params)
        ],
        "history": _pack_history(_plain(list(net.history))),
        "callbacks": {name: cb for name, cb in net.callbacks_ if name in callbacks},
        # float16's loss scale and its growth count (plain numbers)
        "grad_scaler": _plain(grad_scaler_state(net)),
    }


def grad_scaler_state(net):
    """The state of the net's float16 loss scaler, or {} (no scaler, or one that
    has not scaled yet)."""
    scaler = getattr(net, "grad_scaler_", None)
    return scaler.state_dict() if scaler is not None else {}


def load_grad_scaler_state(net, state):
    """Load :func:`grad_scaler_state`'s ``state`` into the net's scaler (when it
    has one and the state is not empty)."""
    scaler = getattr(net, "grad_scaler_", None)
    if scaler is not None and state:
        scaler.load_state_dict(dict(state))


def load_optimizer_state(optimizer, per_param):
    """Load per-parameter state into ``optimizer``, keeping its current
    hyperparameters (learning rate, weight decay).

    ``per_param`` is the list :func:`export_net` makes, or the ``state`` of the
    ``state_dict()`` of an optimizer of the same class over the same parameters.
    """
    items = per_param.items() if isinstance(per_param, dict) else enumerate(per_param)
    state_dict = optimizer.state_dict()
    state_dict["state"] = {
        i: {key: _to_tensor(v) for key, v in state.items()}
        for i, state in items
        if state
    }
    optimizer.load_state_dict(state_dict)


def _to_tensor(value):
    # a copy: arrays read from a file may be read-only
    return torch.as_tensor(np.array(value)) if isinstance(value, np.ndarray) else value


def restore_net(net, state):
    """Load :func:`export_net`'s ``state`` into the initialized skorch ``net``."""
    weights = {name: _to_tensor(array) for name, array in state["module"].items()}
    plain_module(net).load_state_dict(weights)
    load_optimizer_state(net.optimizer_, state["optimizer"])
    net.history_ = History(_unpack_history(state["history"]))
    load_grad_scaler_state(net, state.get("grad_scaler", {}))
    saved = state["callbacks"]
    net.callbacks_ = [(name, saved.get(name, cb)) for name, cb in net.callbacks_]


def state_nbytes(net):
    """Bytes of the module's weights and of the optimizer's state tensors: what a
    saved model cannot do without (its file's size is measured against them)."""
    weights = sum(p.numel() * p.element_size() for p in net.module_.parameters())
    optimizer = sum(
        v.numel() * v.element_size()
        for state in net.optimizer_.state_dict()["state"].values()
        for v in state.values()
        if isinstance(v, torch.Tensor)
    )
    return weights, optimizer


def training_state(net):
    """What training the initialized ``net`` changes: the module's weights and
    buffers, the optimizer's and the loss scaler's state, and the history (as
    references: copy them to keep them)."""
    return {
        "module": plain_module(net).state_dict(),
        "optimizer": net.optimizer_.state_dict(),
        "grad_scaler": grad_scaler_state(net),
        "history": list(net.history_),
    }


def load_training_state(net, state):
    """Put :func:`training_state`'s ``state`` back into the initialized ``net``."""
    plain_module(net).load_state_dict(state["module"])
    net.optimizer_.load_state_dict(state["optimizer"])
    load_grad_scaler_state(net, state["grad_scaler"])
    net.history_ = History(state["history"])


def training_undo(net):
    """A function that puts back the :func:`training_state` of ``net`` as it is
    now (a continued fit trains the fitted module in place and extends its
    history)."""
    state = copy.deepcopy(training_state(net))
    return functools.partial(load_training_state, net, state)
