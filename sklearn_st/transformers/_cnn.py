"""Learned per-frame CNN features."""

import copy
from numbers import Integral

import numpy as np
import torch
from sklearn.base import TransformerMixin
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._facade import (
    TRAINING_PARAMS,
    BaseSequenceEstimator,
    FrameCNNMixin,
    encode_labels,
    numeric_targets,
)
from .._facade._dataset import ReconstructionDataset, SequenceDataset
from .._fitted_params import fit_context
from .._validation import is_label_target
from ..nn import CNNLSTMNet, FrameAutoencoder, FrameFeatures

__all__ = ["CNNFeatureExtractor"]


class CNNFeatureExtractor(FrameCNNMixin, TransformerMixin, BaseSequenceEstimator):
    """Per-frame features from a convolutional network with learned weights.

    Turns ``(n_samples, n_frames, height, width, n_channels)`` into ``(n_samples,
    n_frames, n_features)``, the input of :class:`LSTMRegressor` and
    :class:`LSTMClassifier`. 4-D input is one channel, 3-D ``(n_samples,
    n_frames, n_features)`` is 1x1 frames with ``n_features`` channels, 2-D a
    univariate sequence. Trained on numeric targets (or on none), each frame's
    features come from the frame stacked with the one before it, so that they
    show how the picture moved since, which the features of single frames cannot;
    trained on class labels, from the frame alone (``stacked_frames='auto'``). How
    the encoder learns is set by ``objective``:

    - 'supervised': the encoder and an LSTM over its frame features (the
      end-to-end model of :class:`CNNLSTMRegressor`, with ``hidden_size=32``) are
      trained to predict ``y``, so that what moves can shape the features; the
      LSTM and its head are dropped afterwards. Float targets are regressed
      (squared error on standardized targets), labels (integers, strings,
      booleans) classified (cross-entropy);
    - 'autoencoder': the encoder and a mirrored decoder are trained to reproduce
      the (standardized) frames; ``y`` is not needed;
    - 'auto' (the default): 'supervised' when ``fit`` gets a ``y``, as in every
      ``Pipeline`` fitted on targets, 'autoencoder' when it does not;
    - 'none': the encoder is used as it is: a pretrained ``encoder`` the user
      loaded, or random features.

    ``transform`` runs batch by batch: only one batch of frames is ever held as
    floats.

    Parameters
    ----------
    %(parameters)s

    Attributes
    ----------
    %(attributes)s

    See Also
    --------
    FrameFlattener : Raw pixels as features, nothing learned.
    CNNLSTMRegressor : The CNN and the LSTM trained together on the target.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_st import CNNFeatureExtractor, LSTMRegressor
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(32, n_frames=4, frame_size=16, random_state=0)
    >>> cnn = CNNFeatureExtractor(n_features=8, max_epochs=2, random_state=0)
    >>> cnn.fit_transform(X).shape
    (32, 4, 8)
    >>> model = make_pipeline(cnn, LSTMRegressor(max_epochs=2, random_state=0))
    >>> model.fit(X, y).predict(X[:3]).shape
    (3, 2)
    """

    # 'auto' may resolve to the fitted objective: fit compares the resolved ones
    _training_params = TRAINING_PARAMS | {"objective"}
    _parameter_constraints: dict = {
        "stacked_frames": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "objective": [StrOptions({"auto", "autoencoder", "supervised", "none"})],
        "encoder": [HasMethods(["forward", "parameters"]), None],
    }
    _param_docs = {
        "stacked_frames": (
            "int or 'auto'",
            "Frames the CNN sees at each step: the frame and the ones before it, "
            "stacked on the channel axis (the first frame stands in for those "
            "before it), as the Atari DQN stacks frames. 2 lets the features show "
            "what moves between consecutive frames and how, camera motion over "
            "real texture included, which no encoding of single frames shows; 1 "
            "encodes each frame alone, which suits telling shapes apart (measured "
            "in the user guide's 'Choosing an encoding'). 'auto': 1 when ``fit`` "
            "gets class labels, 2 otherwise "
            "(numeric targets, or none), as the CNN-LSTM classifier's and "
            "regressor's defaults.",
        ),
        "objective": (
            "{'auto', 'supervised', 'autoencoder', 'none'}",
            "How the encoder is trained in ``fit``, see above.",
        ),
        "encoder": (
            "torch.nn.Module or None",
            "A module mapping standardized frames ``(batch, n_channels, height, "
            "width)`` to features ``(batch, n_features)``. ``fit`` trains (or, with "
            "``objective='none'``, uses) a copy; the module passed is never changed. "
            "None builds the CNN that ``stacked_frames``, ``channels``, "
            "``n_features`` and ``pooling`` describe; those four are ignored for a "
            "user encoder, which sees one frame at a time.",
        ),
    }
    _attribute_docs = {
        "net_": (
            None,
            "The fitted net; ``net_.module_.encoder`` is the trained encoder, "
            "``net_.history`` the training history.",
        ),
        "n_features_out_": ("int", "Length of each frame's feature vector."),
    }

    def __init__(
        self,
        *,
        objective="auto",
        encoder=None,
        stacked_frames="auto",
        channels=(16, 32, 64),
        n_features=32,
        pooling="flatten",
        max_epochs=20,
        batch_size=32,
        lr=3e-3,
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

    @fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Train the encoder on ``X`` (and on ``y``, when the objective is
        supervised).

        With ``warm_start=True`` a fitted extractor trains on with the same
        objective and targets of the same kind (the same labels, or as many
        numeric outputs).

        Parameters
        ----------
        %(X_fit)s
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets: used by the supervised objective ('auto' with ``y``, or
            'supervised', which requires it); ignored by the others.
        %(sample_weight)s

        %(returns_self)s
        """
        objective = self.objective
        if objective == "auto":
            objective = "autoencoder" if y is None else "supervised"
        continues = self._begin_fit()
        if continues and objective != self._objective:
            raise ValueError(
                f"This fit's objective is {objective!r} (objective="
                f"{self.objective!r}), but {type(self).__name__} was fitted with "
                f"{self._objective!r}; set warm_start=False to start afresh."
            )
        if objective != "supervised":
            X = self._validate(X, reset=not continues)
            weight = self._check_weights(sample_weight, X)
            if not continues:
                self._objective, self._classes = objective, None
            return self._fit_net(
                X,
                None,
                continues=continues,
                train=objective == "autoencoder",
                sample_weight=weight,
            )
        labels = y is not None and is_label_target(y)
        X, y = self._validate(X, y, reset=not continues, labels=labels)
        weight = self._check_weights(sample_weight, X)
        if continues and labels != (self._classes is not None):
            kinds = {True: "labels", False: "numeric targets"}
            raise ValueError(
                f"y holds {kinds[labels]}, but {type(self).__name__} was fitted on "
                f"{kinds[not labels]}; set warm_start=False to start afresh."
            )
        if not continues:
            self._objective = objective
            self._classes = np.unique(y) if labels else None
        if labels:
            y = encode_labels(y, self._classes)
        else:
            y = numeric_targets(self, y, continues=continues, sample_weight=weight)
        return self._fit_net(X, y, continues=continues, sample_weight=weight)

    def transform(self, X):
        """Per-frame features of ``X``.

        %(predict_parameters)s

        Returns
        -------
        X_features : ndarray of shape (n_samples, n_frames, `n_features_out_`)
            The encoder's features of every frame, float64.
        """
        check_is_fitted(self)
        module = self.net_.module_
        features = FrameFeatures(module.encoder, module.stacked_frames)
        return self._forward(X, features).astype(np.float64)

    # the fitted objective (_objective) decides, also when the net is rebuilt
    @property
    def _dataset_class(self):
        if self._objective == "autoencoder":
            return ReconstructionDataset
        return SequenceDataset

    def _n_module_outputs(self):
        if self._objective != "supervised":
            return 0
        return len(self._classes if self._classes is not None else self._y_mean)

    def _criterion(self):
        if self._classes is not None:
            return torch.nn.CrossEntropyLoss()
        return torch.nn.MSELoss()

    def _build_module(self, input_shape, n_outputs):
        encoder = self._build_encoder(input_shape)
        stacked = self._n_stacked()
        if self._objective == "none":
            return FrameFeatures(encoder, stacked)
        if self._objective == "supervised":
            return CNNLSTMNet(
                encoder=encoder,
                n_features=self.n_features_out_,
                n_outputs=n_outputs,
                stacked_frames=stacked,
                hidden_size=32,
            )
        if self.encoder is not None:
            raise ValueError(
                "objective='autoencoder' needs the built-in CNN (encoder=None), so "
                "that a matching decoder exists; train a user encoder with "
                "objective='supervised' or use it as it is with objective='none'."
            )
        return FrameAutoencoder(
            encoder=encoder,
            decoder=self._frame_decoder(input_shape),
            stacked_frames=stacked,
        )

    def _n_stacked(self):
        """``stacked_frames``, 'auto' resolved by the fitted targets; 1 for a
        user encoder, which takes single frames."""
        if self.encoder is not None:
            return 1
        if self.stacked_frames == "auto":
            return 1 if self._classes is not None else 2
        return self.stacked_frames

    def _build_encoder(self, input_shape):
        """The encoder to train or use; records ``n_features_out_``."""
        if self.encoder is None:
            encoder = self._frame_encoder(input_shape)
            self.n_features_out_ = encoder.n_features
            return encoder
        encoder = copy.deepcopy(self.encoder).cpu()
        frame = torch.zeros((1, *input_shape[1:]))
        encoder.eval()
        with torch.no_grad():
            out = encoder(frame)
        if not isinstance(out, torch.Tensor) or out.ndim != 2 or len(out) != 1:
            shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out)
            raise ValueError(
                "encoder must map frames of shape (batch, channels, height, width) "
                f"to features (batch, n_features); for input {tuple(frame.shape)} "
                f"it returned {shape}."
            )
        self.n_features_out_ = out.shape[1]
        return encoder

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        return tags
