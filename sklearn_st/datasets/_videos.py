"""Written videos: H.264 files of a moving square and of a camera panning over
photographs, for trying :mod:`sklearn_st.video` and the command line offline (the
``video`` extra: PyAV)."""

import os

import numpy as np
from sklearn.utils import check_random_state

from ._generated import HELD_OUT_PHOTOS, PHOTOS, _photos

__all__ = ["write_camera_video", "write_moving_squares_video"]


def _even(n):
    if n < 8 or n % 2:
        raise ValueError(f"video frame sides must be even and at least 8, got {n}.")
    return int(n)


def write_moving_squares_video(
    path, n_frames=240, frame_size=32, *, fps=24, random_state=None
):
    """Write a small video of a bright square moving at changing velocity.

    A 6x6 square on a dark background bounces across the frame, drawing a new
    velocity every 8 frames: a quick, dependency-light video (PyAV only, the
    ``video`` extra) for trying :mod:`sklearn_st.video` offline.

    Parameters
    ----------
    path : str or os.PathLike
        The MP4 file to write (H.264, near lossless).
    n_frames : int, default=240
        Frames of the video.
    frame_size : int, default=32
        Side of the square frames, even.
    fps : int, default=24
        Frames per second.
    random_state : int, RandomState instance or None, default=None
        Determines the velocities.

    Returns
    -------
    velocity : ndarray of shape (n_frames, 2)
        The square's velocity at each frame, ``(down, right)`` in pixels per
        frame.

    Examples
    --------
    >>> from sklearn_st.datasets import write_moving_squares_video
    >>> write_moving_squares_video("squares.mp4", n_frames=16).shape
    (16, 2)
    """
    size = _even(frame_size)
    rng = check_random_state(random_state)
    position, velocity = np.array([8.0, 8.0]), rng.uniform(-2, 2, size=2)
    velocities = []
    from ..video._writer import VideoWriter

    with VideoWriter(path, size, size, fps, crf=10, gop=fps) as writer:
        for t in range(n_frames):
            if t % 8 == 0:
                velocity = rng.uniform(-2, 2, size=2)
            position = np.clip(position + velocity, 0, size - 6)
            velocities.append(velocity.copy())
            frame = np.full((size, size, 3), 20, dtype=np.uint8)
            top, left = np.rint(position).astype(int)
            frame[top : top + 6, left : left + 6] = 230
            writer.write(frame)
    return np.asarray(velocities)


def _sample(photo, rows, cols):
    """``photo`` at the float coordinates ``rows[:, None], cols[None, :]``,
    bilinearly interpolated (coordinates clipped inside the photo)."""
    rows = np.clip(rows, 0, photo.shape[0] - 1.001)
    cols = np.clip(cols, 0, photo.shape[1] - 1.001)
    r0, c0 = rows.astype(np.intp), cols.astype(np.intp)
    fr = (rows - r0).astype(np.float32)[:, None, None]
    fc = (cols - c0).astype(np.float32)[None, :, None]
    top = photo[r0][:, c0] * (1 - fc) + photo[r0][:, c0 + 1] * fc
    bottom = photo[r0 + 1][:, c0] * (1 - fc) + photo[r0 + 1][:, c0 + 1] * fc
    return top * (1 - fr) + bottom * fr


