"""sklearn_st.video: reading video files into frames and lazy clips."""

import pickle

import numpy as np
import pytest
from fast import NET_CLASSES, PLAIN_CLASSES, fast, output, targets
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

pytest.importorskip("av")

from sklearn_st.datasets import write_camera_video, write_moving_squares_video
from sklearn_st.video import VideoClips, read_video, sliding_clips


@pytest.fixture(scope="module")
def videos(tmp_path_factory):
    """Two videos of moving squares, 70 and 53 frames of 32x32, a key frame every
    8 frames (so that reading clips seeks)."""
    folder = tmp_path_factory.mktemp("videos")
    paths = []
    for n, seed in ((70, 0), (53, 1)):
        path = folder / f"squares{seed}.mp4"
        _write_squares(path, n, seed, gop=8)
        paths.append(str(path))
    return paths


def _write_squares(path, n_frames, seed, gop):
    from sklearn_st.video._writer import VideoWriter

    rng = np.random.default_rng(seed)
    with VideoWriter(path, 32, 32, 24, crf=10, gop=gop) as writer:
        for t in range(n_frames):
            frame = rng.integers(0, 40, size=(32, 32, 3), dtype=np.uint8)
            frame[t % 26 : t % 26 + 6, (2 * t) % 26 : (2 * t) % 26 + 6] = 220
            writer.write(frame)


@pytest.fixture(scope="module")
def decoded(videos):
    return [read_video(path) for path in videos]


def test_read_video_reads_every_frame_as_rgb_uint8(videos, decoded):
    assert [d.shape for d in decoded] == [(70, 32, 32, 3), (53, 32, 32, 3)]
    assert decoded[0].dtype == np.uint8
    # the bright square is where it was drawn (lossy, near exact)
    assert decoded[0][10, 12, 22].min() > 180 and decoded[0][10, 30, 1].max() < 80


def test_read_video_start_stop_step_are_a_slice_of_the_frames(videos, decoded):
    for start, stop, step in [(5, 40, 3), (None, None, 7), (-10, None, 1), (33, 34, 1)]:
        got = read_video(videos[0], start=start, stop=stop, step=step)
        np.testing.assert_array_equal(got, decoded[0][start:stop:step])


def test_read_video_scales_while_decoding(videos, decoded):
    half = read_video(videos[0], size=(16, 8))
    assert half.shape == (70, 16, 8, 3)
    assert read_video(videos[0], size=16).shape == (70, 16, 16, 3)
    # pixel-area averages of the full frames, up to rounding and chroma
    area = decoded[0].reshape(70, 16, 2, 8, 4, 3).mean(axis=(2, 4))
    assert np.abs(half - area).mean() < 6


def test_read_video_size_int_keeps_the_aspect_ratio(tmp_path):
    path = write_camera_video(
        tmp_path / "wide.mp4", n_frames=3, frame_size=(32, 64), random_state=0
    )
    assert read_video(path, size=16).shape == (3, 16, 32, 3)


def test_read_video_steps_through_1000_frames(tmp_path):
    # its speed (1,000 frames of 64x64) is measured by benchmarks/bench_video.py;
    # here: every hundredth frame of a long file, each the one asked for
    path = tmp_path / "long.mp4"
    write_moving_squares_video(path, n_frames=1000, frame_size=64, random_state=0)
    frames = read_video(path, step=100)
    assert frames.shape == (10, 64, 64, 3)
    np.testing.assert_array_equal(frames[3], read_video(path, start=300, stop=301)[0])


def test_sliding_clips_is_a_read_only_view():
    frames = np.arange(20 * 2).reshape(20, 2)
    clips = sliding_clips(frames, 4, stride=3, step=2)
    assert clips.shape == (5, 4, 2)  # starts 0, 3, 6, 9, 12; last frame 12 + 6
    assert np.shares_memory(clips, frames) and not clips.flags.writeable
    for i in range(5):
        np.testing.assert_array_equal(clips[i], frames[3 * i : 3 * i + 7 : 2])


