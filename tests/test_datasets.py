"""sklearn_st.datasets."""

import importlib.util

import numpy as np
import pytest

from sklearn_st.datasets import DIRECTIONS, make_moving_digits, make_panning_photos


def test_make_moving_digits_shapes_and_dtypes():
    X, y = make_moving_digits(12, n_frames=5, frame_size=(24, 40), random_state=0)
    assert X.shape == (12, 5, 24, 40, 1)
    assert X.dtype == np.uint8
    assert y.shape == (12, 2)
    assert y.dtype == np.float64
    assert X.max() > 200  # real digit strokes, full intensity

    _, digits = make_moving_digits(50, target="digit", random_state=0)
    assert digits.shape == (50,)
    assert set(np.unique(digits)) <= set(range(10))
    assert len(np.unique(digits)) > 5

    _, directions = make_moving_digits(200, target="direction", random_state=0)
    assert set(np.unique(directions)) == set(DIRECTIONS)


def test_make_moving_digits_is_deterministic():
    a = make_moving_digits(20, noise=0.1, clutter=True, random_state=3)
    b = make_moving_digits(20, noise=0.1, clutter=True, random_state=3)
    c = make_moving_digits(20, noise=0.1, clutter=True, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_make_moving_digits_velocity_is_the_motion():
    n_frames = 8
    X, velocity = make_moving_digits(40, n_frames=n_frames, random_state=0)
    rows, cols = np.indices(X.shape[2:4])
    mass = X[..., 0].astype(float)
    total = mass.sum(axis=(2, 3))
    centroid = np.stack(
        [(mass * idx).sum(axis=(2, 3)) / total for idx in (rows, cols)], axis=-1
    )
    measured = (centroid[:, -1] - centroid[:, 0]) / (n_frames - 1)
    # positions are rounded to whole pixels: at most one pixel off end to end
    np.testing.assert_allclose(measured, velocity, atol=1.0 / (n_frames - 1) + 1e-9)
    # one frame cannot tell it: the digit really moves
    assert np.abs(velocity).max() > 1.0


def test_make_moving_digits_direction_matches_velocity():
    _, velocity = make_moving_digits(100, random_state=5)
    _, direction = make_moving_digits(100, target="direction", random_state=5)
    moving_right = velocity[:, 1] > np.abs(velocity[:, 0]) * 2.5
    assert moving_right.any()
    assert set(direction[moving_right]) == {"E"}
    moving_up = -velocity[:, 0] > np.abs(velocity[:, 1]) * 2.5
    assert set(direction[moving_up]) == {"N"}


def test_make_moving_digits_clutter_is_static_and_noise_perturbs():
    X, _ = make_moving_digits(10, clutter=True, random_state=0)
    clean, _ = make_moving_digits(10, random_state=0)
    static = (X.min(axis=1) > 0).sum()
    assert static > (clean.min(axis=1) > 0).sum()  # a digit present in every frame
    noisy, _ = make_moving_digits(10, noise=0.2, random_state=0)
    assert np.count_nonzero(noisy != clean) > clean.size // 2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_frames": 1}, "n_frames"),
        ({"target": "speed"}, "target"),
        ({"frame_size": 8}, "frame_size"),
        ({"frame_size": (8, 32)}, "at least 12 pixels"),
        ({"noise": -1.0}, "noise"),
    ],
)
def test_make_moving_digits_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_moving_digits(5, **kwargs)


# --- make_panning_photos ----------------------------------------------------------

needs_skimage = pytest.mark.skipif(
    importlib.util.find_spec("skimage") is None, reason="needs scikit-image"
)


@needs_skimage
def test_make_panning_photos_shapes_dtypes_and_determinism():
    X, y = make_panning_photos(12, n_frames=5, frame_size=(16, 24), random_state=0)
    assert X.shape == (12, 5, 16, 24, 3) and X.dtype == np.uint8
    assert y.shape == (12, 2) and y.dtype == np.float64
    again, _ = make_panning_photos(12, n_frames=5, frame_size=(16, 24), random_state=0)
    np.testing.assert_array_equal(X, again)
    speed = np.hypot(*y.T)
    assert speed.min() >= 0.3 * 16 / 12 - 1e-9 and speed.max() <= 16 / 12 + 1e-9
    assert X.std() > 20  # real texture, not flat colour


def _best_shift(a, b, reach):
    """The integer (down, right) shift of ``a``'s content that best matches ``b``."""
    h, w = a.shape[:2]
    best, err = None, np.inf
    for dr in range(-reach, reach + 1):
        for dc in range(-reach, reach + 1):
            sa = a[max(0, -dr) : h - max(0, dr), max(0, -dc) : w - max(0, dc)]
            sb = b[max(0, dr) : h - max(0, -dr), max(0, dc) : w - max(0, -dc)]
            e = np.mean((sa.astype(float) - sb.astype(float)) ** 2)
            if e < err:
                best, err = (dr, dc), e
    return np.array(best)


