"""The per-frame CNN's parameters, shared by CNNFeatureExtractor and the CNN-LSTMs."""

from numbers import Integral

from sklearn.utils._param_validation import Interval, StrOptions

from ..nn import FrameDecoder, FrameEncoder

__all__ = ["FrameCNNMixin"]


class FrameCNNMixin:
    """The parameters ``stacked_frames``, ``channels``, ``n_features`` and
    ``pooling`` of a per-frame CNN (:class:`~sklearn_st.nn.FrameEncoder`), and the
    encoder and decoder they describe."""

    _parameter_constraints: dict = {
        "stacked_frames": [Interval(Integral, 1, None, closed="left")],
        # sizes are checked where the module is built (sklearn_st.nn._sizes)
        "channels": "no_validation",
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "pooling": [StrOptions({"avg", "flatten", "keypoints"})],
    }
    _param_docs = {
        "stacked_frames": (
            "int",
            "Frames the CNN sees at each step: the frame and the ones before it, "
            "stacked on the channel axis (the first frame stands in for those "
            "before it), as the Atari DQN stacks frames. With 2 the CNN sees what "
            "moves between consecutive frames and how: camera motion over real "
            "texture, which no encoding of single frames shows (measured in "
            "the user guide); 1 encodes each frame alone, which suits telling shapes "
            "apart (measured better for digits).",
        ),
        "channels": (
            "int or tuple of int",
            "Output channels of the CNN's blocks (3x3 convolution, ReLU, 2x2 "
            "average pooling), one entry per block.",
        ),
        "n_features": ("int", "Features the CNN extracts from each frame."),
        "pooling": (
            "{'avg', 'flatten', 'keypoints'}",
            "How the CNN's last feature map becomes a vector: 'avg' averages it over "
            "space (what is in the frame, wherever it is: shape, texture), "
            "'flatten' keeps every position (what is where: position and motion), "
            "'keypoints' gives where each channel's feature is, to a fraction of a "
            "pixel (a spatial soft-argmax, as deep spatial autoencoders).",
        ),
    }

    def _n_stacked(self):
        """How many frames the CNN sees at each step (``stacked_frames``)."""
        return self.stacked_frames

    def _frame_encoder(self, input_shape):
        """The :class:`~sklearn_st.nn.FrameEncoder` these parameters describe, for
        frames of ``input_shape`` ``(time, channels, height, width)``."""
        _, in_channels, height, width = input_shape
        return FrameEncoder(
            in_channels=in_channels * self._n_stacked(),
            frame_size=(height, width),
            channels=self.channels,
            n_features=self.n_features,
            pooling=self.pooling,
        )

    def _frame_decoder(self, input_shape):
        """The :class:`~sklearn_st.nn.FrameDecoder` mirroring
        :meth:`_frame_encoder`'s encoder for the same shape; it gives back the
        frame alone, not the stack."""
        _, channels, height, width = input_shape
        return FrameDecoder(
            n_features=self.n_features,
            out_channels=channels,
            frame_size=(height, width),
            channels=self.channels,
        )