def test_sliding_clips_of_too_few_frames_is_refused():
    with pytest.raises(ValueError, match="5 frames are too few for one clip of 3"):
        sliding_clips(np.zeros(5), 3, step=3)
    with pytest.raises(ValueError, match="stride must be a positive integer"):
        sliding_clips(np.zeros(5), 3, stride=0)


def _expected(decoded, n_frames, stride, step):
    return np.concatenate(
        [sliding_clips(d, n_frames, stride=stride, step=step) for d in decoded]
    )


@settings(max_examples=25, deadline=None)
@given(
    n_frames=st.integers(1, 6),
    stride=st.integers(1, 9),
    step=st.integers(1, 3),
    cache=st.sampled_from([0, 1 << 20]),
    data=st.data(),
)
def test_video_clips_index_as_sliding_clips_of_the_decoded_frames(
    videos, decoded, n_frames, stride, step, cache, data
):
    clips = VideoClips(videos, n_frames, stride=stride, step=step, cache_bytes=cache)
    expected = _expected(decoded, n_frames, stride, step)
    assert clips.shape == expected.shape and len(clips) == len(expected)
    n = len(clips)
    key = data.draw(
        st.one_of(
            st.integers(-n, n - 1),
            st.slices(n),
            st.lists(st.integers(-n, n - 1), max_size=12).map(np.array),
            st.lists(st.booleans(), min_size=n, max_size=n).map(np.array),
        )
    )
    if isinstance(key, np.ndarray) and key.dtype != bool:
        key = key.astype(np.intp)
    np.testing.assert_array_equal(clips[key], expected[key])


def test_video_clips_groups_and_start_times(videos):
    clips = VideoClips(videos, 8, stride=5, size=16)
    n0, n1 = (70 - 8) // 5 + 1, (53 - 8) // 5 + 1
    np.testing.assert_array_equal(clips.groups, [0] * n0 + [1] * n1)
    np.testing.assert_array_equal(clips.start_frames[: n0 + 1], [*range(0, 65, 5), 0])
    np.testing.assert_allclose(clips.start_times[:3], [0, 5 / 24, 10 / 24])
    np.testing.assert_array_equal(clips.frame_counts, [70, 53])
    assert clips.shape == (n0 + n1, 8, 16, 16, 3) and clips.dtype == np.uint8
    for train, test in GroupKFold(2).split(clips, groups=clips.groups):
        assert not set(clips.groups[train]) & set(clips.groups[test])


def test_video_clips_pickle_without_their_cache(videos, decoded):
    clips = VideoClips(videos[0], 4, stride=10)
    clips[1]  # decoded: its frames cached
    assert clips._cache
    loaded = pickle.loads(pickle.dumps(clips))
    assert not loaded._cache
    np.testing.assert_array_equal(loaded[2], decoded[0][20:24])


def test_video_clips_subset_stays_lazy_with_its_clips_own_times(videos, decoded):
    clips = VideoClips(videos, 4, stride=10)
    part = clips.subset([7, 2, 8])
    assert isinstance(part, VideoClips) and part.shape == (3, 4, 32, 32, 3)
    np.testing.assert_array_equal(part.groups, clips.groups[[7, 2, 8]])
    np.testing.assert_array_equal(part.start_frames, [0, 20, 10])
    np.testing.assert_array_equal(part.start_times, clips.start_times[[7, 2, 8]])
    assert not part._cache
    np.testing.assert_array_equal(part[1], decoded[0][20:24])
    np.testing.assert_array_equal(part[[0, 2]], clips[[7, 8]])
    np.testing.assert_array_equal(clips.subset(clips.groups == 1)[0], decoded[1][:4])


def test_video_clips_cache_is_bounded(videos):
    clips = VideoClips(videos, 4, cache_bytes=5 * 32 * 32 * 3)
    np.asarray(clips)
    assert len(clips._cache) == 5 and clips._cache.nbytes <= clips.cache_bytes


