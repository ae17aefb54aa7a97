#!/usr/bin/env bash
# Post-training quantization against quantization-aware training on every
# example network: int8 scores with per-channel and per-tensor weights.
#
# For each example: train the float model with its own train block; score
# it in int8 after PTQ (min/max calibration); fine-tune a copy for one more
# epoch in float (the fair PTQ baseline: QAT trains that epoch too) and
# score it after PTQ; fine-tune one epoch with QAT for per-channel weights
# and one for per-tensor weights, and score each built from its learned
# ranges. LeNet-5 also gets 4-bit weights. Scores are on each data set's
# held-out part; the figure is accuracy (%) for classifiers, AUC (x100)
# for click models, printed as kiln quantize --eval prints them.
#
#   bash bench/qat.sh [OUTDIR] [EXAMPLE ...]     (OUTDIR default bin/qat)
#
# QAT settings, the same for every model: one epoch at lr 1e-5 (a hundredth
# of the examples' adam rate: the click models overfit in a third epoch at
# a tenth of it, float and QAT alike), ranges and batch-norm statistics
# frozen after half the epoch's steps. QAT_LR overrides the rate.
set -euo pipefail
cd "$(dirname "$0")/.."
KILN=${KILN:-bin/kiln}
out=${1:-bin/qat}
shift || true
examples=("$@")
if [ ${#examples[@]} -eq 0 ]; then
  examples=(mnist_mlp lenet_300_100 lenet5 lenet5_bn gesture_cnn mobilenet_tiny wide_deep deepfm nfm autorec)
fi
mkdir -p "$out"
LR=${QAT_LR:-0.00001}

# score FILE W [FLAGS...]: the int8 figure kiln quantize --eval prints.
score() {
  local f=$1 w=$2
  shift 2
  "$KILN" quantize "$f" -w "$w" --eval "$@" 2>&1 | awk '/^  int8/ {sub(/,$/, "", $3); print $3; exit}'
}
floatScore() {
  "$KILN" quantize "$1" -w "$2" --eval 2>&1 | awk '/^  float/ {sub(/,$/, "", $3); print $2, $3; exit}'
}

printf '| model | metric | float | PTQ per-channel | PTQ per-tensor | float +1 epoch | its PTQ per-channel | its PTQ per-tensor | QAT per-channel | QAT per-tensor |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for m in "${examples[@]}"; do
  f=examples/$m.kiln
  w=$out/$m.safetensors
  log=$out/$m.log
  : > "$log"
  "$KILN" train "$f" -o "$w" --force >> "$log" 2>&1
  # Steps in one epoch, from the training log's first epoch line.
  examples_n=$(awk '/^training/ {for (i=1;i<=NF;i++) if ($i ~ /^examples/) print $(i-1); exit}' "$log" | tr -d ,)
  batch=$(awk '/^training/ {for (i=1;i<=NF;i++) if ($i == "batch") print $(i+1); exit}' "$log" | tr -d ,)
  half=$(( (examples_n + batch - 1) / batch / 2 ))
  fl=$(floatScore "$f" "$w")
  ptq=$(score "$f" "$w")
  ptqT=$(score "$f" "$w" --per-tensor)
  "$KILN" train "$f" --init "$w" --epochs 1 --lr "$LR" -o "$out/$m.ft.safetensors" --force >> "$log" 2>&1
  ft=$(floatScore "$f" "$out/$m.ft.safetensors")
  ftq=$(score "$f" "$out/$m.ft.safetensors")
  ftqT=$(score "$f" "$out/$m.ft.safetensors" --per-tensor)
  q="--qat --init $w --epochs 1 --lr $LR --qat-freeze $half --qat-bn-freeze $half"
  "$KILN" train "$f" $q -o "$out/$m.qat.safetensors" --force >> "$log" 2>&1
  "$KILN" train "$f" $q --qat-per-tensor -o "$out/$m.qatT.safetensors" --force >> "$log" 2>&1
  qat=$(score "$f" "$out/$m.qat.safetensors")
  qatT=$(score "$f" "$out/$m.qatT.safetensors" --per-tensor)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$m" "${fl%% *}" "${fl#* }" "$ptq" "$ptqT" "${ft#* }" "$ftq" "$ftqT" "$qat" "$qatT"
  if [ "$m" = lenet5 ]; then
    "$KILN" train "$f" $q --qat-bits 4 -o "$out/$m.qat4.safetensors" --force >> "$log" 2>&1
    echo "lenet5, 4-bit weights after QAT: int8 $(score "$f" "$out/$m.qat4.safetensors") (float $fl)" > "$out/lenet5.4bit.txt"
  fi
done
[ -f "$out/lenet5.4bit.txt" ] && cat "$out/lenet5.4bit.txt"
