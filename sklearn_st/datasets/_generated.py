"""Generated clips as arrays: digits moving over a frame and a camera panning over
photographs, drawn from data installed with scikit-learn and scikit-image (nothing
is downloaded)."""

import functools
from numbers import Integral, Real

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._optional import require

__all__ = [
    "CAMERA_EFFECTS",
    "DIRECTIONS",
    "HELD_OUT_PHOTOS",
    "PHOTOS",
    "make_moving_digits",
    "make_panning_photos",
]

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


def _draw_velocities(rng, n_samples, max_speed, min_speed=0.3):
    """Random velocities ``(down, right)`` in pixels per frame, with speeds from
    ``min_speed`` to 1 times ``max_speed`` in any direction, and their angles."""
    speed = rng.uniform(min_speed * max_speed, max_speed, size=n_samples)
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n_samples)
    # (down, right): the angle runs counter-clockwise from east with up as north
    velocity = np.column_stack([-np.sin(angle), np.cos(angle)]) * speed[:, None]
    return velocity, angle


def _directions(angle):
    """The nearest of the eight compass directions of each angle."""
    sector = np.rint(angle / (np.pi / 4)).astype(np.intp) % len(DIRECTIONS)
    return np.asarray(DIRECTIONS)[sector]


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
    velocity, angle = _draw_velocities(rng, n_samples, room.min() / (n_frames - 1))
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
        y = _directions(angle)
    return X, y


#: The colour photographs of ``make_panning_photos``: scikit-image's bundled ones.
PHOTOS = (
    "astronaut",
    "chelsea",
    "coffee",
    "hubble_deep_field",
    "immunohistochemistry",
    "motorcycle",
    "retina",
    "rocket",
)


#: Photographs kept out of every choice of a default, to report on: two colour
#: photographs bundled with scikit-learn (a temple in China, a flower) and six
#: grey ones bundled with scikit-image (a cameraman, coins, the moon, and the
#: fine textures of grass, gravel and brick), grey ones repeated into RGB.
HELD_OUT_PHOTOS = (
    "china",
    "flower",
    "camera",
    "coins",
    "moon",
    "grass",
    "gravel",
    "brick",
)

#: What real cameras add, as ``make_panning_photos`` parameters: sensor noise,
#: motion in whole pixels (jerky, not smooth), speeds down to zero, and finer
#: texture (each photograph half as large against the frame: more of it in view).
CAMERA_EFFECTS = {"noise": 4.0, "integer_motion": True, "min_speed": 0.0, "scale": 2}


def _load_photo(name):
    """A bundled photograph as ``(height, width, 3)``."""
    import skimage.data

    if name in ("china", "flower"):
        from sklearn.datasets import load_sample_image

        return load_sample_image(f"{name}.jpg")
    if name == "motorcycle":
        return skimage.data.stereo_motorcycle()[0]
    image = getattr(skimage.data, name)()
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=-1)
    return image


@functools.lru_cache(maxsize=4)
def _photos(side, names=PHOTOS):
    """The photographs ``names``, scaled so that the shorter side is ``side``
    pixels, as float32 arrays ``(height, width, 3)`` on 0-255."""
    rescale = require(
        "skimage.transform",
        extra="photos",
        package="scikit-image (whose photographs it pans over)",
        needed_by="make_panning_photos",
    ).rescale
    photos = []
    for name in names:
        image = _load_photo(name)
        scaled = rescale(
            image.astype(np.float32),
            side / min(image.shape[:2]),
            channel_axis=-1,
            anti_aliasing=True,
            preserve_range=True,
        )
        photos.append(scaled.astype(np.float32))
    return photos