def _on_clips(name):
    """A fast ``name``, behind a FrameFlattener where it reads feature sequences."""
    estimator = fast(name)
    if 5 in getattr(estimator, "_input_ndims", (5,)):
        return estimator
    return make_pipeline(fast("FrameFlattener"), estimator)


@pytest.mark.parametrize("name", PLAIN_CLASSES + NET_CLASSES)
def test_every_estimator_fits_on_video_clips(videos, name):
    clips = VideoClips(videos, 3, stride=6, size=12)
    X = np.asarray(clips)
    y = targets(fast(name), len(X))
    expected = output(_on_clips(name).fit(X, y), X)
    got = output(_on_clips(name).fit(clips, y), clips)
    np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-5, atol=1e-6)


def test_video_clips_drop_clips_that_span_a_scene_cut(tmp_path):
    path = write_camera_video(
        tmp_path / "cuts.mp4",
        n_frames=60,
        frame_size=(32, 32),
        scene_length=20,
        photos=("astronaut", "hubble_deep_field", "coffee"),
        random_state=0,
    )
    clips = VideoClips(path, 5, drop_scene_cuts=True)
    np.testing.assert_array_equal(clips.scene_cuts[0], [20, 40])
    # clips starting 16-19 and 36-39 span a cut: 56 - 8 left
    assert len(clips) == 48
    starts = set(clips.start_frames.tolist())
    assert not starts & {16, 17, 18, 19, 36, 37, 38, 39}
    assert {15, 20, 35, 40} <= starts
    assert len(VideoClips(path, 5)) == 56


@pytest.mark.parametrize("reader", ["read_video", "VideoClips"])
def test_bad_video_files_are_named_in_one_clear_error(tmp_path, videos, reader):
    def read(path, n_frames=4):
        if reader == "read_video":
            return read_video(path)
        return VideoClips([videos[0], path], n_frames)

    missing = tmp_path / "missing.mp4"
    with pytest.raises(FileNotFoundError, match=f"{missing}: no such video file"):
        read(missing)
    text = tmp_path / "notes.mp4"
    text.write_text("not a video at all\n" * 50)
    with pytest.raises(ValueError, match=f"{text}: not a video file"):
        read(text)
    audio = tmp_path / "sound.wav"
    _write_audio(audio)
    with pytest.raises(ValueError, match=f"{audio}: the file holds no video stream"):
        read(audio)
    broken = tmp_path / "broken.mp4"
    data = bytearray(open(videos[0], "rb").read())
    broken.write_bytes(bytes(data[: len(data) // 3]))  # cut off mid-stream
    with pytest.raises(ValueError, match=f"{broken}: "):
        read(broken)


def test_video_too_short_for_one_clip_is_named(videos):
    with pytest.raises(ValueError, match=f"{videos[1]}: 53 frames are too few"):
        VideoClips(videos, 28, step=2)


def test_videos_of_different_sizes_need_a_size(tmp_path, videos):
    wide = write_camera_video(tmp_path / "wide.mp4", n_frames=8, frame_size=(32, 48))
    with pytest.raises(ValueError, match=r"differ in size.*pass size="):
        VideoClips([videos[0], wide], 4)
    assert VideoClips([videos[0], wide], 4, size=(16, 16)).shape[2:] == (16, 16, 3)


def test_video_writer_leaves_no_half_written_file(tmp_path):
    path = tmp_path / "half.mp4"
    with pytest.raises(ValueError, match="even"):
        write_camera_video(path, n_frames=4, frame_size=(31, 32))
    assert not path.exists()
    with pytest.raises(
        ValueError, match="photos must be 'tuning', 'held-out' or names"
    ):
        write_camera_video(path, n_frames=4, frame_size=(32, 32), photos=["cat"])
    assert not path.exists()
    from sklearn_st.video._writer import VideoWriter

    with pytest.raises(RuntimeError, match="interrupted"):
        with VideoWriter(path, 16, 16, 24, crf=18, gop=24) as writer:
            writer.write(np.zeros((16, 16, 3), dtype=np.uint8))
            raise RuntimeError("interrupted")
    assert not path.exists()


def _write_audio(path):
    import av

    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("pcm_s16le", rate=8000)
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 800), dtype=np.int16), format="s16", layout="mono"
        )
        frame.rate = 8000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def test_video_clips_indexed_by_arrays_stay_lazy(videos, decoded):
    clips = VideoClips(videos, 4, stride=10)
    for key in ([7, 2, 8], np.array([7, 2, 8]), clips.groups == 1, slice(2, 9, 3)):
        part = clips[key]
        assert isinstance(part, VideoClips) and not part._cache  # nothing decoded
        expected = np.asarray(clips)[key]
        np.testing.assert_array_equal(np.asarray(part), expected)
    # scikit-learn's _safe_indexing writes X[indices, ...]
    assert isinstance(clips[np.array([1, 3]), ...], VideoClips)
    # other axes need the frames: decoded
    np.testing.assert_array_equal(clips[[7, 8], 1], decoded[1][[1, 11]])
    np.testing.assert_array_equal(clips[2, :2], decoded[0][20:22])
    with pytest.raises(IndexError, match="out of range"):
        clips[[0, len(clips)]]


