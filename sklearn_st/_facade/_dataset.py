"""Batches for skorch: whole batches indexed at once, converted one batch at a time."""

import numpy as np
import skorch
import torch

from .._arrays import take_samples
from ..nn import to_btchw

__all__ = [
    "ReconstructionDataset",
    "SequenceDataset",
    "collate_batch",
    "pad_batch",
]


class SequenceDataset(skorch.dataset.Dataset):
    """A skorch dataset over a channel-last array that yields whole batches.

    The DataLoader asks for a batch's indices at once (``__getitems__``): the batch
    is read at once (a ``np.memmap`` or an HDF5 dataset reads just those samples),
    standardized in float64, cast to float32 and laid out as
    ``(batch, time, channels, height, width)``. Only one batch is ever converted.
    """

    def __init__(self, X, y=None, length=None, *, mean=0.0, scale=1.0):
        super().__init__(X, y=y, length=length)
        self.mean = mean
        self.scale = scale

    def __getitems__(self, indices):
        idx = np.asarray(indices)
        x = ((take_samples(self.X, idx) - self.mean) / self.scale).astype(np.float32)
        xb = to_btchw(torch.from_numpy(x)).contiguous()
        if self.y is None:
            return xb, torch.zeros(len(idx))
        return xb, torch.as_tensor(self.y[idx])

    def __getitem__(self, i):
        xb, yb = self.__getitems__([i])
        return xb[0], yb[0]


class ReconstructionDataset(SequenceDataset):
    """A :class:`SequenceDataset` whose target is the (standardized) batch itself.

    For autoencoders: the input is not copied into a target array, each batch is
    its own target.
    """

    def __getitems__(self, indices):
        xb, _ = super().__getitems__(indices)
        return xb, xb


def collate_batch(batch):
    """``SequenceDataset`` already returns a collated batch."""
    return batch


def pad_batch(xb, size):
    """``xb`` with zero samples appended up to ``size`` samples."""
    missing = size - len(xb)
    if missing <= 0:
        return xb
    return torch.cat([xb, xb.new_zeros((missing, *xb.shape[1:]))])
