"""VideoClips and read_video against an independent reference: a plain
sequential decode of every frame with PyAV (no index, no seeking), on files
written here with the features real footage has (B-frames and open GOPs, a key
frame every few frames, variable frame rate, a first timestamp other than 0, an
odd frame size) and on oddities that must be read right or refused with the file
and the frame named (packets without timestamps, timestamps that jump back)."""

from fractions import Fraction

import numpy as np
import pytest

av = pytest.importorskip("av")

from sklearn_st.video import VideoClips, read_video, sliding_clips  # noqa: E402


def sequential(path):
    """Every frame in the order the decoder shows them, as RGB uint8."""
    with av.open(str(path)) as container:
        return np.stack(
            [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        )


def _frames(n, height=32, width=32, seed=0):
    rng = np.random.default_rng(seed)
    frames = rng.integers(0, 60, size=(n, height, width, 3), dtype=np.uint8)
    for t in range(n):  # a bright square that moves: frames differ
        y, x = (3 * t) % (height - 6), (5 * t) % (width - 6)
        frames[t, y : y + 6, x : x + 6] = 230
    return frames


def write(
    path,
    frames,
    *,
    pts=None,
    time_base=Fraction(1, 1000),
    pix_fmt="yuv420p",
    options=None,
    fmt=None,
):
    """Encode ``frames`` with libx264 at the timestamps ``pts`` (in
    ``time_base``; default 40 ms apart from 0)."""
    n, height, width, _ = frames.shape
    pts = np.arange(n) * 40 if pts is None else np.asarray(pts)
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, pix_fmt
        stream.time_base = time_base
        stream.codec_context.time_base = time_base
        stream.options = {"crf": "12", **(options or {})}
        for frame_array, t in zip(frames, pts, strict=True):
            frame = av.VideoFrame.from_ndarray(frame_array, format="rgb24")
            frame.pts, frame.time_base = int(t), time_base
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    return path


CASES = {
    "b-frames-open-gop": {
        "options": {"x264-params": "bframes=3:open-gop=1:keyint=12:min-keyint=12"}
    },
    "keyframe-every-5": {"options": {"x264-params": "keyint=5:min-keyint=5"}},
    "variable-frame-rate": {
        "pts": np.cumsum(np.random.default_rng(1).integers(10, 90, 60)),
        "options": {"x264-params": "keyint=9"},
    },
    "starts-at-7s": {
        "pts": 7000 + np.arange(60) * 40,
        "options": {"x264-params": "bframes=2:keyint=10"},
    },
    "odd-size-444": {
        "size": (33, 31),
        "pix_fmt": "yuv444p",
        "options": {"x264-params": "keyint=8"},
    },
}


@pytest.fixture(scope="module", params=list(CASES))
def case(request, tmp_path_factory):
    spec = dict(CASES[request.param])
    height, width = spec.pop("size", (32, 32))
    path = tmp_path_factory.mktemp("reference") / f"{request.param}.mp4"
    write(path, _frames(60, height, width), **spec)
    return path, sequential(path)


def test_read_video_equals_the_sequential_decode(case):
    path, reference = case
    assert len(reference) == 60
    np.testing.assert_array_equal(read_video(path), reference)
    np.testing.assert_array_equal(
        read_video(path, start=17, stop=51, step=4), reference[17:51:4]
    )


@pytest.mark.parametrize("n_frames, stride, step", [(4, 3, 1), (5, 7, 2)])
def test_video_clips_equal_clips_of_the_sequential_decode(case, n_frames, stride, step):
    path, reference = case
    clips = VideoClips(path, n_frames, stride=stride, step=step)
    expected = sliding_clips(reference, n_frames, stride=stride, step=step)
    assert clips.shape == expected.shape
    # in an order that seeks back and forth, and all at once
    order = np.random.default_rng(0).permutation(len(clips))
    for i in order:
        np.testing.assert_array_equal(clips[int(i)], expected[i], err_msg=f"clip {i}")
    np.testing.assert_array_equal(np.asarray(clips), expected)


def test_packets_without_timestamps_are_refused_naming_the_file(tmp_path):
    # a raw H.264 stream: its packets carry no presentation timestamps, so no
    # frame can be found again by seeking; refused, not read in a wrong order
    path = write(tmp_path / "raw.h264", _frames(30), fmt="h264")
    assert len(sequential(path)) == 30  # a decoder reads it from the start
    for read in (lambda: read_video(path), lambda: VideoClips(path, 4)):
        with pytest.raises(ValueError, match=r"raw\.h264: frame 0 has no timestamp"):
            read()


def test_timestamps_that_jump_back_are_refused_naming_the_frame(tmp_path):
    # two MPEG-TS recordings joined end to end (as `cat a.ts b.ts` does): the
    # second one's timestamps start again from its own beginning
    first = write(
        tmp_path / "a.ts",
        _frames(30, seed=0),
        fmt="mpegts",
        pts=np.arange(30) * 40 + 1400,
    )
    second = write(tmp_path / "b.ts", _frames(30, seed=1), fmt="mpegts")
    joined = tmp_path / "joined.ts"
    joined.write_bytes(first.read_bytes() + second.read_bytes())
    for read in (lambda: read_video(joined), lambda: VideoClips(joined, 4)):
        with pytest.raises(ValueError, match=r"joined\.ts.*jump back.*frame 30"):
            read()
