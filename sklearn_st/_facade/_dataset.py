"""Batches for skorch: whole batches indexed at once, converted one batch at a time."""

import numpy as np
import skorch
import torch

from .._lazy_arrays import take_samples
from .._validation import check_finite
from ..nn import to_btchw

__all__ = [
    "ForecastDataset",
    "ReconstructionDataset",
    "SequenceDataset",
    "collate_batch",
    "pad_batch",
]


# dtypes whose every value float32 holds exactly: bool, (u)int8, (u)int16, float16,
# float32
_FLOAT32_EXACT = frozenset("?bBhHef")


class SequenceDataset(skorch.dataset.Dataset):
    """A skorch dataset over a channel-last array that yields whole batches.

    The DataLoader asks for a batch's indices at once (``__getitems__``): the batch
    is read at once (a ``np.memmap`` or an HDF5 dataset reads just those samples),
    standardized, cast to float32 and laid out as ``(batch, time, channels,
    height, width)``. Only one batch is ever converted. Values that float32 holds
    exactly (bool, 8- and 16-bit integers, float16, float32) are cast first and
    standardized in float32, in place (a third of the memory traffic of float64,
    which made the CPU the bottleneck of a GPU's training); wider types are
    standardized in float64 first, so that large offsets keep their digits.
    """

    def __init__(
        self,
        X,
        y=None,
        length=None,
        *,
        mean=0.0,
        scale=1.0,
        frames=None,
        check_values=False,
        track_range=False,
        sample_weight=None,
    ):
        super().__init__(X, y=y, length=length)
        # fit's weights: a batch is then ({"x": x, "sample_weight": w}, y), and
        # the net's loss is their weighted mean (a validation split, a Subset of
        # this dataset, keeps them)
        self.sample_weight = sample_weight
        self.mean = mean
        self.scale = scale
        self.frames = slice(None) if frames is None else frames
        # predict's reading of X: NaN and infinity checked as the samples are read
        # (X not in memory, not checked before) and the range of the values read
        self.check_values = check_values
        self.track_range = track_range
        self.value_range = (np.inf, -np.inf)
        self._mean32 = torch.as_tensor(np.asarray(mean, dtype=np.float32))
        self._scale32 = torch.as_tensor(np.asarray(scale, dtype=np.float32))

    def __getitems__(self, indices):
        xb, yb = self._pair(indices)
        if self.sample_weight is None:
            return xb, yb
        weights = self.sample_weight[np.asarray(indices)]
        return {"x": xb, "sample_weight": torch.as_tensor(weights)}, yb

    def _pair(self, indices):
        """The converted batch of ``indices`` and its targets."""
        idx = np.asarray(indices)
        x = take_samples(self.X, idx)[:, self.frames]  # ``frames``: those read
        if self.check_values:
            check_finite(x)
        if self.track_range:
            low, high = self.value_range
            self.value_range = (min(low, float(x.min())), max(high, float(x.max())))
        if x.dtype.char in _FLOAT32_EXACT:
            xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
            xt.sub_(self._mean32).div_(self._scale32)
        else:
            xt = torch.from_numpy(((x - self.mean) / self.scale).astype(np.float32))
        xb = to_btchw(xt).contiguous()
        if self.y is None:
            return xb, torch.zeros(len(idx))
        return xb, torch.as_tensor(self.y[idx])

    def __getitem__(self, i):
        xb, yb = self.__getitems__([i])
        if isinstance(xb, dict):
            return {key: value[0] for key, value in xb.items()}, yb[0]
        return xb[0], yb[0]


class ReconstructionDataset(SequenceDataset):
    """A :class:`SequenceDataset` whose target is the (standardized) batch itself.

    For autoencoders: the input is not copied into a target array, each batch is
    its own target.
    """

    def _pair(self, indices):
        xb, _ = super()._pair(indices)
        return xb, xb


class ForecastDataset(SequenceDataset):
    """A :class:`SequenceDataset` of clips split in time: the input is the
    ``n_context`` frames before the last ``horizon`` frames, the target those
    ``horizon`` frames (both standardized), without a target array."""

    def __init__(self, X, y=None, length=None, *, n_context, horizon, **kwargs):
        super().__init__(X, y=None, length=length, **kwargs)
        self.n_context = n_context
        self.horizon = horizon

    def _pair(self, indices):
        xb, _ = super()._pair(indices)
        split = xb.shape[1] - self.horizon
        return xb[:, split - self.n_context : split], xb[:, split:]


def collate_batch(batch):
    """``SequenceDataset`` already returns a collated batch."""
    return batch


def pad_batch(xb, size):
    """``xb`` with zero samples appended up to ``size`` samples."""
    missing = size - len(xb)
    if missing <= 0:
        return xb
    return torch.cat([xb, xb.new_zeros((missing, *xb.shape[1:]))])
