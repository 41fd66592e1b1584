"""What a fit needs besides the module: optimizers, devices, seeding, callbacks."""

import contextlib
import sys
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np
import skorch
import torch
from sklearn.metrics import accuracy_score, r2_score
from skorch.dataset import unpack_data
from tqdm.auto import tqdm

from .._warnings import warn
from ..nn import weighted_mean_loss
from ..nn._hardware import cpu_has_native_bfloat16

__all__ = [
    "OPTIMIZERS",
    "PRECISIONS",
    "EpochProgress",
    "KeepStart",
    "PrecisionNet",
    "PrecisionNetClassifier",
    "PrecisionNetRegressor",
    "StopOnDivergence",
    "WeightedScore",
    "autocast",
    "check_precision",
    "loading_device",
    "resolve_device",
    "resolve_precision",
    "seeded_torch",
]

#: The facade's ``precision`` names and the dtype autocast computes in (None: off).
PRECISIONS = {"float32": None, "bfloat16": torch.bfloat16, "float16": torch.float16}

# the facade's optimizer names: the torch class and its fixed keyword arguments
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
}


def resolve_device(device):
    """The device a fit runs on: 'auto' picks CUDA when present; any other
    device torch knows by that name or ``torch.device`` ('cuda:1'); a name torch
    does not know, or a CUDA device this machine lacks, is a ``ValueError`` that
    says what to use instead."""
    if isinstance(device, str) and device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(
            f"device={device!r} is not a device torch knows ({exc}); use 'cpu', "
            "'cuda', 'cuda:1' (a GPU by number), 'auto' or a torch.device."
        ) from None
    if parsed.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} was requested, but CUDA is not available on "
                "this machine; use device='cpu' or device='auto'."
            )
        count = torch.cuda.device_count()
        if parsed.index is not None and parsed.index >= count:
            raise ValueError(
                f"device={device!r} was requested, but this machine has {count} "
                f"CUDA device(s), numbered 0 to {count - 1}."
            )
    return str(parsed)


def loading_device(device):
    """The device to restore a saved net on: its own, or the CPU (with a warning,
    as skorch gives) when it was a CUDA device and this machine has none."""
    if torch.device(device).type == "cuda" and not torch.cuda.is_available():
        warn(
            f"The model was fitted on device={device!r}, but no CUDA devices are "
            "available here; it is loaded on the CPU. Set device='cpu' before "
            "fitting it again."
        )
        return "cpu"
    return str(device)


def check_precision(precision, device):
    """A ``ValueError`` for float16 on a device other than CUDA; a warning for
    bfloat16 on a CPU that only emulates it."""
    device_type = torch.device(device).type
    if precision == "float16" and device_type != "cuda":
        raise ValueError(
            f"precision='float16' needs a CUDA device, but the model runs on "
            f"{device!r}; use precision='bfloat16' on the CPU."
        )
    if (
        precision == "bfloat16"
        and device_type == "cpu"
        and not cpu_has_native_bfloat16()
    ):
        warn(
            "precision='bfloat16' on a CPU without native bfloat16 (AMX or "
            "AVX512_BF16): its matrix products are emulated, several times slower "
            "than in float32. It pays on CPUs that have it and on GPUs."
        )


def resolve_precision(precision, device):
    """The precision a fit on ``device`` runs in: ``precision`` itself, or for
    'auto' bfloat16 where the device computes it natively (a CUDA GPU that
    supports it, a CPU with AMX or AVX512_BF16) and float32 elsewhere."""
    if precision != "auto":
        return precision
    device_type = torch.device(device).type
    if device_type == "cuda":
        native = torch.cuda.is_bf16_supported()
    else:
        native = device_type == "cpu" and cpu_has_native_bfloat16()
    return "bfloat16" if native else "float32"


def autocast(precision, device):
    """The autocast context of ``precision`` on ``device`` (nothing for float32).

    float16 on the CPU (a CUDA model loaded on a machine without a GPU) computes
    in float32: its weights are float32 anyway.
    """
    dtype = PRECISIONS[precision]
    device_type = torch.device(device).type
    if dtype is None or (dtype == torch.float16 and device_type != "cuda"):
        return contextlib.nullcontext()
    return torch.autocast(device_type, dtype=dtype)


class _PrecisionMixin:
    """A skorch net whose forward passes run under the autocast of
    ``precision``: matrix products and convolutions in bfloat16 or float16, the
    weights, optimizer state and loss in float32 (the module's output is cast to
    float32 before the loss). float16 scales the loss against underflowing
    gradients (``torch.amp.GradScaler``, ``grad_scaler_``) and unscales them
    before the callbacks see them (``on_grad_computed``: gradient clipping
    clips the true gradients)."""

    def __init__(self, *args, precision="float32", **kwargs):
        super().__init__(*args, **kwargs)
        self.precision = precision

    def initialize(self):
        # no check of the device: a float16 model loaded where there is no GPU
        # predicts in float32 (see autocast); fit refuses float16 off CUDA
        super().initialize()
        self.grad_scaler_ = None
        if self.precision == "float16":
            self.grad_scaler_ = torch.amp.GradScaler(torch.device(self.device).type)
        return self

    def infer(self, x, **fit_params):
        if isinstance(x, Mapping):  # a weighted batch: the weights are the loss's
            x = x["x"]
        with autocast(self.precision, self.device):
            y = super().infer(x, **fit_params)
        return y.float()

    def get_loss(self, y_pred, y_true, X=None, training=False):
        if not isinstance(X, Mapping):
            return super().get_loss(y_pred, y_true, X=X, training=training)
        # a weighted batch: the weighted mean of the samples' losses
        y_true = skorch.utils.to_tensor(y_true, device=self.device)
        weight = skorch.utils.to_tensor(X["sample_weight"], device=self.device)
        return weighted_mean_loss(self.criterion_, y_pred, y_true, weight)

    def train_step_single(self, batch, **fit_params):
        if self.grad_scaler_ is None:
            return super().train_step_single(batch, **fit_params)
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True)
        self.grad_scaler_.scale(loss).backward()
        # unscaled before skorch's train_step notifies on_grad_computed, so
        # that callbacks (GradientNormClipping) see the true gradients; the
        # scaler remembers it and does not unscale them again in its step
        for name in self._optimizers:
            self.grad_scaler_.unscale_(getattr(self, name + "_"))
        return {"loss": loss, "y_pred": y_pred}

    def _step_optimizer(self, step_fn):
        if self.grad_scaler_ is None:
            return super()._step_optimizer(step_fn)
        # the scaler skips a step whose gradients overflowed, then adapts the
        # scale
        step_fn()
        for name in self._optimizers:
            self.grad_scaler_.step(getattr(self, name + "_"))
        self.grad_scaler_.update()
        return None


