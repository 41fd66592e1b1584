"""The base estimator of every model: flat hyperparameters, a skorch net built in
``fit`` (``net_``), persistence that stores each weight once."""

import copy
import functools
import inspect
import os
from numbers import Integral, Real

import numpy as np
import skorch
import torch
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from .._fitted_params import FittedParamsMixin, fit_context
from .._validation import (
    SEQUENCE_NDIMS,
    channel_stats,
    check_predict_range,
    reads_lazily,
    validate_sequences,
)
from ..nn import btchw_shape
from ._checkpoint import Checkpointing, checkpoint_file, fingerprint, read_checkpoint
from ._dataset import SequenceDataset, collate_batch, pad_batch
from ._docs import (
    FACADE_ATTRIBUTE_DOCS,
    FACADE_PARAM_DOCS,
    fill_templates,
    method_docs,
    render_class_doc,
)
from ._net_state import (
    export_net,
    grad_scaler_state,
    load_grad_scaler_state,
    load_optimizer_state,
    load_training_state,
    plain_module,
    restore_net,
    training_undo,
)
from ._training import (
    OPTIMIZERS,
    PRECISIONS,
    KeepStart,
    PrecisionNet,
    StopOnDivergence,
    WeightedScore,
    autocast,
    check_precision,
    loading_device,
    resolve_device,
    resolve_precision,
    seeded_torch,
)

__all__ = ["BaseSequenceEstimator"]

# what a class may declare for its own parameters; the registration hook merges
# them along the MRO, so a class names only what it adds
_MERGED = ("_parameter_constraints", "_param_docs", "_attribute_docs")

#: The most samples a CPU computes at once at predict time (``_forward``). With
#: 8, one clip took 2.5x (ConvLSTM) and 12x (CNN-LSTM) a lone clip's time
#: instead of 4.7x and 100x for their whole default batches, and 256 clips took
#: 0.39 s and 1.64 s against 0.37 s and 2.87 s (AMD EPYC, 2 cores,
#: ``benchmarks/bench_predict.py``).
CPU_PREDICT_BATCH = 8

#: The scikit-learn checks that a net trained in float32 minibatches cannot pass,
#: with the reason: every class on the facade declares them
#: (``_expected_failed_checks``), and tests/test_common.py expects exactly these
#: to fail. tests/test_sample_weight.py checks what does hold.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "sample_weight=k gives the same loss as k copies of a sample, but float32 "
        "sums of weights and of copies round differently, and training grows the "
        "difference to about 1e-6 relative, where the check allows 1e-7; with "
        "minibatches (more samples than batch_size) the copies also fall into "
        "other batches than the weighted sample. Equivalence within 1e-4 in "
        "full-batch training is tested instead."
    ),
}

#: The facade's parameters that say how to train, not what is trained: a warm
#: start or a later partial_fit trains on with their new values. Every other
#: parameter defines the trained model (its architecture, loss, targets, input,
#: precision) and must keep its fitted value (``_begin_fit``); a class names its
#: own training parameters in ``_training_params``.
TRAINING_PARAMS = frozenset(
    {
        "max_epochs",
        "batch_size",
        "lr",
        "optimizer",
        "weight_decay",
        "early_stopping",
        "validation_fraction",
        "n_iter_no_change",
        "warm_start",
        "device",
        "compile",
        "random_state",
        "verbose",
        "callbacks",
        "checkpoint",
    }
)


def _merge_along_mro(cls, name):
    merged = {}
    for klass in reversed(cls.__mro__):
        merged.update(klass.__dict__.get(name, {}))
    return merged


