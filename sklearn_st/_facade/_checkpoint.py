"""Checkpoints that let a killed fit resume where it stopped, to the same weights.

A fit with ``checkpoint=PATH`` writes, at the end of every epoch, everything the
next epoch depends on: the module's weights, the optimizer's and loss scaler's
state, the history, the callbacks' state (early stopping's count and best
weights, the start :class:`KeepStart` scored, a learning-rate schedule), the
random generators (torch's, which orders the batches and draws dropout, NumPy's
and Python's) and the seed of the validation split. It writes a temporary file
and renames it, so a kill while saving leaves the previous checkpoint whole. The
same fit on the same data finds it and trains only the epochs that are left.
"""

import hashlib
import os
import pickle
import random
from pathlib import Path

import numpy as np
import skorch
import torch

from ._net_state import training_state

__all__ = [
    "Checkpointing",
    "checkpoint_file",
    "fingerprint",
    "read_checkpoint",
    "write_atomically",
]

#: parameters that change neither the trained model nor the course of training
_NOT_FINGERPRINTED = {"checkpoint", "verbose", "callbacks"}


def _digest(array):
    if array is None:
        return None
    array = np.ascontiguousarray(array)
    return hashlib.sha256(str(array.dtype).encode() + array.tobytes()).hexdigest()


def fingerprint(estimator, X, stats, y, sample_weight, *, partial):
    """What a fit resumes only when unchanged: ``{'parameters': {name: repr},
    'data': {...}}``. The data are known by their shape, dtype, the per-channel
    statistics and value range the fit computes anyway (``stats``), and digests
    of ``y`` and ``sample_weight``; a ``partial_fit``'s chunks differ call to
    call, so only its per-sample shape counts."""
    params = {
        name: repr(value)
        for name, value in estimator.get_params(deep=False).items()
        if name not in _NOT_FINGERPRINTED
    }
    data = {"class": type(estimator).__name__, "sample shape": list(X.shape[1:])}
    if not partial:
        mean, scale, (low, high) = stats
        data.update(
            {
                "n_samples": int(X.shape[0]),
                "dtype": str(getattr(X, "dtype", "")),
                "mean": np.asarray(mean, dtype=np.float64).tolist(),
                "scale": np.asarray(scale, dtype=np.float64).tolist(),
                "range": [float(low), float(high)],
                "y": _digest(y),
                "sample_weight": _digest(sample_weight),
            }
        )
    return {"parameters": params, "data": data}


def checkpoint_file(path, print_):
    """The checkpoint of this fit: ``path`` itself, or, when ``path`` is a
    directory, a file in it named by the fit's fingerprint (one per candidate
    and fold of a search)."""
    path = Path(path)
    if not path.is_dir():
        return path
    key = hashlib.sha256(repr(sorted(print_.items())).encode()).hexdigest()[:20]
    return path / f"{print_['data']['class']}-{key}.ckpt"


def read_checkpoint(file, print_, name):
    """The state saved in ``file`` (None when there is none), after checking
    that it was written by this fit: a ``ValueError`` naming what differs."""
    if not file.exists():
        return None
    try:
        state = torch.load(file, map_location="cpu", weights_only=False)
    except Exception as error:  # not one of ours, or damaged outside a save
        raise ValueError(
            f"{name} cannot resume from the checkpoint {str(file)!r}: it does not "
            f"read as one ({error}). Remove it or pass another checkpoint path."
        ) from error
    saved = state.get("fingerprint", {}) if isinstance(state, dict) else {}
    differs = [
        f"{key}={saved['parameters'].get(key)} in the checkpoint, {value} now"
        for key, value in print_["parameters"].items()
        if saved.get("parameters", {}).get(key) != value
    ]
    differs += [
        f"the data's {key}"
        for key, value in print_["data"].items()
        if saved.get("data", {}).get(key) != value
    ]
    if differs:
        raise ValueError(
            f"{name} cannot resume from the checkpoint {str(file)!r}: another fit "
            f"wrote it ({'; '.join(differs)}). Fit on the same data with the same "
            "parameters to resume, or remove the file (or pass another path) to "
            "start afresh."
        )
    return state


