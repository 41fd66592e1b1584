"""Splits for clips cut from recordings: no test frame is seen in training."""

import numpy as np
import pytest
from sklearn.model_selection import cross_val_score

from sklearn_st.model_selection import RecordingTimeSplit, recording_train_test_split


class Clips:
    """What the splits read of a VideoClips: recordings, start frames, span."""

    def __init__(self, counts, n_frames, stride, step=1):
        self.n_frames, self.step = n_frames, step
        span = (n_frames - 1) * step + 1
        starts = [np.arange(0, n - span + 1, stride) for n in counts]
        self.groups = np.concatenate([np.full(len(s), g) for g, s in enumerate(starts)])
        self.start_frames = np.concatenate(starts)
        self.shape = (len(self.groups), n_frames)

    def __len__(self):
        return len(self.groups)

    def frames(self, ids):
        """The (recording, frame) pairs that the clips ``ids`` show."""
        offsets = np.arange(self.n_frames) * self.step
        return {
            (int(self.groups[i]), int(self.start_frames[i] + o))
            for i in ids
            for o in offsets
        }


@pytest.mark.parametrize("n_splits", [2, 3, 5])
@pytest.mark.parametrize("stride, step", [(1, 1), (3, 2), (8, 1)])
def test_recording_time_split_never_tests_on_a_frame_trained_on(n_splits, stride, step):
    clips = Clips([100, 61, 40], n_frames=8, stride=stride, step=step)
    tested = []
    for train, test in RecordingTimeSplit(n_splits).split(clips):
        assert not clips.frames(train) & clips.frames(test)
        # every recording is tested in every fold, and trained on where it is
        # long enough to leave clips apart from the test stretch
        assert set(clips.groups[test]) == {0, 1, 2}
        assert 0 in clips.groups[train]
        # a test fold is one contiguous stretch of each recording
        for g in range(3):
            ids = test[clips.groups[test] == g]
            assert np.all(np.diff(ids) == 1)
        tested.extend(test)
    assert sorted(tested) == list(range(len(clips)))  # each clip tested once


def test_recording_time_split_keeps_what_does_not_overlap():
    clips = Clips([60], n_frames=4, stride=2)  # clips overlap their neighbour
    train, test = next(iter(RecordingTimeSplit(2).split(clips)))
    # 29 clips: test the first 14 (starts 0-26); a clip starting at 28 shares
    # frame 29 with the clip at 26, the next (30) shares none
    np.testing.assert_array_equal(test, np.arange(14))
    np.testing.assert_array_equal(train, np.arange(15, 29))


@pytest.mark.parametrize("gap", [0, 1, 5, 20])
def test_a_gap_adds_to_the_overlap_of_clips(gap):
    # 16-frame clips one frame apart: an integer gap leaves ``gap`` frames
    # between every training clip and every test clip, beyond the overlap
    clips = Clips([200], n_frames=16, stride=1)
    for train, test in RecordingTimeSplit(3, gap=gap).split(clips):
        trained = {f for _, f in clips.frames(train)}
        tested = {f for _, f in clips.frames(test)}
        distance = min(abs(a - b) for a in trained for b in tested)
        assert distance == gap + 1  # the nearest frames are gap frames apart
    train, test = recording_train_test_split(clips, gap=gap)
    frames_train = {f for _, f in clips.frames(train)}
    assert min({f for _, f in clips.frames(test)}) - max(frames_train) == gap + 1


def test_recording_time_split_on_arrays_uses_groups_and_gap():
    X = np.zeros((10, 3))
    groups = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    folds = list(RecordingTimeSplit(2, gap=1).split(X, groups=groups))
    # each recording of 5 cut into stretches of 2 and 3; 1 sample left out
    np.testing.assert_array_equal(folds[0][1], [0, 1, 5, 6])
    np.testing.assert_array_equal(folds[0][0], [3, 4, 8, 9])
    np.testing.assert_array_equal(folds[1][1], [2, 3, 4, 7, 8, 9])
    np.testing.assert_array_equal(folds[1][0], [0, 5])
    assert RecordingTimeSplit(4).get_n_splits() == 4
    with pytest.raises(ValueError, match=r"groups must have shape \(10,\)"):
        next(RecordingTimeSplit(2).split(X, groups=groups[:5]))


def test_recording_time_split_gap_counts_samples_of_the_recording():
    # two recordings interleaved: a gap of 1 leaves out one sample of the same
    # recording on each side of its test stretch, wherever the samples lie
    groups = np.tile([0, 1], 6)
    train, test = next(RecordingTimeSplit(3, gap=1).split(np.zeros(12), groups=groups))
    np.testing.assert_array_equal(test, [0, 1, 2, 3])  # 2 of each recording
    np.testing.assert_array_equal(train, [6, 7, 8, 9, 10, 11])


def test_recording_time_split_works_as_cv_of_scikit_learn():
    from sklearn.linear_model import Ridge

    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=40)
    scores = cross_val_score(Ridge(), X, y, cv=RecordingTimeSplit(4))
    assert len(scores) == 4
    with pytest.raises(ValueError, match="n_splits"):
        cross_val_score(Ridge(), X, y, cv=RecordingTimeSplit(1))


def test_recording_train_test_split_tests_on_the_later_part():
    clips = Clips([100, 60], n_frames=6, stride=2)
    train, test = recording_train_test_split(clips, test_size=0.25)
    assert not clips.frames(train) & clips.frames(test)
    for g in (0, 1):
        starts_train = clips.start_frames[train][clips.groups[train] == g]
        starts_test = clips.start_frames[test][clips.groups[test] == g]
        assert starts_train.max() < starts_test.min()  # earlier part trains
        n = np.sum(clips.groups == g)
        assert len(starts_test) == round(0.25 * n)
    with pytest.raises(ValueError, match="test_size"):
        recording_train_test_split(clips, test_size=1.5)
