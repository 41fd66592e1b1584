#!/usr/bin/env bash
# The GPU check, for a machine with a CUDA device (under 8 minutes on one GPU):
# what it is; every CUDA-marked test (real fits and predictions of every class on
# the GPU in float32, bfloat16 and float16, a GPU-fitted model loaded in a process
# that sees no GPU) and the device tests of the facade; bfloat16 on this machine's
# CPU when it has native bfloat16; then bench_convlstm.py at a GPU-sized workload
# against the reference loop on the same GPU, in float32 and bfloat16, and the
# ConvLSTM's two computation paths on a smaller one.
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
# bfloat16 on this machine's CPU (oneDNN's native bfloat16 kernels where it has AMX
# or AVX512_BF16): every class fits and predicts, reproducibly
python3 -m pytest -q tests/test_precision.py -k reproducibly || status=1
cd benchmarks
python3 bench_convlstm.py --device cuda --precision bfloat16 --n-samples 4096 \
  --n-frames 20 --frame-size 64 --filters 64 --batch-size 64 --repeats 1 \
  --epochs 1 || status=1
# the package's own answer (oneDNN's), which decides its bfloat16 LSTM and warning
if python3 -c "import sys; from sklearn_st.nn._hardware import \
cpu_has_native_bfloat16 as native; sys.exit(not native())"; then
  python3 bench_convlstm.py --precision bfloat16 --repeats 1 --no-keras || status=1
fi
for path in fused batched; do
  python3 bench_convlstm.py --device cuda --precision bfloat16 --n-samples 1024 \
    --n-frames 20 --frame-size 64 --filters 64 --batch-size 64 --repeats 1 \
    --epochs 1 --path $path --project-only || status=1
done
exit $status
