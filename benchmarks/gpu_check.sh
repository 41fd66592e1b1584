#!/usr/bin/env bash
# The GPU check, for a machine with a CUDA device: what it is, then every
# CUDA-marked test (real fits and predictions on the GPU, a GPU-fitted model loaded
# in a process that sees no GPU) and the device tests of the facade.
#
# Run from anywhere: bash benchmarks/gpu_check.sh. Wheels in .whl/ (packages the
# machine lacks, e.g. skorch and skops) are installed to /tmp/site first; the
# package runs from this checkout.
set -uo pipefail
cd "$(dirname "$0")/.."
if compgen -G ".whl/*.whl" >/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
    --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 benchmarks/machine.py
python3 -c "import sklearn, skorch, torch; print('scikit-learn', sklearn.__version__, \
'skorch', skorch.__version__, 'torch', torch.__version__, 'cuda', torch.version.cuda)"
status=0
python3 -m pytest -q -rs -m cuda tests/ || status=1
python3 -m pytest -q tests/test_lstm.py -k device || status=1
exit $status
