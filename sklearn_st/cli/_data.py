"""The clips a command runs on: bundled data, a user's ``.npz`` arrays, or video
files cut into clips (read at one frame size), each checked with a message that
names the option at fault."""

from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from .._validation import check_sequences
from ..datasets import CAMERA_EFFECTS, make_moving_digits, make_panning_photos

__all__ = ["Data", "load", "load_npz"]


def load_npz(path, fail, *, with_y=True, groups=None, option="--data"):
    """``X``, ``y`` (None unless ``with_y``) and the array named ``groups`` (None
    unless given) from a .npz file, or a call to ``fail`` saying what is wrong
    (of the file given to ``option``)."""
    names = ("X", "y") if with_y else ("X",)
    save = f"np.savez(path, {', '.join(f'{n}={n}' for n in names)})"
    if groups is not None:
        names = (*names, groups)
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        fail(
            f"{option} {path}: this is a .npy file, which holds one array; save "
            f"the arrays together in a .npz file with {save}"
        )
    if magic[:4] != b"PK\x03\x04":
        fail(
            f"{option} {path}: not a .npz file (a zip archive of .npy arrays, as "
            f"{save} writes)"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [name for name in names if name not in data.files]
            if missing:
                fail(
                    f"{option} {path}: the file has no array named "
                    f"{' or '.join(repr(m) for m in missing)} (it holds "
                    f"{', '.join(repr(f) for f in data.files) or 'nothing'}); save "
                    f"it with {save}"
                )
            X, y = data["X"], data["y"] if with_y else None
            g = None if groups is None else data[groups]
    except (OSError, ValueError) as exc:
        fail(f"{option} {path}: cannot read it as a .npz file ({exc})")
    try:
        check_sequences(X)
    except (ValueError, TypeError) as exc:
        fail(
            f"{option} {path}: X {X.shape} {X.dtype} is not a batch of sequences: {exc}"
        )
    if with_y and (y.ndim not in (1, 2) or len(y) != len(X)):
        fail(
            f"{option} {path}: y must have shape (n_samples,) or (n_samples, "
            f"n_outputs) with n_samples = {len(X)} like X, got {y.shape}"
        )
    if with_y and y.dtype.kind in "fc" and not np.isfinite(y).all():
        bad = int(np.size(y) - np.isfinite(y).sum())
        fail(f"{option} {path}: y holds {bad} NaN or infinite value(s)")
    if with_y and y.dtype.kind not in "biufcUSO":
        fail(f"{option} {path}: y has dtype {y.dtype}; numbers or labels are needed")
    if g is not None and g.shape != (len(X),):
        fail(
            f"{option} {path}: --groups {groups} must have shape (n_samples,) = "
            f"({len(X)},), got {g.shape}"
        )
    return X, y, g


class Data(NamedTuple):
    """Clips and what decides their split: ``groups`` (each clip's group, or
    None), ``recordings`` (clips cut from recordings, split in time), and
    ``X_test``/``y_test`` (given test clips, or None)."""

    X: Any
    y: Any
    source: str
    groups: Any = None
    recordings: bool = False
    X_test: Any = None
    y_test: Any = None


def _video_clips(args, fail):
    """The clips of ``args.video``, or a call to ``fail`` naming a bad file.

    ``--frame-size`` SIDE scales each video's shorter side to it keeping its
    aspect ratio; where the videos' shapes then differ, all are read at the shape
    most of them have, each scaled to cover it and cut to its middle, so that no
    frame is distorted (``VideoClips``' ``crop``), and the choice is printed.
    HEIGHTxWIDTH reads every video so.
    """
    try:
        from ..video import VideoClips

        n_frames = args.n_frames
        stride = args.stride or max(1, n_frames // 2)
        # a forecast across a cut to another shot is no forecast of the video
        cuts = args.command == "forecast" and not args.keep_scene_cuts
        clips = VideoClips(
            args.video,
            n_frames,
            stride=stride,
            size=args.frame_size,
            crop=True,
            drop_scene_cuts=cuts,
        )
    except (ImportError, OSError, ValueError) as exc:
        message = str(exc).replace("use n_frames=", "use --n-frames ")
        fail(f"--video: {message}")
    if isinstance(args.frame_size, int):
        _say_common_shape(clips, args.frame_size)
    return clips


def _say_common_shape(clips, side):
    """Print the shape the videos are read at where their shapes at ``side``
    differ, naming each shape they have."""
    from ..video._decoder import Geometry

    indexes = clips._indexes  # what opening the clips read of each file
    if len({Geometry.of(index, side).size for index in indexes}) == 1:
        return
    files = {}  # each shape the files have: their names
    for index in indexes:
        files.setdefault((index.height, index.width), []).append(Path(index.path).name)
    listed = ", ".join(
        f"{h}x{w}: {names[0]}"
        + (f" and {len(names) - 1} more" if len(names) > 1 else "")
        for (h, w), names in files.items()
    )
    height, width = clips.frame_size
    print(
        f"--video: the videos' frames differ in shape ({listed}); all are read at "
        f"{height}x{width}, the shape most of them have at --frame-size "
        f"{side}, each scaled to cover it and cut to its middle (aspect "
        "ratio kept); --frame-size HxW chooses another size"
    )


def load(args, fail, *, with_y=True):
    """The clips of ``args`` as a :class:`Data`: bundled clips with the target
    ``args.target`` (velocity where there is none), a .npz file (``y`` None
    unless ``with_y``) with its groups and test data, or the clips of videos
    (``y``: which video, where ``with_y``)."""
    target = getattr(args, "target", "velocity")
    about = f", target {target}" if with_y else ""
    if (args.groups or args.test_data) and (args.video or not _is_file(args.data)):
        fail("--groups and --test-data go with --data PATH.npz")
    if args.video:
        clips = _video_clips(args, fail)
        names = [Path(p).stem for p in clips.paths]
        if len(set(names)) < len(names):
            names = list(clips.paths)
        y = np.asarray(names)[clips.groups] if with_y else None
        if with_y and len(names) < 2:
            fail(
                "--video: compare needs two or more videos (the target is which "
                "video a clip comes from); to forecast one, use the forecast command"
            )
        about = ", target: which video" if with_y else ""
        return Data(clips, y, f"{len(names)} video(s){about}", recordings=True)
    if args.data == "moving-digits":
        X, y = make_moving_digits(
            args.n_samples,
            args.n_frames,
            args.frame_size,
            target=target,
            clutter=getattr(args, "clutter", False),
            random_state=args.random_state,
        )
        return Data(X, y, f"moving digits{about}")
    if args.data == "panning-photos":
        if target == "digit":
            fail("--data panning-photos: the targets are velocity and direction")
        try:
            X, y = make_panning_photos(
                args.n_samples,
                args.n_frames,
                args.frame_size,
                target=target,
                photos="held-out",
                random_state=args.random_state,
                **CAMERA_EFFECTS,
            )
        except ImportError as exc:
            fail(f"{exc}; or run on --data moving-digits")
        return Data(X, y, f"panning photos (camera noise, whole-pixel motion){about}")
    if not _is_file(args.data):
        fail(
            f"--data {args.data}: no such file (or use --data moving-digits or "
            "--data panning-photos)"
        )
    X, y, groups = load_npz(args.data, fail, with_y=with_y, groups=args.groups)
    X_test = y_test = None
    if args.test_data:
        if not _is_file(args.test_data):
            fail(f"--test-data {args.test_data}: no such file")
        X_test, y_test, _ = load_npz(
            args.test_data, fail, with_y=with_y, option="--test-data"
        )
        if X_test.shape[1:] != X.shape[1:]:
            fail(
                f"--test-data {args.test_data}: X {X_test.shape} needs the "
                f"per-clip shape of --data's X {X.shape}"
            )
    return Data(X, y, f"{args.data}", groups=groups, X_test=X_test, y_test=y_test)


def _is_file(path):
    return Path(path).is_file()
