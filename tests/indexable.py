"""A test double for indexable arrays that are not NumPy arrays (h5py, zarr)."""

import numpy as np


class Indexable:
    """A read-only array that can only be indexed: converting it whole fails the
    test; the largest read by a list of indices (a batch) and the number of samples
    read in all are recorded."""

    def __init__(self, array):
        self._array = array
        self.largest_batch = 0
        self.samples_read = 0

    shape = property(lambda self: self._array.shape)
    dtype = property(lambda self: self._array.dtype)
    ndim = property(lambda self: self._array.ndim)

    def __len__(self):
        return len(self._array)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            raise TypeError("samples only")
        if isinstance(key, np.ndarray) and np.any(np.diff(key) <= 0):
            raise TypeError("indices must be increasing, as in HDF5")
        samples = self._array[key]
        self.samples_read += (
            len(samples) if np.ndim(key) or isinstance(key, slice) else 1
        )
        if isinstance(key, np.ndarray):
            self.largest_batch = max(self.largest_batch, len(key))
        return samples.copy()

    def __array__(self, dtype=None, copy=None):
        raise AssertionError("the whole array was read")