def write_camera_video(
    path,
    n_frames=1000,
    frame_size=(64, 64),
    *,
    photos=None,
    n_objects=3,
    scene_length=None,
    noise=2.0,
    fps=25,
    random_state=None,
):
    """Write footage of a camera panning and zooming over real photographs, with
    objects cut from other photographs moving across the view.

    The camera looks at one of scikit-image's colour photographs (scaled so that
    its shorter side is four frame sides) and drifts over it at a velocity that
    changes smoothly (up to a twelfth of the frame side per frame, as in
    :func:`make_panning_photos`), zooming slowly in
    and out; ``n_objects`` discs cut from the other photographs move over the view
    at their own constant velocities, bouncing off its edges. With
    ``scene_length`` the camera cuts to the next photograph every
    ``scene_length`` frames. Sensor noise is added and the frames are encoded as
    H.264 (YUV 4:2:0, a keyframe every second), as a camera would. Needs PyAV and
    scikit-image (the ``video`` and ``photos`` extras).

    Parameters
    ----------
    path : str or os.PathLike
        The MP4 file to write.
    n_frames : int, default=1000
        Frames of the video.
    frame_size : tuple of (int, int), default=(64, 64)
        ``(height, width)``, even.
    photos : {'tuning', 'held-out'}, sequence of str or None, default=None
        The photographs the camera looks at, in turn: 'tuning' (or None), the
        eight of :data:`PHOTOS`; 'held-out', the eight of
        :data:`HELD_OUT_PHOTOS` (never used to choose a default: report on
        these); or names from either. The objects are cut from the other
        photographs of the same set, or from these when none is left.
    n_objects : int, default=3
        Moving discs in view.
    scene_length : int or None, default=None
        Frames between cuts to the next photograph; None: one shot.
    noise : float, default=2.0
        Standard deviation of the Gaussian sensor noise, on 0-255.
    fps : int, default=25
        Frames per second.
    random_state : int, RandomState instance or None, default=None
        Determines the camera's path, the objects and the noise.

    Returns
    -------
    path : str
        ``path``, written.

    Examples
    --------
    >>> from sklearn_st.datasets import write_camera_video
    >>> from sklearn_st.video import read_video
    >>> path = write_camera_video("camera.mp4", n_frames=30, frame_size=(32, 48))
    >>> read_video(path).shape
    (30, 32, 48, 3)
    """
    height, width = _even(frame_size[0]), _even(frame_size[1])
    rng = check_random_state(random_state)
    sets = {None: PHOTOS, "tuning": PHOTOS, "held-out": HELD_OUT_PHOTOS}
    names = list(sets[photos] if isinstance(photos, str | None) else photos)
    # the objects come from the same set: held-out footage shows no tuning photo
    pool = next(
        (s for s in (PHOTOS, HELD_OUT_PHOTOS) if set(names) <= set(s)),
        PHOTOS + HELD_OUT_PHOTOS,
    )
    if set(names) - set(pool) or not names:
        raise ValueError(
            "photos must be 'tuning', 'held-out' or names from PHOTOS and "
            f"HELD_OUT_PHOTOS, got {photos!r}."
        )
    side = min(height, width)
    library = dict(zip(pool, _photos(4 * side, pool), strict=True))
    scenes = [library[name] for name in names]
    others = [library[name] for name in pool if name not in names] or scenes
    radius = max(2, side // 10)
    disc = np.hypot(*np.mgrid[-radius : radius + 1, -radius : radius + 1]) <= radius
    objects = []
    for _ in range(n_objects):
        source = others[rng.randint(len(others))]
        r = rng.randint(0, source.shape[0] - 2 * radius - 1)
        c = rng.randint(0, source.shape[1] - 2 * radius - 1)
        patch = source[r : r + 2 * radius + 1, c : c + 2 * radius + 1]
        position = rng.uniform(
            [0, 0], [height - 2 * radius - 1, width - 2 * radius - 1]
        )
        speed = rng.uniform(0.5, 1.5) * side / 32
        angle = rng.uniform(0, 2 * np.pi)
        velocity = speed * np.array([np.sin(angle), np.cos(angle)])
        objects.append([patch, position, velocity])
    max_speed = side / 12
    scene, photo = 0, scenes[0]
    centre = np.array(photo.shape[:2]) / 2
    velocity = np.zeros(2)
    goal = rng.uniform(-max_speed, max_speed, size=2)
    zoom_phase = rng.uniform(0, 2 * np.pi)
    from ..video._writer import VideoWriter

    with VideoWriter(path, height, width, fps, crf=18, gop=fps) as writer:
        for t in range(n_frames):
            if scene_length and t and t % scene_length == 0:
                scene = (scene + 1) % len(scenes)
                photo = scenes[scene]
                centre = np.array(photo.shape[:2]) / 2
            if t % 40 == 0:
                goal = rng.uniform(-max_speed, max_speed, size=2)
            velocity += 0.1 * (goal - velocity)  # smooth changes of direction
            zoom = 1.0 + 0.25 * np.sin(zoom_phase + 2 * np.pi * t / (8 * fps))
            half = np.array([height, width]) * zoom / 2
            low, high = half + 1, np.array(photo.shape[:2]) - half - 2
            centre = centre + velocity * zoom
            bounce = (centre < low) | (centre > high)
            velocity[bounce], goal[bounce] = -velocity[bounce], -goal[bounce]
            centre = np.clip(centre, low, high)
            rows = centre[0] - half[0] + np.arange(height) * zoom
            cols = centre[1] - half[1] + np.arange(width) * zoom
            frame = _sample(photo, rows, cols)
            for item in objects:
                patch, position, step = item
                position += step
                for axis, limit in enumerate((height, width)):
                    if not 0 <= position[axis] <= limit - patch.shape[axis]:
                        step[axis] = -step[axis]
                        position[axis] = np.clip(
                            position[axis], 0, limit - patch.shape[axis]
                        )
                top, left = np.rint(position).astype(int)
                view = frame[top : top + patch.shape[0], left : left + patch.shape[1]]
                view[disc] = patch[disc]
            frame = frame + rng.normal(0, noise, size=frame.shape)
            writer.write(np.clip(np.rint(frame), 0, 255).astype(np.uint8))
    return os.fspath(path)
