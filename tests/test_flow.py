"""OpticalFlow: dense optical flow between consecutive frames."""

import numpy as np
import pytest
from indexable import Indexable

pytest.importorskip("cv2")

from sklearn_st import OpticalFlow
from sklearn_st.datasets import make_moving_digits, make_panning_photos


@pytest.fixture(scope="module")
def photos():
    pytest.importorskip("skimage")
    X, y = make_panning_photos(12, n_frames=4, frame_size=32, random_state=0)
    X.flags.writeable = False
    return X, y


def _median_motion(flow):
    """The median flow ``(down, right)`` of each clip, away from the borders."""
    inner = flow[:, :, 6:-6, 6:-6]
    return np.median(inner.reshape(len(flow), -1, 2), axis=1)


def test_flow_measures_the_camera_motion_of_panning_photos(photos):
    X, y = photos
    flow = OpticalFlow().fit_transform(X)
    assert flow.shape == (12, 3, 32, 32, 2) and flow.dtype == np.float32
    # the picture moves by y (down, right) pixels a frame, sub-pixel included:
    # most clips within 0.1 px (measured: 9 of 12 within 0.05; low-texture
    # photographs, the galaxy field and the retina, are harder)
    error = np.abs(_median_motion(flow) - y).max(axis=1)
    assert np.median(error) < 0.1 and np.mean(error < 0.15) >= 0.75, error


def test_flow_of_moving_digits_follows_the_digit():
    X, y = make_moving_digits(20, n_frames=3, frame_size=32, random_state=0)
    flow = OpticalFlow().fit_transform(X)
    assert flow.shape == (20, 2, 32, 32, 2)
    cosines = []
    for i in range(20):
        # where the flow sees motion, it points the way the digit moves
        mean = flow[i][np.abs(flow[i]).sum(axis=-1) > 0.5].mean(axis=0)
        cosines.append(mean @ y[i] / np.linalg.norm(mean) / np.linalg.norm(y[i]))
    # measured: median 0.97; digits moving up to 7 px a frame defeat it in a few
    assert np.median(cosines) > 0.9, cosines


@pytest.mark.parametrize(
    "shape, out",
    [
        ((5, 3, 20, 24, 3), (5, 2, 20, 24, 2)),
        ((5, 3, 20, 24), (5, 2, 20, 24, 2)),
        ((5, 3, 7, 5, 2), (5, 2, 7, 5, 2)),  # padded to DIS's smallest frames
        ((5, 3, 4), (5, 2, 1, 1, 2)),  # feature vectors: frames of one pixel
        ((5, 3), (5, 2, 1, 1, 2)),
    ],
)
def test_flow_shapes_for_every_layout(shape, out):
    X = np.random.RandomState(0).randint(0, 255, size=shape).astype(np.uint8)
    flow = OpticalFlow().fit_transform(X)
    assert flow.shape == out and flow.dtype == np.float32
    if len(shape) <= 3:
        np.testing.assert_array_equal(flow, 0)  # one pixel shows no motion


def test_flow_of_float_frames_matches_uint8_frames(photos):
    X, _ = photos
    expected = OpticalFlow().fit_transform(X)
    # floats on 0-1 are mapped back to 0-255 through the range seen in fit
    as_float = OpticalFlow().fit(X / 255.0)
    assert as_float.data_range_ == (X.min() / 255.0, X.max() / 255.0)
    got = as_float.transform(X / 255.0)
    difference = np.abs(_median_motion(got) - _median_motion(expected))
    assert np.median(difference) < 0.05, difference
    # the range is the fitted one: a brighter copy is not rescaled at transform
    brighter = as_float.transform(np.minimum(X / 255.0 * 1.5, 1.0))
    assert not np.allclose(brighter, got)


def test_flow_of_a_memmap_is_a_lazy_view(photos, tmp_path):
    X, _ = photos
    mm = np.memmap(tmp_path / "clips.u8", dtype=np.uint8, mode="w+", shape=X.shape)
    mm[:] = X
    mm.flush()
    read_only = np.memmap(
        tmp_path / "clips.u8", dtype=np.uint8, mode="r", shape=X.shape
    )
    flow = OpticalFlow().fit(read_only).transform(read_only)
    assert not isinstance(flow, np.ndarray) and flow.shape == (12, 3, 32, 32, 2)
    expected = OpticalFlow().fit_transform(X)
    np.testing.assert_array_equal(flow[[3, 0]], expected[[3, 0]])
    np.testing.assert_array_equal(np.asarray(flow), expected)


def test_flow_of_an_indexable_array_reads_it_by_batches(photos):
    X, _ = photos
    indexable = Indexable(X)
    flow = OpticalFlow().fit(indexable).transform(indexable)
    np.testing.assert_array_equal(flow[2:5], OpticalFlow().fit_transform(X)[2:5])


def test_flow_refuses_bad_input_clearly(photos):
    X, _ = photos
    with pytest.raises(ValueError, match="needs more than 1 frame"):
        OpticalFlow().fit(X[:, :1])
    with pytest.raises(ValueError, match="contains NaN"):
        OpticalFlow().fit(np.full((3, 4, 16, 16), np.nan))
    with pytest.raises(ValueError, match="Complex data not supported"):
        OpticalFlow().fit(np.zeros((3, 4, 16, 16), dtype=complex))
    with pytest.raises(TypeError, match="real numeric dtype"):
        OpticalFlow().fit(Indexable(np.zeros((3, 4, 16, 16), dtype=complex)))
    fitted = OpticalFlow().fit(X)
    with pytest.raises(ValueError, match=r"\(4, 32, 30, 3\).*\(4, 32, 32, 3\)"):
        fitted.transform(X[:, :, :, :30])
    with pytest.raises(ValueError, match="preset"):
        OpticalFlow(preset="slow").fit(X)


def test_flow_without_opencv_says_how_to_install(monkeypatch, photos):
    import sys

    monkeypatch.setitem(sys.modules, "cv2", None)  # as if not installed
    with pytest.raises(
        ImportError,
        match=r"OpenCV \(opencv-python-headless\): pip install "
        r'"sklearn_st\[flow\]" \(or "\.\[flow\]" from a checkout\)',
    ):
        OpticalFlow().fit(photos[0])
