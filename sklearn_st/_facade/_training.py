"""What a fit needs besides the module: optimizers, devices, seeding, callbacks."""

import warnings
from contextlib import contextmanager

import numpy as np
import skorch
import torch

__all__ = [
    "OPTIMIZERS",
    "StopOnDivergence",
    "loading_device",
    "resolve_device",
    "seeded_torch",
]

# the facade's optimizer names: the torch class and its fixed keyword arguments
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
}


def resolve_device(device):
    """The device a fit runs on: 'auto' picks CUDA when present; an unavailable
    CUDA device is a ``ValueError`` that says what to use instead."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if torch.device(device).type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested, but CUDA is not available on this "
            "machine; use device='cpu' or device='auto'."
        )
    return str(device)


def loading_device(device):
    """The device to restore a saved net on: its own, or the CPU (with a warning,
    as skorch gives) when it was a CUDA device and this machine has none."""
    if torch.device(device).type == "cuda" and not torch.cuda.is_available():
        warnings.warn(
            f"The model was fitted on device={device!r}, but no CUDA devices are "
            "available here; it is loaded on the CPU. Set device='cpu' before "
            "fitting it again.",
            UserWarning,
            stacklevel=3,
        )
        return "cpu"
    return str(device)


@contextmanager
def seeded_torch(seed, device):
    """Seed torch's generators for the block and restore the caller's afterwards."""
    device = torch.device(device)
    cuda = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        yield


class StopOnDivergence(skorch.callbacks.Callback):
    """Stop training with a clear error as soon as a batch's loss is NaN or inf.

    A diverged net would otherwise go on training on NaN weights and predict NaN.
    """

    def __init__(self, estimator_name):
        self.estimator_name = estimator_name

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        key = "train_loss" if training else "valid_loss"
        loss = net.history[-1, "batches", -1, key]
        if not np.isfinite(loss):
            raise ValueError(
                f"{self.estimator_name} diverged: the {key.replace('_', ' ')} became "
                f"{loss} in epoch {len(net.history)}. Lower the learning rate "
                f"(lr={net.lr:g} now), or check the inputs and targets for extreme "
                "values."
            )
