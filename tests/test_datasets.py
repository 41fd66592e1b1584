"""sklearn_st.datasets."""

import numpy as np
import pytest

from sklearn_st.datasets import DIRECTIONS, make_moving_digits


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