@needs_skimage
def test_make_panning_photos_velocity_is_the_motion_seen():
    X, y = make_panning_photos(20, n_frames=7, frame_size=32, random_state=1)
    # over 6 frames the picture moves velocity * 6 pixels; the best integer
    # alignment of the first and last frame is within a pixel of it
    shifts = np.array([_best_shift(clip[0], clip[-1], 16) for clip in X])
    close = np.all(np.abs(shifts - 6 * y) <= 1.0, axis=1)
    assert close.mean() >= 0.9, np.column_stack([shifts, 6 * y])[~close]


@needs_skimage
def test_make_panning_photos_direction_matches_velocity():
    _, velocity = make_panning_photos(40, random_state=2)
    _, labels = make_panning_photos(40, target="direction", random_state=2)
    east = np.abs(np.arctan2(-velocity[:, 0], velocity[:, 1])) < np.pi / 8
    assert set(labels[east]) == {"E"}
    assert set(labels) <= set(DIRECTIONS)


@needs_skimage
def test_make_panning_photos_rejects_bad_parameters():
    with pytest.raises(ValueError, match="frame_size must be at least 8"):
        make_panning_photos(2, frame_size=(4, 30))
    with pytest.raises(ValueError, match="'target' parameter"):
        make_panning_photos(2, target="digit")
    with pytest.raises(ValueError, match="photos must be 'tuning', 'held-out' or"):
        make_panning_photos(2, photos=("astronaut", "lena"))
    with pytest.raises(ValueError, match="'min_speed' parameter"):
        make_panning_photos(2, min_speed=1.5)


def test_held_out_photos_are_apart_from_the_tuning_ones():
    from sklearn_st.datasets import HELD_OUT_PHOTOS, PHOTOS

    assert not set(PHOTOS) & set(HELD_OUT_PHOTOS) and len(HELD_OUT_PHOTOS) == 8


@needs_skimage
def test_make_panning_photos_on_held_out_photos_with_camera_effects():
    from sklearn_st.datasets import CAMERA_EFFECTS

    tuning, _ = make_panning_photos(30, n_frames=3, frame_size=16, random_state=0)
    held_out, _ = make_panning_photos(
        30, n_frames=3, frame_size=16, photos="held-out", random_state=0
    )
    assert held_out.shape == tuning.shape and not np.array_equal(held_out, tuning)
    X, y = make_panning_photos(
        30,
        n_frames=3,
        frame_size=16,
        photos="held-out",
        random_state=0,
        **CAMERA_EFFECTS,
    )
    assert X.shape == (30, 3, 16, 16, 3) and X.dtype == np.uint8
    assert np.hypot(*y.T).min() < 0.3 * 16 / 12  # slower than the default's slowest


@needs_skimage
def test_make_panning_photos_noise_adds_sensor_noise_to_the_same_clips():
    clean, y = make_panning_photos(10, n_frames=3, frame_size=16, random_state=0)
    noisy, y_noisy = make_panning_photos(
        10, n_frames=3, frame_size=16, noise=5.0, random_state=0
    )
    np.testing.assert_array_equal(y, y_noisy)
    difference = noisy.astype(float) - clean
    assert 4.0 < difference.std() < 5.5 and abs(difference.mean()) < 0.5


@needs_skimage
def test_make_panning_photos_integer_motion_moves_in_whole_pixels():
    X, y = make_panning_photos(
        10, n_frames=4, frame_size=24, integer_motion=True, random_state=0
    )
    for clip, velocity in zip(X, y, strict=True):
        for t in range(3):
            shift = _best_shift(clip[t], clip[t + 1], 4)
            h, w = clip.shape[:2]
            dr, dc = shift
            a = clip[t][max(0, -dr) : h - max(0, dr), max(0, -dc) : w - max(0, dc)]
            b = clip[t + 1][max(0, dr) : h - max(0, -dr), max(0, dc) : w - max(0, -dc)]
            np.testing.assert_array_equal(a, b)  # an exact whole-pixel shift
            assert np.all(np.abs(shift - velocity) < 1.0)


@needs_skimage
def test_make_panning_photos_scale_gives_finer_texture():
    coarse, _ = make_panning_photos(40, n_frames=2, frame_size=16, random_state=0)
    fine, _ = make_panning_photos(
        40, n_frames=2, frame_size=16, scale=2, random_state=0
    )

    def detail(X):
        return np.abs(np.diff(X.astype(float), axis=3)).mean()

    assert detail(fine) > 1.1 * detail(coarse)  # measured: 1.15x
