"""Learned per-frame CNN features."""

import copy

import numpy as np
import skorch
import torch
from sklearn.base import TransformerMixin, _fit_context
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._validation import is_label_target
from ..estimators._base import BaseSequenceNet, fill_facade_doc, standardize_targets
from ..estimators._dataset import ReconstructionDataset
from ..estimators._frame_cnn import (
    FRAME_CNN_CONSTRAINTS,
    FRAME_CNN_PARAMS_DOC,
    build_frame_decoder,
    build_frame_encoder,
)
from ..nn import FrameAutoencoder, FrameFeatures, TimeMeanNet

__all__ = ["CNNFeatureExtractor"]


@fill_facade_doc
class CNNFeatureExtractor(TransformerMixin, BaseSequenceNet):
    """Per-frame features from a convolutional network with learned weights.

    Turns ``(n_samples, n_frames, height, width, n_channels)`` into ``(n_samples,
    n_frames, n_features)``, the input of :class:`LSTMRegressor` and
    :class:`LSTMClassifier`. 4-D input is one channel, 3-D ``(n_samples,
    n_frames, n_features)`` is 1x1 frames with ``n_features`` channels, 2-D a
    univariate sequence. How the encoder learns is set by ``objective``:

    - 'autoencoder': the encoder and a mirrored decoder are trained to reproduce
      the (standardized) frames; ``y`` is not needed, so the extractor can come
      first in any pipeline;
    - 'supervised': the encoder, the mean of its features over time and a linear
      head are trained to predict ``y``; the head is dropped afterwards. Float
      targets are regressed (squared error on standardized targets), labels
      (integers, strings, booleans) classified (cross-entropy);
    - 'none': the encoder is used as it is: a pretrained ``encoder`` the user
      loaded, or random features.

    ``transform`` runs batch by batch: only one batch of frames is ever held as
    floats.

    Parameters
    ----------
    objective : {'autoencoder', 'supervised', 'none'}, default='autoencoder'
        How the encoder is trained in ``fit``.

    encoder : torch.nn.Module or None, default=None
        A module mapping standardized frames ``(batch, n_channels, height,
        width)`` to features ``(batch, n_features)``. ``fit`` trains (or, with
        ``objective='none'``, uses) a copy; the module passed is never changed.
        None builds the CNN that ``channels``, ``n_features`` and ``pooling``
        describe; those three are ignored for a user encoder.

    %(model_params)s

    %(facade_params)s

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The fitted net; ``net_.module_.encoder`` is the trained encoder,
        ``net_.history`` the training history.

    n_features_out_ : int
        Length of each frame's feature vector.

    n_features_in_ : int
        Number of frames seen in ``fit`` (``X.shape[1]``).

    sample_shape_ : tuple of int
        Per-sample shape seen in ``fit`` (``X.shape[1:]``).

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``X`` was a data frame.

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

    _model_params_doc = FRAME_CNN_PARAMS_DOC
    _parameter_constraints: dict = {
        **BaseSequenceNet._parameter_constraints,
        **FRAME_CNN_CONSTRAINTS,
        "objective": [StrOptions({"autoencoder", "supervised", "none"})],
        "encoder": [HasMethods(["forward", "parameters"]), None],
    }

    def __init__(
        self,
        *,
        objective="autoencoder",
        encoder=None,
        channels=(16, 32),
        n_features=16,
        pooling="flatten",
        max_epochs=15,
        batch_size=32,
        lr=3e-3,
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
        super().__init__(
            max_epochs=max_epochs,
            batch_size=batch_size,
            lr=lr,
            optimizer=optimizer,
            weight_decay=weight_decay,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            warm_start=warm_start,
            device=device,
            random_state=random_state,
            verbose=verbose,
            callbacks=callbacks,
        )
        self.objective = objective
        self.encoder = encoder
        self.channels = channels
        self.n_features = n_features
        self.pooling = pooling

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the encoder on ``X`` (and ``y`` with ``objective='supervised'``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Training sequences, see the array contract in the user guide.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Targets; used, and required, only with ``objective='supervised'``.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        reset = not self._continues()
        if self.objective != "supervised":
            X = self._validate(X, reset=reset)
            self._fit_net(
                X,
                None,
                n_outputs=0,
                net_class=skorch.NeuralNet,
                criterion=torch.nn.MSELoss,
                dataset=ReconstructionDataset,
                train=self.objective == "autoencoder",
            )
            return self
        labels = y is not None and is_label_target(y)
        X, y = self._validate(X, y, reset=reset, labels=labels)
        if labels:
            classes, y = np.unique(y, return_inverse=True)
            n_outputs, criterion = len(classes), torch.nn.CrossEntropyLoss
        else:
            y = standardize_targets(y)[0]
            n_outputs, criterion = y.shape[1], torch.nn.MSELoss
        return self._fit_net(
            X,
            y,
            n_outputs=n_outputs,
            net_class=skorch.NeuralNet,
            criterion=criterion,
            stratified=labels,
        )

    def transform(self, X):
        """Per-frame features of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_frames, ...)
            Sequences with the per-sample shape seen in ``fit``.

        Returns
        -------
        X_features : ndarray of shape (n_samples, n_frames, n_features_out_)
            The encoder's features of every frame, float64.
        """
        check_is_fitted(self)
        features = FrameFeatures(self.net_.module_.encoder)
        return self._forward(X, features).astype(np.float64)

    def _build_module(self, input_shape, n_outputs):
        encoder = self._build_encoder(input_shape)
        if self.objective == "none":
            return FrameFeatures(encoder)
        if self.objective == "supervised":
            return TimeMeanNet(
                encoder=encoder, n_features=self.n_features_out_, n_outputs=n_outputs
            )
        if self.encoder is not None:
            raise ValueError(
                "objective='autoencoder' needs the built-in CNN (encoder=None), so "
                "that a matching decoder exists; train a user encoder with "
                "objective='supervised' or use it as it is with objective='none'."
            )
        decoder = build_frame_decoder(self, input_shape)
        return FrameAutoencoder(encoder=encoder, decoder=decoder)

    def _build_encoder(self, input_shape):
        if self.encoder is None:
            self.n_features_out_ = self.n_features
            return build_frame_encoder(self, input_shape)
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