@pytest.mark.parametrize("tool", ["cross_validate", "grid_search", "split"])
def test_scikit_learns_tools_never_decode_a_fold_whole(videos, monkeypatch, tool):
    from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split

    from sklearn_st import FrameFlattener, LSTMRegressor
    from sklearn_st.model_selection import RecordingTimeSplit

    clips = VideoClips(videos, 4, stride=2, size=12)
    y = np.linspace(-1, 1, len(clips))
    decoded_clips = np.asarray(clips)

    def model():
        lstm = LSTMRegressor(hidden_size=4, max_epochs=1, batch_size=8, random_state=0)
        return make_pipeline(FrameFlattener(), lstm)

    cv = list(RecordingTimeSplit(3).split(clips))  # the same folds for both
    if tool == "cross_validate":
        expected = cross_validate(model(), decoded_clips, y, cv=cv)["test_score"]
    elif tool == "grid_search":
        grid = {"lstmregressor__hidden_size": [3, 4]}
        expected = GridSearchCV(model(), grid, cv=cv).fit(decoded_clips, y)
        expected = expected.cv_results_["mean_test_score"]
    reads = []
    read = VideoClips._read

    def counting(self, ids):
        reads.append(len(ids))
        return read(self, ids)

    monkeypatch.setattr(VideoClips, "_read", counting)
    # passes over the data in chunks of 4 KiB (a clip or two), as they are of
    # 8-16 MiB on long videos: then only the batches are larger
    import sklearn_st._lazy_arrays
    import sklearn_st._validation

    chunks = sklearn_st._lazy_arrays.sample_chunks
    for module in (sklearn_st._lazy_arrays, sklearn_st._validation):
        monkeypatch.setattr(
            module,
            "sample_chunks",
            lambda X, _, itemsize=None: chunks(X, 4096, itemsize),
        )
    if tool == "cross_validate":
        got = cross_validate(model(), clips, y, cv=cv)["test_score"]
    elif tool == "grid_search":
        got = GridSearchCV(model(), grid, cv=cv).fit(clips, y)
        got = got.cv_results_["mean_test_score"]
    else:
        train, test = train_test_split(clips, shuffle=False, test_size=0.25)
        assert isinstance(train, VideoClips) and isinstance(test, VideoClips)
        assert len(train) + len(test) == len(clips) and not reads
        return
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    # decoded a batch (8 clips) or a chunk at a time, never a fold
    assert reads and max(reads) <= 8
