"""Reading sequence arrays without converting them whole.

Besides NumPy arrays (``np.memmap`` included), the estimators accept any
*indexable array* of a real numeric dtype: an object with a NumPy ``dtype``, a
``shape`` of 3 to 5 dimensions and ``__getitem__`` over the sample axis, such as an
``h5py.Dataset``, a ``zarr`` array or a ``dask`` array. Such an array is only ever
read a batch or a chunk of samples at a time, so it may be larger than memory.
"""

import copy
import numbers

import numpy as np

__all__ = [
    "FlatFrames",
    "LazySamples",
    "LazySubset",
    "is_indexable_array",
    "lazy_getitem",
    "lazy_or_computed",
    "sample_chunks",
    "subset",
    "take_samples",
    "value_range",
]


def is_indexable_array(X):
    """Whether ``X`` is an indexable array other than a NumPy array, with 3 or
    more dimensions (2-D sequences are small; they are converted as they are).

    The array contract then accepts 3 to 5 of them: ``check_sequences`` refuses
    more with its message about the number of dimensions.
    """
    return (
        not isinstance(X, np.ndarray)
        and isinstance(getattr(X, "dtype", None), np.dtype)
        and len(getattr(X, "shape", ())) >= 3
        and hasattr(X, "__getitem__")
    )


def sample_chunks(X, chunk_bytes, itemsize=None):
    """``X`` in consecutive chunks of whole samples, each an ndarray of about
    ``chunk_bytes`` (counting ``itemsize`` bytes an element; default: X's own)."""
    itemsize = X.dtype.itemsize if itemsize is None else itemsize
    sample_size = int(np.prod(X.shape[1:]))
    step = max(1, chunk_bytes // (itemsize * sample_size))
    for start in range(0, X.shape[0], step):
        yield np.asarray(X[start : start + step])


def subset(X, indices):
    """The samples ``indices`` of ``X``, not read: ``X.subset`` where ``X`` has
    one (a :class:`~sklearn_st.VideoClips`), a :class:`LazySubset` of
    any other indexable array or memmap, ``X[indices]`` of an array in memory."""
    if hasattr(X, "subset"):
        return X.subset(indices)
    if isinstance(X, np.memmap) or is_indexable_array(X):
        return LazySubset(X, np.arange(X.shape[0])[indices])
    return X[indices]


def _sample_key(key):
    """``key`` split into its sample index and the rest; the rest is None when it
    selects whole samples (nothing, or ``...`` and ``:``, as scikit-learn's
    ``_safe_indexing`` writes ``X[indices, ...]``)."""
    rest = ()
    if isinstance(key, tuple):
        key, rest = (key[0], key[1:]) if key else (slice(None), ())
    whole = all(r is Ellipsis or r == slice(None) for r in rest)
    return key, (None if whole else rest)


def lazy_getitem(X, key, read):
    """``X[key]`` for a lazy indexable array ``X`` of ``len(X)`` samples: an int
    reads that sample (``read(ids)`` returns the samples ``ids`` as an ndarray);
    a slice, a list or an array of ints or booleans gives ``subset(X, ids)``,
    read only when read (as scikit-learn's splitters index); a key with more
    axes reads the samples, then indexes them."""
    key, rest = _sample_key(key)
    n = len(X)
    if isinstance(key, numbers.Integral):
        if not -n <= key < n:
            raise IndexError(f"index {key} is out of range for {n} samples.")
        sample = read(np.array([int(key) % n]))[0]
        return sample if rest is None else sample[rest]
    if isinstance(key, slice):
        ids = np.arange(n)[key]
    else:
        ids = np.asarray(key)
        if ids.dtype == bool:
            if ids.shape != (n,):
                raise IndexError(f"a boolean index needs {n} values, got {ids.shape}.")
            ids = np.flatnonzero(ids)
        elif ids.size == 0:
            ids = ids.astype(np.intp)
        if ids.ndim != 1 or ids.dtype.kind not in "iu":
            raise IndexError(
                f"{type(X).__name__} is indexed along samples by an int, a slice, "
                "or a 1-D array of ints or booleans."
            )
        if len(ids) and not (-n <= ids.min() and ids.max() < n):
            raise IndexError(f"indices out of range for {n} samples.")
        ids = ids % n if len(ids) else ids
    if rest is None:
        return X.subset(ids)
    return read(ids)[(slice(None), *rest)]


def value_range(X, chunk_bytes=1 << 23):
    """The smallest and the largest value of ``X``, read chunk by chunk."""
    low, high = np.inf, -np.inf
    for chunk in sample_chunks(X, chunk_bytes):
        low, high = min(low, chunk.min()), max(high, chunk.max())
    return low, high


def take_samples(X, indices):
    """``X[indices]`` as an ndarray.

    A NumPy array is fancy-indexed once (a memmap reads just those samples). Any
    other indexable array is read in increasing order, each distinct sample once
    (HDF5 and zarr need sorted indices): one slice when the samples are
    consecutive, else one fancy index, or one sample at a time where the array
    supports neither.
    """
    if isinstance(X, np.ndarray):
        return X[indices]
    indices = np.asarray(indices, dtype=np.intp)
    unique, inverse = np.unique(indices, return_inverse=True)
    if len(unique) == 0:
        return np.empty((0, *X.shape[1:]), dtype=X.dtype)
    if unique[-1] - unique[0] + 1 == len(unique):
        block = np.asarray(X[int(unique[0]) : int(unique[-1]) + 1])
    else:
        try:
            block = np.asarray(X[unique])
        except (TypeError, IndexError, ValueError):
            block = np.stack([np.asarray(X[int(i)]) for i in unique])
    if np.array_equal(unique, indices):
        return block
    return block[inverse]


class LazySamples:
    """``X`` seen through a function of each batch of its samples, computed only
    for the samples asked for: the lazy output of a transformer on an array too
    large to convert (a memmap, an ``h5py.Dataset``).

    A subclass gives ``sample_shape`` and ``dtype`` (of one output sample) and
    :meth:`_convert`, which maps an ndarray of input samples to the output samples.
    Only the sample axis can be indexed (an int, a slice or an array of ints);
    ``np.asarray`` computes everything, chunk by chunk.
    """

    def __init__(self, X, sample_shape, dtype):
        self.X = X
        self.sample_shape = tuple(sample_shape)
        self.dtype = np.dtype(dtype)

    def _convert(self, samples):
        raise NotImplementedError

    @property
    def shape(self):
        return (self.X.shape[0], *self.sample_shape)

    @property
    def ndim(self):
        return len(self.shape)

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, key):
        return lazy_getitem(self, key, self._read)

    def _read(self, ids):
        return self._convert(take_samples(self.X, ids))

    def subset(self, indices):
        """The samples ``indices``, still computed only when read."""
        part = copy.copy(self)
        part.X = subset(self.X, indices)
        return part

    def __array__(self, dtype=None, copy=None):
        out = np.empty(self.shape, dtype=self.dtype)
        start = 0
        for chunk in sample_chunks(self.X, 1 << 24):
            out[start : start + len(chunk)] = self._convert(chunk)
            start += len(chunk)
        return out if dtype is None else out.astype(dtype, copy=False)

    def __repr__(self):
        return f"{type(self).__name__}({self.X!r}, sample_shape={self.sample_shape})"