class BaseSequenceEstimator(FittedParamsMixin, BaseEstimator):
    """Everything a sequence model shares; subclasses give parameters and a module.

    A subclass is registered when it is defined (``__init_subclass__``): the
    ``_parameter_constraints``, ``_param_docs`` and ``_attribute_docs`` that it and
    its mixins declare are merged with the base's; its ``__init__`` must take every
    base parameter, keyword-only, and nothing without a constraint and a doc; the
    ``%(parameters)s`` and ``%(attributes)s`` of its docstring and the
    ``%(fit_parameters)s``-style blocks of its methods' docstrings are filled in.

    A concrete class defines ``__init__`` (its own parameters, then the facade's,
    stored by ``self._set_init_params(locals())``) and
    ``_build_module(input_shape, n_outputs)``, which returns a torch module mapping
    ``(batch, time, channels, height, width)`` float32 input to ``(batch,
    n_outputs)``; ``input_shape`` is ``(time, channels, height, width)``.
    ``_input_ndims`` lists the input dimensionalities it accepts, ``_input_hint``
    what to tell a user who passes another, ``_any_n_frames`` whether ``predict``
    takes clips of another number of frames than ``fit``'s (3-D and up),
    ``_n_module_outputs()`` the module's
    output width and ``_criterion()`` the loss, both from fitted state.
    """

    _parameter_constraints: dict = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(OPTIMIZERS))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "device": [str, torch.device],  # checked by resolve_device
        "precision": [StrOptions({*PRECISIONS, "auto"})],
        "compile": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "checkpoint": [str, os.PathLike, None],
    }
    _param_docs = FACADE_PARAM_DOCS
    _attribute_docs = FACADE_ATTRIBUTE_DOCS
    _input_ndims = SEQUENCE_NDIMS
    _input_hint = ""
    _any_n_frames = False
    _net_class = PrecisionNet
    _dataset_class = SequenceDataset
    _targets = "numeric"  # what y holds: 'numeric' or 'labels' (for the docs)
    _training_params = TRAINING_PARAMS
    # the sklearn scorer of validation_scores_ (None: minus the validation loss)
    _validation_scoring = None
    # whether the untrained model is a forecast worth keeping: a class that says
    # so takes ``keep_start`` (:meth:`_checks_start`)
    _keeps_start = False
    _expected_failed_checks = EXPECTED_FAILED_CHECKS
    _cpu_predict_batch = CPU_PREDICT_BATCH  # see _forward

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _MERGED:
            setattr(cls, name, _merge_along_mro(cls, name))
        _fill_method_docs(cls)
        if "__init__" in vars(cls):
            _check_init_signature(cls)
            if cls.__doc__:
                cls.__doc__ = render_class_doc(cls)

    def __init__(
        self,
        *,
        max_epochs=100,
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

    def _set_init_params(self, values):
        """Store every ``__init__`` parameter from ``values`` (the ``locals()`` of
        ``__init__``) as an attribute of the same name, and nothing else."""
        for name in self._get_param_names():
            setattr(self, name, values[name])

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        %(fit_parameters)s

        %(returns_self)s
        """
        return self._fit(X, y, partial=False, sample_weight=sample_weight)

    def _fit(self, X, y, *, partial, sample_weight=None):
        raise NotImplementedError

    def _build_module(self, input_shape, n_outputs):
        raise NotImplementedError

    def _n_module_outputs(self):
        raise NotImplementedError

    def _criterion(self):
        return torch.nn.MSELoss()

    def _dataset_params(self):
        """Keyword arguments of ``_dataset_class`` besides the input scaling."""
        return {}

    def _input_scaling(self, mean, scale):
        """``(mean, scale)`` that standardize the input, from its per-channel
        statistics."""
        return mean, scale

    def _check_fit_values(self, value_range):
        """Hook: a ``ValueError`` when fit's values (``(low, high)``) do not suit
        the model."""

    def _prepare_module(self, module, X):
        """Hook: give a new module what the fit learned of ``X`` (its scaling,
        ``_x_mean``, ``_x_scale``, ``_x_range``) before it trains."""

    def _validate(self, X, y="no_validation", *, reset, labels=False):
        return validate_sequences(
            self,
            X,
            y,
            reset=reset,
            ndims=self._input_ndims,
            hint=self._input_hint,
            labels=labels,
            any_n_frames=self._any_n_frames,
            # NaN and infinity: in fit's one pass for statistics, in predict's
            # batches (an array not in memory is read once, not twice)
            defer_finite=True,
        )

    def _begin_fit(self, partial=False):
        """Whether this fit trains the fitted net on: ``warm_start``, or a
        ``partial_fit`` after the first.

        The one check of continued training: a ``ValueError`` when a parameter
        that defines the trained model (any but ``_training_params``) differs
        from its fitted value, naming it and both values; and when
        ``partial_fit`` meets ``early_stopping=True``, which needs a validation
        set and a patience that one call's chunk cannot give.
        """
        name = type(self).__name__
        if partial and self.early_stopping:
            raise ValueError(
                f"{name}.partial_fit does not support early_stopping=True: each "
                "call trains one epoch on its own chunk, with no validation set or "
                "patience across calls. Set early_stopping=False, and score your "
                "own validation data between calls."
            )
        continues = (partial or self.warm_start) and hasattr(self, "net_")
        if not continues:
            return False
        for param, fitted, value in self._changed_fitted_params():
            start = "warm_start=False" if not partial else "fit() instead"
            raise ValueError(
                f"{name} was fitted with {param}={fitted!r}, but {param} is "
                f"{value!r} now: the trained model cannot change it. Set "
                f"{param}={fitted!r} to train on, or use {start} to train a new "
                "model."
            )
        return True

    def _fit_undo(self, partial):
        """What :func:`~sklearn_st._fitted_params.fit_context` calls when a fit fails:
        the fitted net's training put back, for a fit that continues it in
        place (``partial_fit``, ``warm_start``); a new fit makes a new net,
        which the attributes' restoration drops."""
        net = getattr(self, "net_", None)
        if net is None or not (partial or self.warm_start):
            return None
        return training_undo(net)

    def _as_fitted(self):
        """A shallow copy of this estimator with the fitted values of the
        parameters that define the model (to rebuild its module)."""
        shadow = copy.copy(self)
        vars(shadow).update(self._fitted_params)
        return shadow

    def _user_callbacks(self):
        """Clones of ``callbacks`` as ``(name, callback)``; unnamed ones are named
        by their class, as skorch names them, numbered when a name repeats."""
        named, seen = [], {}
        for cb in self.callbacks or []:
            name, cb = cb if isinstance(cb, tuple) else (type(cb).__name__, cb)
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                name = f"{name}_{seen[name] - 1}"
            named.append((name, clone(cb, safe=False)))
        return named

    def _callbacks(self, partial=False):
        """The net's callbacks: the divergence check, the user's, and those that
        ``early_stopping`` and ``verbose`` add, unless the user gave one of the
        same class (an ``EarlyStopping`` of their own patience, say), which
        replaces it."""
        user = self._user_callbacks()
        kinds = {type(cb) for _, cb in user}
        callbacks = [StopOnDivergence(type(self).__name__), *user]
        if self.early_stopping and self._validation_scoring is not None:
            callbacks.append(
                skorch.callbacks.EpochScoring(
                    WeightedScore(self._validation_scoring),
                    lower_is_better=False,
                    name="valid_score",
                )
            )
        if self.early_stopping and skorch.callbacks.EarlyStopping not in kinds:
            callbacks.append(
                skorch.callbacks.EarlyStopping(
                    patience=int(self.n_iter_no_change), load_best=True
                )
            )
        if self._checks_start() and not partial:  # after EarlyStopping
            callbacks.append(KeepStart())
        if self.verbose and skorch.callbacks.ProgressBar not in kinds:
            callbacks.append(skorch.callbacks.ProgressBar())
        return callbacks

    def _checks_start(self):
        """Whether a fit scores the model it starts from on a validation split
        and keeps it unless training beats it (:class:`KeepStart`)."""
        return self._keeps_start and bool(getattr(self, "keep_start", False))

    def _make_net(self, module, *, seed, device, partial=False, checkpointing=None):
        """An initialized skorch net around ``module`` with the current
        parameters, on ``device``; ``seed`` seeds the validation split, which
        ``early_stopping`` and the start's check (:meth:`_checks_start`) hold
        out in ``fit`` (not in ``partial_fit``: one epoch on a chunk)."""
        criterion = self._criterion()
        optimizer, optimizer_kwargs = OPTIMIZERS[self.optimizer]
        train_split = None
        if self.early_stopping or (self._checks_start() and not partial):
            train_split = skorch.dataset.ValidSplit(
                float(self.validation_fraction),
                stratified=isinstance(criterion, torch.nn.CrossEntropyLoss),
                random_state=seed,
            )
        net = self._net_class(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=float(self.lr),
            max_epochs=int(self.max_epochs),
            batch_size=int(self.batch_size),
            train_split=train_split,
            callbacks=[
                *self._callbacks(partial),
                *([] if checkpointing is None else [checkpointing]),
            ],
            dataset=self._dataset_class,
            dataset__mean=self._x_mean,
            dataset__scale=self._x_scale,
            **{f"dataset__{k}": v for k, v in self._dataset_params().items()},
            iterator_train__shuffle=True,
            iterator_train__collate_fn=collate_batch,
            iterator_valid__collate_fn=collate_batch,
            device=device,
            precision=self.precision_,
            compile=bool(self.compile),
            verbose=int(self.verbose),
            **{f"optimizer__{k}": v for k, v in optimizer_kwargs.items()},
            optimizer__weight_decay=float(self.weight_decay),
        )
        return net.initialize()

    def _fit_net(
        self, X, y, *, continues, partial=False, train=True, sample_weight=None
    ):
        """Train ``net_`` on validated ``X`` and encoded targets ``y``, weighted
        by checked ``sample_weight`` (:meth:`_check_weights`) when given.

        A new fit records the parameters that define the model, builds the module
        (before anything reads the data, so that a bad size fails at once) and
        learns the input scaling; a continued one (``continues``, from
        :meth:`_begin_fit`) wraps the fitted module and its history in a net made
        from the current parameters, with the optimizer's state when the optimizer
        is the same. ``partial=True`` trains one epoch, ``train=False`` none.
        """
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        device = resolve_device(self.device)
        precision = (
            self.precision_ if continues else resolve_precision(self.precision, device)
        )
        check_precision(precision, device)
        with seeded_torch(seed, device):
            if not continues:
                # what predict and a continued fit go by, whatever set_params
                # does later
                self._record_fitted_params(exclude=self._training_params)
                self.precision_ = precision
                module = self._build_module(
                    btchw_shape(X.shape[1:]), self._n_module_outputs()
                )
            # the one pass over X before training: statistics, value range and
            # the NaN and infinity check together
            stats = channel_stats(X, with_range=True, sample_weight=sample_weight)
            mean, scale, value_range = stats
            self._check_fit_values(value_range)
            checkpointing, resume = None, None
            if self.checkpoint is not None and train:
                print_ = fingerprint(self, X, stats, y, sample_weight, partial=partial)
                file = checkpoint_file(self.checkpoint, print_)
                if not (partial and continues):  # a later call writes, only
                    resume = read_checkpoint(file, print_, type(self).__name__)
                seed = seed if resume is None else resume["seed"]
                checkpointing = Checkpointing(file, print_, seed, resume, partial)
            make = functools.partial(
                self._make_net,
                seed=seed,
                device=device,
                partial=partial,
                checkpointing=checkpointing,
            )
            if continues:
                previous = self.net_
                # compiled afresh if compile=True
                self.net_ = make(plain_module(previous))
                if type(self.net_.optimizer_) is type(previous.optimizer_):
                    state = previous.optimizer_.state_dict()["state"]
                    load_optimizer_state(self.net_.optimizer_, state)
                load_grad_scaler_state(self.net_, grad_scaler_state(previous))
                self.net_.history_ = previous.history
            else:
                self._x_mean, self._x_scale = self._input_scaling(mean, scale)
                self._x_range = value_range
                self._prepare_module(module, X)
                self.net_ = make(module)
            if train:
                epochs = 1 if partial else int(self.max_epochs)
                if checkpointing is not None:
                    checkpointing.first_epoch = len(self.net_.history_)
                if resume is not None:
                    load_training_state(self.net_, resume)
                    if not partial:
                        epochs -= resume["epochs_done"]
                # the net's dataset, with the weights: a validation split keeps
                # them, and y (when there is one) stratifies it
                dataset = self.net_.get_dataset(X, y)
                dataset.sample_weight = sample_weight
                self.net_.partial_fit(dataset, y, epochs=epochs)
                if checkpointing is not None:
                    checkpointing.resume = None
                    # kept for a partial_fit's next call, and after a Ctrl-C
                    # (which skorch ends training on) to resume later
                    total = int(self.max_epochs)
                    if not partial and checkpointing.finished(self.net_, total):
                        checkpointing.file.unlink(missing_ok=True)
        return self

    @staticmethod
    def _check_weights(sample_weight, X):
        """``sample_weight`` as float64, or None; scikit-learn's errors for
        negative, non-finite, all-zero weights or another number of them than
        of samples in ``X``."""
        if sample_weight is None:
            return None
        weights = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if not weights.any():  # scikit-learn >= 1.7 says so itself, 1.6 does not
            raise ValueError(
                "Sample weights must contain at least one non-zero number."
            )
        return weights

    def _forward(
        self, X, module=None, *, frames=None, check_input=True, **module_kwargs
    ):
        """The float32 output of ``module`` (default: the net's) for ``X``, batch
        by batch, under the autocast of ``precision``.

        ``module`` maps a ``(batch, time, channels, height, width)`` batch on the
        net's device to its output. Every batch holds the same number of samples
        (the last one zero-padded), so that the kernels always see the same shape:
        a sample's output then does not depend on what else it is computed with
        beyond float32 rounding (within a relative 1e-5; bit for bit where the
        kernels round a row alike wherever it lies in the batch, as on AVX2 and
        AVX-512 CPUs, not on AMX ones; another batch size rounds differently
        everywhere). That
        number is ``batch_size`` on an accelerator, where a padded batch takes
        about the time of one clip, and at most ``_cpu_predict_batch`` (default
        ``CPU_PREDICT_BATCH``) on a CPU,
        where time grows with the batch: one clip then costs a few clips' time,
        not a whole batch's (``benchmarks/bench_predict.py``).
        ``frames`` (a slice) picks the frames the module reads; ``module_kwargs``
        go to its ``forward``. ``check_input=False``: ``X`` is validated already
        (an indexable array is then not read once more for its check).
        """
        check_is_fitted(self)
        if check_input:
            X = self._validate(X, reset=False)
        module = self.net_.module_ if module is None else module
        module.eval()
        dataset = SequenceDataset(
            X,
            mean=self._x_mean,
            scale=self._x_scale,
            frames=frames,
            check_values=reads_lazily(X),  # the rest was checked when validated
            track_range=True,
        )
        # the fitted precision, whatever set_params did since; the batch size as
        # set now (memory at predict time: only float rounding differs)
        batch_size, n_samples = int(self.batch_size), X.shape[0]
        device = self.net_.device
        if torch.device(device).type == "cpu":
            batch_size = min(batch_size, self._cpu_predict_batch)
        outputs = []
        with torch.no_grad(), autocast(self.net_.precision, device):
            for start in range(0, n_samples, batch_size):
                indices = range(start, min(start + batch_size, n_samples))
                xb, _ = dataset.__getitems__(indices)
                xb_padded = pad_batch(xb, batch_size).to(device)
                out = module(xb_padded, **module_kwargs)[: len(xb)]
                outputs.append(out.float().cpu().numpy())
        check_predict_range(self, getattr(self, "_x_range", None), dataset.value_range)
        return np.concatenate(outputs)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "net_")

    @property
    def n_iter_(self):
        check_is_fitted(self)
        return len(self.net_.history)

    @property
    def loss_curve_(self):
        check_is_fitted(self)
        return [float(loss) for loss in self.net_.history[:, "train_loss"]]

    @property
    def validation_scores_(self):
        check_is_fitted(self)
        scores = [self._validation_score(epoch) for epoch in self.net_.history]
        return None if all(s is None for s in scores) else scores

    @property
    def best_validation_score_(self):
        scores = self.validation_scores_
        return None if scores is None else max(s for s in scores if s is not None)

    def _validation_score(self, epoch):
        """An epoch's validation score, or None when it had no validation set."""
        if self._validation_scoring is not None and "valid_score" in epoch:
            return float(epoch["valid_score"])
        if self._validation_scoring is None and "valid_loss" in epoch:
            return -float(epoch["valid_loss"])
        return None

    def __getstate__(self):
        # the net's weights, optimizer state and history as arrays and plain
        # values (stored once, loadable by skops); the net itself is rebuilt
        state = dict(super().__getstate__())  # a copy: never edit self.__dict__
        if "net_" in state:
            # the user's callbacks as fitted (what they recorded); the others
            # are rebuilt
            user = [name for name, _ in self._user_callbacks()]
            state["net_"] = export_net(state["net_"], callbacks=user)
        return state

    def __setstate__(self, state):
        state = dict(state)
        net_state = state.pop("net_", None)
        super().__setstate__(state)
        if net_state is None:
            return
        device = loading_device(net_state["device"])
        # any seed builds the module before its saved weights replace the random
        # ones; a fixed one leaves NumPy's global generator alone
        seed = 0
        # the module is built as fitted (random weights, then the saved ones)
        # without touching the caller's random state
        fitted = self._as_fitted()
        with seeded_torch(seed, "cpu"):
            module = fitted._build_module(
                btchw_shape(self.sample_shape_), self._n_module_outputs()
            )
        self.net_ = fitted._make_net(module, seed=seed, device=device)
        restore_net(self.net_, net_state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


def _fill_method_docs(cls):
    """Fill the ``%(fit_parameters)s``-style blocks of the methods' docstrings; a
    method inherited with a template (the base's ``fit``, whose ``y`` depends on
    the class) gets a copy of its own with the filled docstring."""
    snippets = method_docs(cls._targets)
    for name in dir(cls):
        method = getattr(cls, name, None)
        if not inspect.isfunction(method) or "%(" not in (method.__doc__ or ""):
            continue
        doc = fill_templates(method.__doc__, snippets)
        if name in vars(cls):
            method.__doc__ = doc
        else:
            setattr(cls, name, _with_doc(method, doc))


def _with_doc(method, doc):
    @functools.wraps(method)
    def with_doc(*args, **kwargs):
        return method(*args, **kwargs)

    with_doc.__doc__ = doc
    return with_doc


def _check_init_signature(cls):
    """``cls.__init__`` takes exactly the parameters that its classes constrain
    and document, keyword-only, the base's among them."""
    params = [
        p
        for name, p in inspect.signature(cls.__init__).parameters.items()
        if name != "self"
    ]
    names = {p.name for p in params}
    problems = []
    positional = [p.name for p in params if p.kind is not p.KEYWORD_ONLY]
    if positional:
        problems.append(f"parameters {positional} are not keyword-only")
    missing = set(BaseSequenceEstimator._get_param_names()) - names
    if missing:
        problems.append(f"the facade's parameters {sorted(missing)} are missing")
    unconstrained = names - set(cls._parameter_constraints)
    if unconstrained:
        problems.append(f"{sorted(unconstrained)} have no _parameter_constraints")
    stray = set(cls._parameter_constraints) - names
    if stray:
        problems.append(f"constrained parameters {sorted(stray)} are not taken")
    undocumented = names - set(cls._param_docs)
    if undocumented:
        problems.append(f"{sorted(undocumented)} have no _param_docs")
    if problems:
        raise TypeError(f"{cls.__name__}.__init__: " + "; ".join(problems) + ".")
