"""From a video file to the array contract, and into a model.

Reads a video with PyAV (``pip install '.[video]'`` from the checkout) into
``(n_frames, height, width, 3)`` uint8 frames, cuts it into clips of
``(n_clips, clip_length, height, width, 3)``: channel-last, uint8, exactly what
every sklearn_st estimator takes (nothing is converted to float up front). So
that it runs offline, the example first writes its own small video: a bright
square moving across a dark frame, and regresses the square's velocity.
Run: python examples/read_video.py (24 s on 2 cores, AMD EPYC).
"""

import tempfile
from pathlib import Path

import numpy as np

from sklearn_st import ConvLSTMRegressor, EpochProgress


def write_demo_video(path, n_frames=240, size=32, fps=24, random_state=0):
    """A square bouncing at a changing velocity; returns the true velocities."""
    import av

    rng = np.random.default_rng(random_state)
    position, velocity = np.array([8.0, 8.0]), rng.uniform(-2, 2, size=2)
    velocities = []
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": "10"}  # near lossless
        for t in range(n_frames):
            if t % 8 == 0:
                velocity = rng.uniform(-2, 2, size=2)
            position = np.clip(position + velocity, 0, size - 6)
            velocities.append(velocity.copy())
            frame = np.full((size, size, 3), 20, dtype=np.uint8)
            top, left = np.rint(position).astype(int)
            frame[top : top + 6, left : left + 6] = 230
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, "rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return np.asarray(velocities)


def read_video(path):
    """All frames of a video as ``(n_frames, height, width, 3)`` uint8."""
    import av

    with av.open(str(path)) as container:
        return np.stack(
            [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]
        )


def to_clips(frames, clip_length):
    """Consecutive, non-overlapping clips: ``(n_clips, clip_length, *frame)``."""
    n_clips = len(frames) // clip_length
    return frames[: n_clips * clip_length].reshape(
        n_clips, clip_length, *frames.shape[1:]
    )


def main(n_frames=960, max_epochs=None):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.mp4"
        velocities = write_demo_video(path, n_frames=n_frames)
        frames = read_video(path)
    print(f"read {path.name}: {frames.shape} {frames.dtype}")
    X = to_clips(frames, clip_length=8)
    y = to_clips(velocities, clip_length=8).mean(axis=1)  # each clip's mean velocity
    split = int(0.75 * len(X))
    epochs = {} if max_epochs is None else {"max_epochs": max_epochs}
    model = ConvLSTMRegressor(
        random_state=0, callbacks=[EpochProgress("ConvLSTM")], **epochs
    ).fit(X[:split], y[:split])
    score = model.score(X[split:], y[split:])
    print(f"clips X {X.shape} {X.dtype}; held-out R^2 of the velocity: {score:.3f}")
    return X, score


if __name__ == "__main__":
    main()