class LazySubset:
    """The samples ``indices`` of an indexable array or memmap ``X``, read from
    it only when read: what indexing a lazy view of a memmap (a transformer's
    output) with an array of indices gives, so that a fold is never copied whole
    into memory. ``np.asarray`` reads it."""

    def __init__(self, X, indices):
        self.X = X
        self.indices = np.asarray(indices, dtype=np.intp)

    dtype = property(lambda self: self.X.dtype)
    shape = property(lambda self: (len(self.indices), *self.X.shape[1:]))
    ndim = property(lambda self: len(self.X.shape))

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, key):
        return lazy_getitem(self, key, self._read)

    def _read(self, ids):
        return take_samples(self.X, self.indices[ids])

    def subset(self, indices):
        return LazySubset(self.X, self.indices[indices])

    def __array__(self, dtype=None, copy=None):
        out = take_samples(self.X, self.indices)  # what was asked: all of it
        return out if dtype is None else out.astype(dtype, copy=False)

    def __repr__(self):
        return f"LazySubset({self.X!r}, {len(self)} of {self.X.shape[0]} samples)"


def lazy_or_computed(X, X_checked, make):
    """The output of a per-sample transform of ``X``: ``make(source)`` builds a
    :class:`LazySamples` over ``source`` (``X`` itself for a memmap, else the
    validated ``X_checked``). Returned as it is, computed when read, for a memmap
    or another indexable array; else computed now, a chunk of samples at a time.
    """
    memmap = isinstance(X, np.memmap)
    lazy = make(X if memmap else X_checked)
    if memmap or is_indexable_array(X_checked):
        return lazy
    return np.asarray(lazy)


class FlatFrames(LazySamples):
    """``X`` seen with another per-sample shape of as many values, read lazily:
    the reshape of an indexable array that :class:`FrameFlattener` returns."""

    def __init__(self, X, sample_shape):
        super().__init__(X, sample_shape, X.dtype)
        if np.prod(self.sample_shape) != np.prod(X.shape[1:]):
            raise ValueError(
                f"cannot view samples of shape {X.shape[1:]} as {self.sample_shape}"
            )

    def _convert(self, samples):
        return samples.reshape(len(samples), *self.sample_shape)