class PrecisionNet(_PrecisionMixin, skorch.NeuralNet):
    """:class:`skorch.NeuralNet` with a ``precision``."""


class PrecisionNetRegressor(_PrecisionMixin, skorch.NeuralNetRegressor):
    """:class:`skorch.NeuralNetRegressor` with a ``precision``."""


class PrecisionNetClassifier(_PrecisionMixin, skorch.NeuralNetClassifier):
    """:class:`skorch.NeuralNetClassifier` with a ``precision``."""


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


class KeepStart(skorch.callbacks.Callback):
    """Never end a fit worse than it started: the module as the fit finds it
    (untrained, or as a warm start left it) is scored on the validation split
    before the first epoch, as epoch 0, and the trained module at the end
    (after ``EarlyStopping`` put back its best epoch); unless the trained one
    scores lower, the starting weights are put back. The last epoch's history
    records ``start_valid_loss``, ``end_valid_loss`` and ``kept_start``.
    Without a validation split it does nothing."""

    def on_train_begin(self, net, **kwargs):
        # the start's loss and weights: fitted state, which a checkpoint saves
        self.start_loss_, self.start_weights_, self._valid = None, None, None

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        if dataset_valid is None:
            return
        self._valid = dataset_valid
        if self.start_loss_ is None:
            self.start_weights_ = {
                k: v.detach().clone() for k, v in net.module_.state_dict().items()
            }
            self.start_loss_ = _validation_loss(net, dataset_valid)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        if self.start_loss_ is None:
            return
        if self._valid is None:  # resumed after its last epoch: split again
            self._valid = net.get_split_datasets(X, y)[1]
        end_loss = _validation_loss(net, self._valid)
        start_loss, kept = self.start_loss_, not end_loss < self.start_loss_
        if kept:
            net.module_.load_state_dict(self.start_weights_)
        self.start_loss_, self.start_weights_, self._valid = None, None, None
        net.history.record("start_valid_loss", start_loss)
        net.history.record("end_valid_loss", end_loss)
        net.history.record("kept_start", kept)


def _validation_loss(net, dataset):
    """The loss of ``net`` on ``dataset`` as skorch's ``valid_loss`` averages it
    (the batches' losses weighted by their sizes), recording nothing."""
    total, count = 0.0, 0
    for batch in net.get_iterator(dataset, training=False):
        n = len(batch[1])
        total += float(net.validation_step(batch)["loss"]) * n
        count += n
    return total / count


class EpochProgress(skorch.callbacks.Callback):
    """A progress bar over the epochs of each fit, with the last training loss.

    Pass it in any model's ``callbacks`` to see a long fit advance: one tqdm bar
    on stderr per fit, which makes room for the next fit's when it ends (so the
    fits of ``cross_validate`` or ``GridSearchCV`` show one bar at a time).
    ``verbose=1`` prints skorch's whole table per epoch instead.

    Parameters
    ----------
    desc : str, default="epochs"
        The bar's label, e.g. the model's name.

    Examples
    --------
    >>> from sklearn_st import EpochProgress, LSTMRegressor
    >>> model = LSTMRegressor(callbacks=[EpochProgress("LSTM")])
    """

    def __init__(self, desc="epochs"):
        self.desc = desc

    def on_train_begin(self, net, **kwargs):
        # leave=False: the bar of a finished fit makes room for the next one's
        self.bar_ = tqdm(
            total=net.max_epochs,
            desc=self.desc,
            unit="epoch",
            file=sys.stderr,
            leave=False,
            mininterval=0,  # epochs are slow: draw each one
        )

    def on_epoch_end(self, net, **kwargs):
        self.bar_.update()
        self.bar_.set_postfix(loss=f"{net.history[-1, 'train_loss']:.4g}")

    def on_train_end(self, net, **kwargs):
        self.bar_.close()

    def __getstate__(self):  # the bar belongs to the fit that drew it
        state = dict(self.__dict__)
        state.pop("bar_", None)
        return state


class WeightedScore:
    """The scoring of early stopping's ``EpochScoring``: R² ('r2') or accuracy
    ('accuracy') of the validation predictions, weighted by the fit's sample
    weights when it has them (the validation set is a ``Subset`` of the weighted
    dataset)."""

    def __init__(self, metric):
        self.metric = metric

    def __call__(self, net, X, y):
        weight = getattr(getattr(X, "dataset", None), "sample_weight", None)
        if weight is not None:
            weight = weight[X.indices]
        score = {"r2": r2_score, "accuracy": accuracy_score}[self.metric]
        return score(skorch.utils.to_numpy(y), net.predict(X), sample_weight=weight)
