"""Generators of spatio-temporal data from bundled real data; nothing is downloaded."""

from numbers import Integral, Real

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["DIRECTIONS", "make_moving_digits"]

#: Class labels of ``target='direction'``, counter-clockwise from east (rightwards).
DIRECTIONS = ("E", "NE", "N", "NW", "W", "SW", "S", "SE")


def _glyphs(frame_height, frame_width):
    """scikit-learn's 8x8 handwritten digits, upscaled to fit the frame, as uint8."""
    digits = load_digits()
    scale = max(1, min(frame_height, frame_width) // 16)
    images = digits.images * (255.0 / 16.0)
    if scale > 1:
        images = np.kron(images, np.ones((1, scale, scale)))
    return np.rint(images).astype(np.uint8), digits.target


def _paste(frames, glyphs, top, left):
    """Draw ``glyphs[i]`` into ``frames[i]`` at ``(top[i], left[i])`` (maximum)."""
    size = glyphs.shape[1]
    offsets = np.arange(size)
    rows = (top[:, None] + offsets)[:, :, None]
    cols = (left[:, None] + offsets)[:, None, :]
    samples = np.arange(len(frames))[:, None, None]
    frames[samples, rows, cols] = np.maximum(frames[samples, rows, cols], glyphs)


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_frames": [Interval(Integral, 2, None, closed="left")],
        "frame_size": [Interval(Integral, 12, None, closed="left"), tuple],
        "target": [StrOptions({"velocity", "digit", "direction"})],
        "noise": [Interval(Real, 0, None, closed="left")],
        "clutter": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_moving_digits(
    n_samples=1000,
    n_frames=8,
    frame_size=32,
    *,
    target="velocity",
    noise=0.0,
    clutter=False,
    random_state=None,
):
    """Clips of real handwritten digits moving across a frame at constant velocity.

    Each clip shows one digit from scikit-learn's bundled ``load_digits`` (8x8
    pixels where the shorter frame side is 12 to 31 pixels, a quarter to two thirds
    of it; ``8 * (side // 16)`` pixels from 32 up, a third to a half of it) moving
    in a straight line, without leaving the frame, at a random speed and direction.
    Velocity can only be read from several frames: any single frame shows a digit
    somewhere, not how it moves.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of clips.

    n_frames : int, default=8
        Frames per clip (at least 2).

    frame_size : int or tuple of (int, int), default=32
        Frame side, or ``(height, width)``; at least 12 pixels.

    target : {'velocity', 'digit', 'direction'}, default='velocity'
        What ``y`` holds:

        - 'velocity': float64 of shape (n_samples, 2), the digit's motion in pixels
          per frame as ``(down, right)`` (regression);
        - 'digit': int of shape (n_samples,), the moving digit, 0 to 9;
        - 'direction': str of shape (n_samples,), the nearest of the eight compass
          directions in :data:`DIRECTIONS` (up is north).

    noise : float, default=0.0
        Standard deviation of Gaussian pixel noise, as a fraction of full intensity.

    clutter : bool, default=False
        Add a second, static digit at a random place in every clip: a distractor
        that a good encoder learns to ignore.

    random_state : int, RandomState instance or None, default=None
        Determines every random choice; an int gives the same clips every call.

    Returns
    -------
    X : ndarray of shape (n_samples, n_frames, height, width, 1), dtype uint8
        The clips, channel-last.

    y : ndarray of shape (n_samples, 2) or (n_samples,)
        The target, see ``target``.

    Examples
    --------
    >>> from sklearn_st.datasets import make_moving_digits
    >>> X, y = make_moving_digits(n_samples=10, random_state=0)
    >>> X.shape, X.dtype, y.shape
    ((10, 8, 32, 32, 1), dtype('uint8'), (10, 2))
    >>> _, labels = make_moving_digits(n_samples=3, target="direction", random_state=0)
    >>> labels.dtype.kind
    'U'
    """
    height, width = (frame_size, frame_size) if np.isscalar(frame_size) else frame_size
    if min(height, width) < 12:
        raise ValueError(f"frame_size must be at least 12 pixels, got {frame_size}.")
    rng = check_random_state(random_state)
    glyphs, labels = _glyphs(height, width)
    size = glyphs.shape[1]
    room = np.array([height - size, width - size], dtype=np.float64)

    chosen = rng.randint(len(glyphs), size=n_samples)
    max_speed = room.min() / (n_frames - 1)
    speed = rng.uniform(0.3 * max_speed, max_speed, size=n_samples)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
    # (down, right): the angle runs counter-clockwise from east with up as north
    velocity = np.column_stack([-np.sin(angle), np.cos(angle)]) * speed[:, None]
    travel = velocity * (n_frames - 1)
    low = np.maximum(0.0, -travel)
    start = low + rng.uniform(size=(n_samples, 2)) * (room - np.abs(travel))

    background = np.zeros((n_samples, height, width), dtype=np.uint8)
    if clutter:
        corner = rng.uniform(size=(n_samples, 2)) * room
        static = glyphs[rng.randint(len(glyphs), size=n_samples)]
        corner = np.rint(corner).astype(np.intp)
        _paste(background, static, corner[:, 0], corner[:, 1])
    noise_rng = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))

    X = np.empty((n_samples, n_frames, height, width, 1), dtype=np.uint8)
    for t in range(n_frames):
        frames = background.copy()
        position = np.rint(start + velocity * t).astype(np.intp)
        _paste(frames, glyphs[chosen], position[:, 0], position[:, 1])
        if noise:
            noisy = frames + noise_rng.standard_normal(
                frames.shape, dtype=np.float32
            ) * np.float32(255.0 * noise)
            frames = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
        X[:, t, :, :, 0] = frames

    if target == "velocity":
        y = velocity
    elif target == "digit":
        y = labels[chosen]
    else:
        sector = np.rint(angle / (np.pi / 4)).astype(np.intp) % len(DIRECTIONS)
        y = np.asarray(DIRECTIONS)[sector]
    return X, y
