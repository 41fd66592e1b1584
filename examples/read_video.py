"""
From video files to a model, without holding the video in memory.
=================================================================

Writes two small videos of a square moving at changing velocity (so that it runs
offline; needs the ``video`` extra, PyAV), opens them as ``VideoClips``: an
indexable array of overlapping clips ``(n_clips, 8, 32, 32, 3)`` uint8 that
decodes only the clips a batch asks for. A ConvLSTMRegressor learns each clip's
mean velocity from the first 75% of each recording and is scored on the rest
(``recording_train_test_split``): clips cut from one recording overlap, so they
are split in time, never shuffled, and no training clip shares a frame with a
test clip.
Run: python examples/read_video.py (about 30 s on 2 cores).
"""

import tempfile
from pathlib import Path

import numpy as np

from sklearn_st import ConvLSTMRegressor, EpochProgress, VideoClips
from sklearn_st.datasets import write_moving_squares_video
from sklearn_st.model_selection import recording_train_test_split


def main(n_frames=480, max_epochs=None):
    with tempfile.TemporaryDirectory() as folder:
        paths, velocities = [], []
        for seed in range(2):
            path = Path(folder) / f"squares{seed}.mp4"
            velocities.append(
                write_moving_squares_video(path, n_frames, random_state=seed)
            )
            paths.append(path)
        clips = VideoClips(paths, n_frames=8, stride=2)
        print(clips)
        # each clip's target: the mean velocity over its frames
        y = np.stack(
            [
                velocities[g][s : s + 8].mean(axis=0)
                for g, s in zip(clips.groups, clips.start_frames, strict=True)
            ]
        )
        train, test = recording_train_test_split(clips, test_size=0.25)
        epochs = {} if max_epochs is None else {"max_epochs": max_epochs}
        model = ConvLSTMRegressor(
            random_state=0, callbacks=[EpochProgress("ConvLSTM")], **epochs
        ).fit(clips.subset(train), y[train])  # still decoded batch by batch
        score = model.score(clips.subset(test), y[test])
    print(
        f"{len(train)} training clips (first 75% of each video), {len(test)} test "
        f"clips (the last 25%); held-out R^2 of the velocity: {score:.3f}"
    )
    return clips, score


if __name__ == "__main__":
    main()
