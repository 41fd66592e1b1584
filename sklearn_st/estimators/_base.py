"""The skorch facade shared by every model: plain scikit-learn estimators that build a
skorch net in ``fit`` (``net_``) from flat hyperparameters."""

import inspect
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import skorch
import torch
from scipy.special import softmax
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
)
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted

from .._validation import SEQUENCE_NDIMS, channel_stats, validate_sequences
from ..nn import btchw_shape
from ._dataset import SequenceDataset, collate_batch, pad_batch

__all__ = [
    "BaseSequenceClassifier",
    "BaseSequenceNet",
    "BaseSequenceRegressor",
    "fill_facade_doc",
    "frame_kernel_size",
    "positive_ints",
    "standardize_targets",
]

FACADE_PARAMS_DOC = """\
    max_epochs : int, default={max_epochs}
        Number of passes over the training data (an upper bound with
        ``early_stopping=True``).

    batch_size : int, default={batch_size}
        Samples per mini-batch, in training and in prediction. Only one batch is
        converted to float32 at a time.

    lr : float, default={lr}
        Learning rate of the optimizer.

    optimizer : {{'adam', 'adamw', 'sgd'}}, default='adam'
        Optimizer; 'sgd' uses Nesterov momentum 0.9, as scikit-learn's MLP.

    weight_decay : float, default=0.0
        L2 penalty (decoupled for 'adamw').

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data and stop when the
        validation loss has not improved for ``n_iter_no_change`` epochs; the
        weights of the best epoch are kept.

    validation_fraction : float, default=0.1
        Share of the training data held out when ``early_stopping=True``.

    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.

    warm_start : bool, default=False
        When fitted already, ``fit`` goes on training the fitted net for another
        ``max_epochs`` epochs (same per-sample shape, input and target scaling,
        and classes) instead of starting afresh.

    device : {{'cpu', 'cuda', 'auto'}} or torch.device, default='cpu'
        Where the net is trained and run; 'auto' takes 'cuda' when available.

    random_state : int, RandomState instance or None, default=None
        Seeds everything random in ``fit``: weight initialisation, dropout,
        shuffling and the validation split. An int gives identical refits on CPU.

    verbose : int, default=0
        With ``verbose > 0`` skorch prints a progress bar and a table per epoch.

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks; each fit uses clones of them."""


CLASS_WEIGHT_DOC = """\
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes in the loss, as ``{label: weight}``; 'balanced'
        weighs them inversely to their frequency in ``y``."""


def fill_facade_doc(cls):
    """Fill the shared parameter docs into the docstring of ``cls``.

    ``%(model_params)s`` becomes ``cls._model_params_doc`` (the parameters a model
    family shares between its regressor and classifier, a ``%``-template such as
    ``default=%(filters)r``), ``%(class_weight)s`` the classifiers' ``class_weight``
    and ``%(facade_params)s`` the facade's parameters; defaults are those of
    ``cls.__init__``.
    """
    defaults = {
        name: param.default
        for name, param in inspect.signature(cls.__init__).parameters.items()
    }
    doc = cls.__doc__.replace(
        "    %(facade_params)s", FACADE_PARAMS_DOC.format(**defaults)
    )
    doc = doc.replace("    %(class_weight)s", CLASS_WEIGHT_DOC)
    cls.__doc__ = doc.replace(
        "    %(model_params)s", getattr(cls, "_model_params_doc", "") % defaults
    )
    return cls


def standardize_targets(y, mean=None, scale=None):
    """Numeric targets as standardized float32 columns, with their mean and scale.

    Returns ``(y_std, mean, scale)``; ``y_std`` has shape ``(n_samples,
    n_outputs)``. ``mean`` and ``scale`` are learned from ``y`` unless given (to
    standardize more data as before); a constant target gets a scale of 1.
    """
    y = np.asarray(y, dtype=np.float64)
    y = y.reshape(len(y), -1)
    if mean is None:
        mean = y.mean(axis=0)
        scale = y.std(axis=0)
        scale[scale == 0] = 1.0
    return ((y - mean) / scale).astype(np.float32), mean, scale


def frame_kernel_size(kernel_size, input_shape):
    """The kernel side to use on frames of ``input_shape`` ``(time, channels,
    height, width)``: 1 on 1x1 frames (feature sequences), where any kernel acts
    through its centre alone (a 1x1 kernel is the same model, without dead taps
    that would also shrink the initial weights of the live one)."""
    return 1 if tuple(input_shape[2:]) == (1, 1) else kernel_size


def positive_ints(values):
    """True for a non-empty sequence of ints >= 1 (bools are not ints here): a
    per-layer size parameter such as ``channels`` or ``filters``."""
    return len(values) > 0 and all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in values
    )


