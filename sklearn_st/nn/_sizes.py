"""The rules for module sizes, checked once, here, by the modules that use them.

Sizes may be Python or NumPy integers (a ``GridSearchCV`` over ``np.arange`` passes
``np.int64``); they come back as Python ints, which every torch layer accepts.
"""

from numbers import Integral

__all__ = ["frame_kernel_size", "positive_int", "positive_ints"]


def _is_positive_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool) and value >= 1


def positive_int(name: str, value) -> int:
    """``value`` as a Python int, or a ``ValueError`` naming ``name`` unless it is
    an integer >= 1 (bools are not sizes)."""
    if not _is_positive_int(value):
        raise ValueError(f"{name} must be a positive int, got {value!r}.")
    return int(value)


def positive_ints(name: str, values) -> tuple[int, ...]:
    """A per-layer size (``filters``, ``channels``) as a tuple of Python ints.

    ``values`` is an integer >= 1 (one layer) or a non-empty sequence of them;
    anything else is a ``ValueError`` naming ``name`` and the value.
    """
    if _is_positive_int(values):
        return (int(values),)
    if (
        isinstance(values, tuple | list)
        and len(values) > 0
        and all(_is_positive_int(v) for v in values)
    ):
        return tuple(int(v) for v in values)
    raise ValueError(
        f"{name} must be a positive int or a non-empty tuple of positive ints, got "
        f"{values!r}."
    )


def frame_kernel_size(kernel_size, frame_size) -> int:
    """The kernel side to use on frames of ``frame_size`` ``(height, width)``.

    1 on 1x1 frames (feature sequences), where any kernel acts through its centre
    alone: a 1x1 kernel is the same model, without dead taps that would also
    shrink the initial weights of the live one.
    """
    kernel_size = positive_int("kernel_size", kernel_size)
    return 1 if tuple(frame_size) == (1, 1) else kernel_size
