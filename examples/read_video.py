"""From video files to a model, without holding the video in memory.

Writes two small videos of a square moving at changing velocity (so that it runs
offline; needs the ``video`` extra, PyAV), opens them as ``VideoClips``: an
indexable array of overlapping clips ``(n_clips, 8, 32, 32, 3)`` uint8 that
decodes only the clips a batch asks for. A ConvLSTMRegressor learns each clip's
mean velocity from the first 75% of each recording and is scored on the rest:
clips cut from one recording overlap, so they are split in time, never shuffled.
Run: python examples/read_video.py (about 30 s on 2 cores).
"""

import tempfile
from pathlib import Path

import numpy as np

from sklearn_st import ConvLSTMRegressor, EpochProgress, VideoClips
from sklearn_st.datasets import write_moving_squares_video


def time_split(clips, train_share=0.75):
    """Training clips from the first ``train_share`` of each recording, test clips
    from the rest; clips that would overlap a test clip are left out."""
    span = (clips.n_frames - 1) * clips.step + 1
    train, test = [], []
    for group, n_total in enumerate(clips.frame_counts):
        border = int(train_share * n_total)
        ids = np.flatnonzero(clips.groups == group)
        starts = clips.start_frames[ids]
        train.append(ids[starts + span <= border])
        test.append(ids[starts >= border])
    return np.concatenate(train), np.concatenate(test)


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
        train, test = time_split(clips)
        epochs = {} if max_epochs is None else {"max_epochs": max_epochs}
        model = ConvLSTMRegressor(
            random_state=0, callbacks=[EpochProgress("ConvLSTM")], **epochs
        ).fit(clips[train], y[train])
        score = model.score(clips[test], y[test])
    print(
        f"{len(train)} training clips (first 75% of each video), {len(test)} test "
        f"clips (the rest); held-out R^2 of the velocity: {score:.3f}"
    )
    return clips, score


if __name__ == "__main__":
    main()
