"""Dense optical flow of NumPy frames by OpenCV's DIS: the machinery that
:class:`~sklearn_st.OpticalFlow` and the forecasters that extrapolate motion share."""

import numpy as np

from ._optional import require

__all__ = ["PRESETS", "as_frames", "backward_flow", "consecutive_flows", "require_cv2"]

#: OpenCV's DIS presets by name
PRESETS = ("ultrafast", "fast", "medium")
#: DIS needs frames larger than its patches: smaller ones are padded to this side
_MIN_SIDE = 16
#: ITU-R BT.601 luma weights, as OpenCV's RGB2GRAY
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def require_cv2(needed_by):
    """OpenCV, or an ``ImportError`` naming the ``flow`` extra for ``needed_by``."""
    return require(
        "cv2",
        extra="flow",
        package="OpenCV (opencv-python-headless)",
        needed_by=needed_by,
    )


def as_frames(samples):
    """Samples of any layout of the contract as ``(n, T, H, W[, C])``: a 2-D or
    3-D sequence is frames of one pixel (with its features as channels)."""
    if samples.ndim == 2:
        return samples[:, :, None, None]
    if samples.ndim == 3:
        return samples[:, :, None, None, :]
    return samples


def _grey_uint8(samples, low, high):
    """``(n, T, H, W)`` uint8 grey frames of ``(n, T, H, W[, C])`` samples: RGB by
    luma, other channel counts by their mean; values mapped from ``[low, high]``
    to 0-255 (uint8 input as it is)."""
    x = samples
    if x.ndim == 5:
        if x.shape[-1] == 3:
            x = x.astype(np.float32, copy=False) @ _LUMA
        else:
            x = x.mean(axis=-1, dtype=np.float32)
    if x.dtype == np.uint8:
        return x
    x = np.asarray(x, dtype=np.float32)
    if samples.dtype != np.uint8:
        x = (x - low) * (255.0 / (high - low) if high > low else 0.0)
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def _dis(preset):
    cv2 = require_cv2("optical flow")
    return cv2.DISOpticalFlow_create(
        getattr(cv2, f"DISOPTICAL_FLOW_PRESET_{preset.upper()}")
    )


def _padded(frame):
    height, width = frame.shape
    pad = ((0, max(0, _MIN_SIDE - height)), (0, max(0, _MIN_SIDE - width)))
    return np.pad(frame, pad, mode="edge")


def _calc(dis, first, second, out):
    """Add the flow from ``first`` to ``second`` (``second[x + flow[x]]`` shows
    ``first[x]``) into ``out`` ``(H, W, 2)``, channels ``(down, right)``."""
    height, width = out.shape[:2]
    flow = dis.calc(first, second, None)[:height, :width]
    out[..., 0] += flow[..., 1]  # OpenCV's (x, y) = (right, down)
    out[..., 1] += flow[..., 0]


def consecutive_flows(samples, preset, low, high):
    """The flow ``(n, T - 1, H, W, 2)`` float32 between consecutive frames of
    ``(n, T, H, W[, C])`` samples, channels ``(down, right)`` in pixels: frame
    ``t + 1`` shows at ``x + flow[t, x]`` what frame ``t`` showed at ``x``."""
    dis = _dis(preset)
    grey = _grey_uint8(samples, low, high)
    n, n_frames, height, width = grey.shape
    out = np.zeros((n, n_frames - 1, height, width, 2), dtype=np.float32)
    for i in range(n):
        frames = [_padded(frame) for frame in grey[i]]
        for t in range(n_frames - 1):
            _calc(dis, frames[t], frames[t + 1], out[i, t])
    return out


def backward_flow(samples, preset, low, high, n_pairs=1):
    """The backward flow of the last frame of each of ``(n, T, H, W[, C])``
    samples, ``(n, H, W, 2)`` float32, channels ``(down, right)`` in pixels: the
    last frame shows at ``x`` what the frame before it showed at ``x +
    flow[x]``. With ``n_pairs`` > 1, the mean of the backward flows of the last
    ``n_pairs`` frames (each to the frame before it), a steadier estimate of a
    motion that stays; at most ``T - 1`` pairs are used."""
    dis = _dis(preset)
    grey = _grey_uint8(samples, low, high)
    n, n_frames, height, width = grey.shape
    n_pairs = max(1, min(int(n_pairs), n_frames - 1))
    out = np.zeros((n, height, width, 2), dtype=np.float32)
    if n_frames < 2:
        return out
    for i in range(n):
        frames = [_padded(frame) for frame in grey[i, -1 - n_pairs :]]
        for t in range(n_pairs):
            _calc(dis, frames[t + 1], frames[t], out[i])
    return out / n_pairs
