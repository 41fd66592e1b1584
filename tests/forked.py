"""Run a function in a child process forked from the test's own: the child starts
with torch, skorch and the package already imported (a fresh interpreter spends
seconds on each), and a child killed or crashed leaves the test's process alone.
Spawned, importing them again, where the platform cannot fork."""

import multiprocessing

_CONTEXT = multiprocessing.get_context(
    "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
)


def run_forked(target, *args, timeout=600):
    """``target(*args)`` in a child process; its exit code (negative: the signal
    that ended it; None: still running after ``timeout`` seconds, then killed).
    What it writes to stdout and stderr goes where the test's own output goes."""
    # what a first fit imports (torch's optimizers import its compiler: seconds),
    # imported here once rather than in every child
    import skorch  # noqa: F401
    import torch._dynamo  # noqa: F401

    import sklearn_st  # noqa: F401

    child = _CONTEXT.Process(target=target, args=args)
    child.start()
    child.join(timeout)
    if child.exitcode is None:
        child.kill()
        child.join()
        return None
    return child.exitcode