_OPTIMIZERS = {
    "adam": (torch.optim.Adam, {}),
    "adamw": (torch.optim.AdamW, {}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
}


def _resolve_device(device):
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if torch.device(device).type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested, but CUDA is not available on this "
            "machine; use device='cpu' or device='auto'."
        )
    return str(device)


@contextmanager
def _seeded_torch(seed, device):
    """Seed torch's generators for the block and restore the caller's afterwards."""
    device = torch.device(device)
    cuda = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        yield


class _StopOnDivergence(skorch.callbacks.Callback):
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


class BaseSequenceNet(BaseEstimator):
    """Everything a sequence model shares; subclasses give parameters and a module.

    A subclass defines ``__init__`` (its own parameters, then the facade's) and
    ``_build_module(input_shape, n_outputs)``, which returns a torch module mapping
    ``(batch, time, channels, height, width)`` float32 input to ``(batch,
    n_outputs)``; ``input_shape`` is ``(time, channels, height, width)``.
    ``_input_ndims`` lists the input dimensionalities it accepts, and
    ``_input_hint`` what to tell a user who passes another.
    """

    _parameter_constraints: dict = {
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS))],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "device": [StrOptions({"cpu", "cuda", "auto"}), torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
    }
    _input_ndims = SEQUENCE_NDIMS
    _input_hint = ""

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
        random_state=None,
        verbose=0,
        callbacks=None,
    ):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks

    def _build_module(self, input_shape, n_outputs):
        raise NotImplementedError

    def _validate(self, X, y="no_validation", *, reset, labels=False):
        return validate_sequences(
            self,
            X,
            y,
            reset=reset,
            ndims=self._input_ndims,
            hint=self._input_hint,
            labels=labels,
        )

    def _callbacks(self):
        callbacks = [_StopOnDivergence(type(self).__name__)]
        callbacks += [clone(cb, safe=False) for cb in self.callbacks or []]
        if self.early_stopping:
            callbacks.append(
                skorch.callbacks.EarlyStopping(
                    patience=self.n_iter_no_change, load_best=True
                )
            )
        if self.verbose:
            callbacks.append(skorch.callbacks.ProgressBar())
        return callbacks

    def _fit_net(
        self,
        X,
        y,
        *,
        n_outputs,
        net_class,
        criterion,
        stratified=False,
        dataset=SequenceDataset,
        train=True,
        partial=False,
    ):
        """Build ``net_`` and train it on validated ``X`` and encoded targets ``y``.

        ``criterion`` is a loss class or instance; ``stratified`` makes the early
        stopping split keep the class proportions; ``dataset`` is the skorch
        dataset class that serves the batches. With ``train=False`` the net is
        only initialized (its module used as built); ``partial=True`` trains one
        epoch. When :meth:`_continues`, the fitted net trains on instead.
        """
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        epochs = 1 if partial else self.max_epochs
        if self._continues(partial):
            with _seeded_torch(seed, self.net_.device):
                self.net_.partial_fit(X, y, epochs=epochs)
            return self
        device = _resolve_device(self.device)
        mean, scale = channel_stats(X)
        optimizer, optimizer_kwargs = _OPTIMIZERS[self.optimizer]
        train_split = None
        if self.early_stopping:
            train_split = skorch.dataset.ValidSplit(
                self.validation_fraction, stratified=stratified, random_state=seed
            )
        with _seeded_torch(seed, device):
            module = self._build_module(btchw_shape(X.shape[1:]), n_outputs)
            self.net_ = net_class(
                module,
                criterion=criterion,
                optimizer=optimizer,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                train_split=train_split,
                callbacks=self._callbacks(),
                dataset=dataset,
                dataset__mean=mean,
                dataset__scale=scale,
                iterator_train__shuffle=True,
                iterator_train__collate_fn=collate_batch,
                iterator_valid__collate_fn=collate_batch,
                device=device,
                verbose=int(self.verbose),
                **{f"optimizer__{k}": v for k, v in optimizer_kwargs.items()},
                optimizer__weight_decay=self.weight_decay,
            )
            self.net_.initialize()
            if train:
                self.net_.partial_fit(X, y, epochs=epochs)
        return self

    def _continues(self, partial=False):
        """Whether this fit trains the fitted net on: ``warm_start``, or a
        ``partial_fit`` after the first."""
        return (partial or self.warm_start) and hasattr(self, "net_")

    def _forward(self, X, module=None):
        """The float32 output of ``module`` (default: the net's) for ``X``, batch
        by batch.

        ``module`` maps a ``(batch, time, channels, height, width)`` batch on the
        net's device to its output. Every batch is zero-padded to ``batch_size``, so
        that the kernels always see the same shape: a sample's output is then bit
        for bit the same whatever else it is computed with (float32 kernels round
        differently for another batch size).
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        module = self.net_.module_ if module is None else module
        module.eval()
        outputs = []
        batches = self.net_.get_iterator(self.net_.get_dataset(X), training=False)
        with torch.no_grad():
            for xb, _ in batches:
                xb_padded = pad_batch(xb, self.batch_size).to(self.net_.device)
                outputs.append(module(xb_padded)[: len(xb)].cpu().numpy())
        return np.concatenate(outputs)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


class BaseSequenceRegressor(RegressorMixin, BaseSequenceNet):
    """A regressor on the facade: standardized targets, mean squared error."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training sequences, see the array contract in the user guide.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, partial=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y):
        """Train one epoch on ``X`` and ``y``, starting from the fitted state.

        The first call builds the net and learns the input and target scaling
        from its data; later calls need the same per-sample shape and outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training sequences, see the array contract in the user guide.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, partial=True)

    def _fit(self, X, y, *, partial):
        continues = self._continues(partial)
        X, y = self._validate(X, y, reset=not continues)
        if continues:
            n_outputs = np.shape(y)[1] if np.ndim(y) == 2 else 1
            if n_outputs != self.n_outputs_:
                raise ValueError(
                    f"y has {n_outputs} outputs, but {type(self).__name__} was "
                    f"fitted on {self.n_outputs_}."
                )
            y = standardize_targets(y, self._y_mean, self._y_scale)[0]
        else:
            self._y_1d = np.ndim(y) == 1
            y, self._y_mean, self._y_scale = standardize_targets(y)
            self.n_outputs_ = y.shape[1]
        return self._fit_net(
            X,
            y,
            n_outputs=self.n_outputs_,
            net_class=skorch.NeuralNetRegressor,
            criterion=torch.nn.MSELoss,
            partial=partial,
        )

    def predict(self, X):
        """Predict targets for sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, float64.
        """
        y = self._forward(X).astype(np.float64) * self._y_scale + self._y_mean
        return y.ravel() if self._y_1d else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class BaseSequenceClassifier(ClassifierMixin, BaseSequenceNet):
    """A classifier on the facade: encoded labels, cross-entropy, softmax.

    Differs from :class:`BaseSequenceRegressor` only in its targets (any labels,
    ``classes_``), its loss (cross-entropy weighted by ``class_weight``) and its
    outputs (``predict_proba`` is the softmax of the head's logits).
    """

    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training sequences, see the array contract in the user guide.
        y : array-like of shape (n_samples,)
            Class labels (integers or strings).

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, partial=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None):
        """Train one epoch on ``X`` and ``y``, starting from the fitted state.

        As scikit-learn's MLP: the first call needs ``classes``, every label any
        call will see; it builds the net and learns the input scaling from its
        data. Later calls need the same per-sample shape.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training sequences, see the array contract in the user guide.
        y : array-like of shape (n_samples,)
            Class labels, all in ``classes``.
        classes : array-like of shape (n_classes,), default=None
            All the labels; required on the first call, ignored after it.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, partial=True, classes=classes)

    def _fit(self, X, y, *, partial, classes=None):
        continues = self._continues(partial)
        X, y = self._validate(X, y, reset=not continues, labels=True)
        if continues:
            classes = self.classes_
        elif partial:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit."
                )
            classes = np.unique(classes)
        else:
            classes = np.unique(y)
        unknown = np.setdiff1d(y, classes)
        if len(unknown):
            raise ValueError(
                f"y contains labels not in classes {classes.tolist()}: "
                f"{unknown.tolist()}."
            )
        if len(classes) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes, but the "
                f"data contains only one class: {classes.tolist()[0]!r}."
            )
        self.classes_ = classes
        y_encoded = np.searchsorted(classes, y)
        criterion = torch.nn.CrossEntropyLoss
        if self.class_weight is not None:
            weight = compute_class_weight(self.class_weight, classes=classes, y=y)
            criterion = torch.nn.CrossEntropyLoss(
                weight=torch.as_tensor(weight, dtype=torch.float32)
            )
        return self._fit_net(
            X,
            y_encoded.astype(np.int64),
            n_outputs=len(classes),
            net_class=skorch.NeuralNetClassifier,
            criterion=criterion,
            stratified=True,
            partial=partial,
        )

    def predict_proba(self, X):
        """Class probabilities for sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``, float64.
        """
        return softmax(self._forward(X).astype(np.float64), axis=1)

    def predict(self, X):
        """Predict class labels for sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        logits = self._forward(X)  # checks that the model is fitted
        return self.classes_[np.argmax(logits, axis=1)]