def _saved_attributes(callback):
    """A callback's fitted state: its attributes ending in ``_`` (skorch's
    convention) that pickle, state dicts for those that have one."""
    state = {}
    for key, value in vars(callback).items():
        if not key.endswith("_") or key.startswith("_"):
            continue
        if hasattr(value, "state_dict") and hasattr(value, "load_state_dict"):
            state[key] = ("state_dict", value.state_dict())
            continue
        try:
            pickle.dumps(value)
        except Exception:  # a progress bar, an open file: not state to resume
            continue
        state[key] = ("value", value)
    return state


def _restore_attributes(callback, state):
    for key, (kind, value) in state.items():
        if kind == "state_dict" and hasattr(getattr(callback, key, None), "state_dict"):
            getattr(callback, key).load_state_dict(value)
        elif kind == "value":
            setattr(callback, key, value)


def _rng_state(device):
    cuda = torch.device(device).type == "cuda" and torch.cuda.is_available()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state(torch.device(device)) if cuda else None,
        "numpy": np.random.get_state(),
        "python": random.getstate(),
    }


def _set_rng_state(state, device):
    torch.set_rng_state(state["torch"])
    if state["cuda"] is not None:
        torch.cuda.set_rng_state(state["cuda"], torch.device(device))
    np.random.set_state(state["numpy"])
    random.setstate(state["python"])


class Checkpointing(skorch.callbacks.Callback):
    """Writes the checkpoint at the end of every epoch (the last callback, after
    early stopping has counted the epoch), and on resuming puts the callbacks'
    state and the random generators back once the others have reset theirs."""

    def __init__(self, file, fingerprint, seed, resume=None, partial=False):
        self.file = file
        self.fingerprint = fingerprint
        self.seed = seed
        self.resume = resume
        self.partial = partial
        self.first_epoch = 0  # the history's length when this fit call began
        # the epochs of this fit call trained and saved
        self.epochs_done = 0 if resume is None else resume["epochs_done"]

    def on_train_begin(self, net, **kwargs):
        if self.resume is None:
            return
        for name, callback in net.callbacks_:
            _restore_attributes(callback, self.resume["callbacks"].get(name, {}))
        if self.partial:
            # as a continued partial_fit call: generators seeded for the call,
            # nothing drawn before training
            torch.manual_seed(self.seed)
        else:
            _set_rng_state(self.resume["rng"], net.device)

    def finished(self, net, epochs):
        """Whether the fit trained all ``epochs`` of this call or early stopping
        ended it (a Ctrl-C, which skorch turns into an early end, did not)."""
        stopped = any(
            isinstance(cb, skorch.callbacks.EarlyStopping)
            and getattr(cb, "misses_", 0) >= cb.patience
            for _, cb in net.callbacks_
        )
        return self.epochs_done >= epochs or stopped

    def on_epoch_end(self, net, **kwargs):
        self.epochs_done = len(net.history_) - self.first_epoch
        state = {
            "fingerprint": self.fingerprint,
            "seed": self.seed,
            # loaded by load_training_state; the callbacks and generators
            # follow in on_train_begin
            **training_state(net),
            "epochs_done": self.epochs_done,
            "callbacks": {
                name: _saved_attributes(cb)
                for name, cb in net.callbacks_
                if cb is not self
            },
            "rng": _rng_state(net.device),
        }
        write_atomically(state, self.file)


def write_atomically(state, file):
    """``torch.save`` into a temporary file beside ``file``, then renamed over it
    (atomic on POSIX and Windows): a kill while saving leaves ``file`` as it was."""
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(file.name + ".tmp")
    with open(temporary, "wb") as f:
        torch.save(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, file)