def _window(photo, top, left, height, width):
    """Windows of ``photo`` at fractional corners ``(top, left)`` (arrays of one
    per clip), bilinearly interpolated: ``(n, height, width, 3)`` float32."""
    r0, c0 = np.floor(top).astype(np.intp), np.floor(left).astype(np.intp)
    fr = (top - r0).astype(np.float32)[:, None, None, None]
    fc = (left - c0).astype(np.float32)[:, None, None, None]
    rows = (r0[:, None] + np.arange(height + 1))[:, :, None]
    cols = (c0[:, None] + np.arange(width + 1))[:, None, :]
    patch = photo[rows, cols]  # (n, height + 1, width + 1, 3)
    upper = patch[:, :-1, :-1] * (1 - fc) + patch[:, :-1, 1:] * fc
    lower = patch[:, 1:, :-1] * (1 - fc) + patch[:, 1:, 1:] * fc
    return upper * (1 - fr) + lower * fr


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_frames": [Interval(Integral, 2, None, closed="left")],
        "frame_size": [Interval(Integral, 8, None, closed="left"), tuple],
        "target": [StrOptions({"velocity", "direction"})],
        "photos": [StrOptions({"tuning", "held-out"}), tuple, list],
        "noise": [Interval(Real, 0, None, closed="left")],
        "integer_motion": ["boolean"],
        "min_speed": [Interval(Real, 0, 1, closed="both")],
        "scale": [Interval(Real, 2, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_panning_photos(
    n_samples=1000,
    n_frames=8,
    frame_size=32,
    *,
    target="velocity",
    photos="tuning",
    noise=0.0,
    integer_motion=False,
    min_speed=0.3,
    scale=4,
    random_state=None,
):
    """Clips of real colour photographs seen by a camera panning at constant speed.

    Each clip is a window of ``frame_size`` pixels moving in a straight line at a
    constant velocity over one of eight colour photographs bundled with
    scikit-image (:data:`PHOTOS`: a portrait, a cat, coffee, a galaxy field,
    tissue, a motorcycle, a retina, a rocket; each scaled so that its shorter side
    is four frame sides), sampled with bilinear interpolation, so that motion is
    continuous and sub-pixel. Real texture, three channels, everything in the
    frame moves: the counterpart of :func:`make_moving_digits` for camera motion.
    Nothing is downloaded; scikit-image is needed (the ``photos`` extra).

    Parameters
    ----------
    n_samples : int, default=1000
        Number of clips.

    n_frames : int, default=8
        Frames per clip (at least 2).

    frame_size : int or tuple of (int, int), default=32
        Frame side, or ``(height, width)``; at least 8 pixels.

    target : {'velocity', 'direction'}, default='velocity'
        What ``y`` holds:

        - 'velocity': float64 of shape (n_samples, 2), how the picture moves in
          the frame, in pixels per frame as ``(down, right)`` (the camera pans the
          other way), with speeds from ``min_speed`` to 1 times a twelfth of the
          frame side;
        - 'direction': str of shape (n_samples,), the nearest of the eight compass
          directions in :data:`DIRECTIONS` of that motion (up is north).

    photos : {'tuning', 'held-out'} or tuple of str, default='tuning'
        The photographs: 'tuning', the eight of :data:`PHOTOS` (on which the
        package's defaults were chosen); 'held-out', the eight of
        :data:`HELD_OUT_PHOTOS` (never used to choose one: report on these);
        or names from either.

    noise : float, default=0.0
        Standard deviation of Gaussian sensor noise added to every frame, on
        0-255.

    integer_motion : bool, default=False
        Move the window in whole pixels (its position rounded every frame), so
        that the motion jerks as on a sensor read out without sub-pixel
        interpolation; ``y`` stays the camera's constant velocity.

    min_speed : float, default=0.3
        The slowest speed, as a fraction of the fastest; 0 allows near-zero
        speeds.

    scale : float, default=4
        The shorter side of each photograph in frame sides: smaller is finer
        texture (more of the photograph in each frame), larger is zoomed in.

    random_state : int, RandomState instance or None, default=None
        Determines every random choice; an int gives the same clips every call.

    Returns
    -------
    X : ndarray of shape (n_samples, n_frames, height, width, 3), dtype uint8
        The clips, channel-last RGB.

    y : ndarray of shape (n_samples, 2) or (n_samples,)
        The target, see ``target``.

    Examples
    --------
    >>> from sklearn_st.datasets import make_panning_photos
    >>> X, y = make_panning_photos(n_samples=10, random_state=0)
    >>> X.shape, X.dtype, y.shape
    ((10, 8, 32, 32, 3), dtype('uint8'), (10, 2))
    """
    height, width = (frame_size, frame_size) if np.isscalar(frame_size) else frame_size
    if min(height, width) < 8:
        raise ValueError(f"frame_size must be at least 8 pixels, got {frame_size}.")
    rng = check_random_state(random_state)
    names = {"tuning": PHOTOS, "held-out": HELD_OUT_PHOTOS}.get(photos, photos)
    unknown = sorted(set(names) - set(PHOTOS) - set(HELD_OUT_PHOTOS))
    if unknown or not names or isinstance(names, str):
        raise ValueError(
            "photos must be 'tuning', 'held-out' or names from PHOTOS and "
            f"HELD_OUT_PHOTOS, got {photos!r}."
        )
    photos = _photos(round(scale * min(height, width)), tuple(names))
    velocity, angle = _draw_velocities(
        rng, n_samples, min(height, width) / 12, min_speed
    )
    chosen = rng.randint(len(photos), size=n_samples)
    # the window moves against the picture: corner(t) = start - velocity * t
    travel = -velocity * (n_frames - 1)
    X = np.empty((n_samples, n_frames, height, width, 3), dtype=np.uint8)
    for index, photo in enumerate(photos):
        clips = np.flatnonzero(chosen == index)
        # room for the window and the pixel that bilinear sampling reads beyond it
        room = np.array(photo.shape[:2]) - np.array([height, width]) - 1
        low = np.maximum(0.0, -travel[clips])
        span = room - np.abs(travel[clips])
        start = low + rng.uniform(size=(len(clips), 2)) * span
        for t in range(n_frames):
            corner = start - velocity[clips] * t
            if integer_motion:
                corner = np.rint(corner)
            window = _window(photo, corner[:, 0], corner[:, 1], height, width)
            X[clips, t] = np.clip(np.rint(window), 0, 255).astype(np.uint8)
    if noise:
        for i in range(n_samples):  # a clip at a time: no float copy of X
            noisy = X[i] + rng.normal(0.0, noise, size=X.shape[1:])
            X[i] = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
    y = velocity if target == "velocity" else _directions(angle)
    return X, y
