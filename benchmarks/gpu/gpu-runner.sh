#!/usr/bin/env bash
# The GPU runner. Two halves:
#
#   benchmarks/gpu/gpu-runner.sh pack        on a machine with the .NET SDK (this one): publishes the
#                                            nativecontrast command framework-dependent, adds a copy of
#                                            the .NET runtime, the PyTorch peer scripts and this script,
#                                            into artifacts/gpu-bundle (ignored) and artifacts/gpu-bundle.tar.xz
#                                            (must stay under 60 MiB), then runs the bundle here as the GPU
#                                            machine would, up to the point that needs a GPU.
#   artifacts/gpu-bundle/run.sh [--quick]    on a Linux x86-64 machine with an NVIDIA driver and no .NET (after
#                                            unpacking the tarball there): links libcuda.so, checks every CUDA
#                                            kernel against cpu (relative error), the same on each OpenCL device
#                                            ILGPU accepts, times each loss, SGEMM and the training step on the
#                                            GPU and PyTorch's composed peers with device synchronization, trains
#                                            as the README's main job does (`train`, device auto) on 10,000
#                                            Fashion-MNIST images for one epoch (the bundle carries them when pack
#                                            found the data), and prints one table last. Meant to finish in under
#                                            6 minutes on an H100/H200.
#                                            NC_RUNNER_DEVICE=ilgpu-cpu runs the same steps on another device (to try
#                                            the runner's plumbing without a GPU; PyTorch then runs on cpu).
set -euo pipefail

pack() {
  local root bundle runtime version fxr
  root="$(cd "$(dirname "$0")/../.." && pwd)"
  bundle="$root/artifacts/gpu-bundle"
  runtime="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  version="$(ls "$runtime/shared/Microsoft.NETCore.App" | sort -V | tail -n 1)"
  fxr="$(ls "$runtime/host/fxr" | sort -V | tail -n 1)"
  rm -rf "$bundle" "$bundle.tar.xz"
  mkdir -p "$bundle/dotnet/shared/Microsoft.NETCore.App" "$bundle/dotnet/host/fxr" "$bundle/peers"
  echo "publishing nativecontrast (Release, framework-dependent, runtime $version)…"
  dotnet publish "$root/src/NativeContrast.Cli" -c Release -r linux-x64 --self-contained false -o "$bundle/app" -p:UseAppHost=false -v q -nologo >/dev/null
  cp "$runtime/dotnet" "$bundle/dotnet/"
  cp -r "$runtime/host/fxr/$fxr" "$bundle/dotnet/host/fxr/"
  cp -r "$runtime/shared/Microsoft.NETCore.App/$version" "$bundle/dotnet/shared/Microsoft.NETCore.App/"
  cp "$root/benchmarks/peers/losses_torch.py" "$root/benchmarks/peers/simclr_step_torch.py" "$root/benchmarks/gpu/gpu_table.py" "$bundle/peers/"
  local fashion
  for fashion in "${NATIVECONTRAST_DATA:-}" "$HOME/.cache/nativecontrast/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    [ -n "$fashion" ] && { [ -e "$fashion/train-images-idx3-ubyte.gz" ] || [ -e "$fashion/train-images-idx3-ubyte" ]; } && break
    fashion=""
  done
  if [ -n "$fashion" ]; then
    python3 "$root/benchmarks/gpu/fashion_mnist_subset.py" "$fashion" "$bundle/data" 10000
  else
    echo "warning: Fashion-MNIST is not here (apt-get install dataset-fashion-mnist): the bundle will skip the training run" >&2
  fi
  cp "$0" "$bundle/run.sh"
  chmod +x "$bundle/run.sh"
  echo "packing…"
  XZ_OPT="-T0 -6" tar -C "$root/artifacts" -cJf "$bundle.tar.xz" gpu-bundle
  local size
  size=$(stat -c %s "$bundle.tar.xz")
  echo "bundle: $bundle.tar.xz, $((size / 1048576)) MiB ($size bytes)"
  if [ "$size" -ge $((60 * 1048576)) ]; then
    echo "error: the bundle is over 60 MiB" >&2
    exit 1
  fi
  echo "trying the bundle here as the GPU machine would run it (with the SDK hidden):"
  PATH=/usr/bin:/bin "$bundle/run.sh" --quick || true
}

# The path of a shared library as the dynamic loader's cache lists it (ldconfig may be outside PATH).
cached_library() {
  { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | awk -v name="$1" '$1 == name {print $NF; exit}'
}

find_libcuda() {
  local candidate
  candidate="$(cached_library libcuda.so.1)"
  if [ -z "$candidate" ]; then
    for candidate in /usr/lib/x86_64-linux-gnu/libcuda.so.1 /usr/lib64/libcuda.so.1 /usr/local/nvidia/lib64/libcuda.so.1 /usr/lib/wsl/lib/libcuda.so.1; do
      [ -e "$candidate" ] && break
      candidate=""
    done
  fi
  echo "$candidate"
}

# The whole run must stay under 6 minutes on an H100/H200: each timing command gets at most 60 s, and
# one that would start after 270 s is skipped, and said to be.
# bench KIND N VARIANT REPS [LIMIT [WARMUP_N]]: one timing as a JSON line into ours.jsonl; VARIANT "-" means
# the device's only kernels (cpu has no variants). LIMIT: seconds (default 60). WARMUP_N: rows of the warm-up
# (default N); the N = 1,048,576 runs warm up (compile the kernels) on 1024 rows instead of a full-size repetition.
bench() {
  local args=(--kind "$1" --n "$2" --d 128 --device "$device" --reps "$4" --json --warmup-n "${6:-$2}") limit="${5:-60}"
  [ "$3" != - ] && args+=(--variant "$3")
  timeout "$limit" "${nc[@]}" bench "${args[@]}" | tee -a "$out/ours.jsonl" || echo "  $1 n=$2 ${3/-/}: failed or over $limit s"
}

over_budget() {
  if [ "$SECONDS" -gt 270 ]; then echo "  $1: skipped (the runner's 6-minute budget)"; return 0; fi
  return 1
}

run() {
  SECONDS=0
  local here quick=0 out
  here="$(cd "$(dirname "$0")" && pwd)"
  [ "${1:-}" = "--quick" ] && quick=1
  export DOTNET_ROOT="$here/dotnet" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  local nc=("$DOTNET_ROOT/dotnet" "$here/app/NativeContrast.Cli.dll")
  out="${OUT:-$here/results}"
  mkdir -p "$out" "$here/lib"
  rm -rf "$out"/check-*.txt "$out"/*.jsonl "$out"/table.md "$out"/train.txt "$out"/train-run
  echo "== bundle: $(${nc[@]} --version 2>/dev/null || echo '?') with the runtime in $DOTNET_ROOT"
  # ILGPU loads the drivers' libraries by their unversioned names: link them in the bundle's lib folder.
  export LD_LIBRARY_PATH="$here/lib:${LD_LIBRARY_PATH:-}"
  local libcuda libopencl
  libcuda="$(find_libcuda)"
  libopencl="$(cached_library libOpenCL.so.1)"
  [ -n "$libcuda" ] && ln -sf "$libcuda" "$here/lib/libcuda.so" && echo "== libcuda.so → $libcuda"
  [ -n "$libopencl" ] && ln -sf "$libopencl" "$here/lib/libOpenCL.so"
  "${nc[@]}" info | tee "$out/info.txt"
  local device="${NC_RUNNER_DEVICE:-cuda}" torch_device=cuda
  [ "$device" = cuda ] || torch_device=cpu
  if [ "$device" = cuda ] && { [ -z "$libcuda" ] || ! grep -qE '^  cuda:[0-9]+ +ok' "$out/info.txt"; }; then
    echo
    echo "no NVIDIA driver found (no usable libcuda.so.1, or ILGPU saw no CUDA device): stopping before the GPU checks."
    echo "The bundle itself works: the cpu backend's own check follows."
    "${nc[@]}" check --device cpu --only ntxent
    return 3
  fi
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>/dev/null | tee "$out/gpu.txt" || true

  echo; echo "== kernels on $device against cpu (float64)"
  local timing=--time
  [ $quick -eq 1 ] && timing=
  "${nc[@]}" check --device "$device" $timing | tee "$out/check-$device.txt" || true
  local opencl
  for opencl in $(awk '/^  opencl:[0-9]+ +ok/{print $1}' "$out/info.txt"); do
    echo; echo "== kernels on $opencl against cpu (float64)"
    "${nc[@]}" check --device "$opencl" | tee "$out/check-$opencl.txt" || true
  done

  local variants=(tiled tiled-vec tf32x3 tf32) all_variants=(tiled tiled-vec tf32x3 tf32 naive)
  [ "$device" = cpu ] && variants=(-) && all_variants=(-)
  local sizes=(16384 65536) reps=3 square=4096 images=512 huge=1048576
  [ $quick -eq 1 ] && sizes=(512) && reps=2 && square=512 && images=64 && huge=2048
  local big="${sizes[-1]}"
  : > "$out/ours.jsonl"
  : > "$out/peers.jsonl"
  local torch_ok=0
  python3 -c "import torch; assert '$torch_device' == 'cpu' or torch.cuda.is_available()" 2>/dev/null && torch_ok=1
  echo; echo "== timing on $device (median of $reps after warm-up, device synchronized)"
  # The headline first: NT-Xent forward+backward at N = $big, D = 128, each fast variant, beside PyTorch at each precision.
  local variant precision
  for variant in "${variants[@]}"; do
    over_budget "ntxent n=$big $variant" || bench ntxent "$big" "$variant" "$reps"
  done
  if [ $torch_ok -eq 1 ]; then
    for precision in fp32 tf32 bf16; do
      [ "$torch_device" = cpu ] && [ "$precision" != fp32 ] && continue
      over_budget "PyTorch ntxent $precision" || timeout 60 python3 "$here/peers/losses_torch.py" --device "$torch_device" --n "$big" --d 128 --reps "$reps" --kinds ntxent --precision "$precision" --json | tee -a "$out/peers.jsonl" || true
    done
  fi
  # The README's main job, smaller: SimCLR on the bundle's 10,000 Fashion-MNIST images for one epoch, then the
  # evaluation on the 10,000 test images. On a GPU run the device is left to `auto`, which must pick cuda.
  local train_device="$device" train_subset=0
  [ "$device" = cuda ] && train_device=auto
  [ $quick -eq 1 ] && train_subset=512
  if [ -e "$here/data/train-images-idx3-ubyte" ]; then
    echo; echo "== training: train --device $train_device --data (the bundle's Fashion-MNIST subset) --epochs 1"
    over_budget "training" || timeout 90 "${nc[@]}" train --device "$train_device" --data "$here/data" --epochs 1 --subset "$train_subset" --out "$out/train-run" 2>&1 | tee "$out/train.txt" \
      || echo "  training: failed or over 90 s"
  else
    echo "  training: skipped (the bundle has no Fashion-MNIST subset)"
  fi
  # N = $huge: beyond what PyTorch's N×N matrix fits in; one timed repetition (8.4e14 flop: about 30 s at
  # 28 TFLOP/s), the peak memory above the inputs and beyond inputs and gradients reported. Up to 100 s each.
  # Two variants, not four, to stay in the budget: the fastest fp32-accurate one at N = $big (as measured just above: tiled,
  # tiled-vec or tf32x3) and TF32.
  local huge_variants=("${variants[@]}")
  if [ "$device" != cpu ]; then
    huge_variants=("$(python3 -c 'import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
fp32 = [r for r in rows if r["kind"] == "ntxent" and r["n"] == int(sys.argv[2]) and r.get("variant") in ("tiled", "tiled-vec", "tf32x3")]
print(min(fp32, key=lambda r: r["median_ms"])["variant"] if fp32 else "tiled")' "$out/ours.jsonl" "$big" 2>/dev/null || echo tiled)" tf32)
  fi
  for variant in "${huge_variants[@]}"; do
    over_budget "ntxent n=$huge $variant" || bench ntxent "$huge" "$variant" 1 100 1024
  done
  # The rest: every loss at each size with the fast variants, the naive kernels at the smallest size, SGEMM, the training step.
  local n kind
  for n in "${sizes[@]}"; do
    for kind in ntxent supcon infonce clip triplet; do
      for variant in "${all_variants[@]}"; do
        [ "$kind" = ntxent ] && [ "$n" = "$big" ] && [ "$variant" != naive ] && continue
        [ "$variant" = naive ] && [ "$n" != "${sizes[0]}" ] && continue
        # Triplet mining is the tiled kernel under the tf32, tf32x3 and tiled-vec variants too: timed once, as tiled.
        [ "$kind" = triplet ] && [ "$variant" != tiled ] && [ "$variant" != naive ] && continue
        over_budget "$kind n=$n $variant" || bench "$kind" "$n" "$variant" "$reps"
      done
    done
  done
  over_budget "sgemm" || bench sgemm "$square" - "$reps"
  over_budget "simclr-step" || bench simclr-step "$images" - "$reps"

  if [ $torch_ok -eq 1 ]; then
    echo; echo "== PyTorch peers on $torch_device"
    over_budget "PyTorch losses" || timeout 60 python3 "$here/peers/losses_torch.py" --device "$torch_device" --n "${sizes[@]}" --d 128 --reps "$reps" --json | tee -a "$out/peers.jsonl" || true
    over_budget "PyTorch simclr-step" || timeout 60 python3 "$here/peers/simclr_step_torch.py" --device "$torch_device" --images "$images" --reps "$reps" --json | tee -a "$out/peers.jsonl" || true
  else
    echo "PyTorch (with CUDA for a GPU run) is not available here: no peer figures."
  fi
  # Registers, stack frame and spills of the fast kernels, where the machine has ptxas (CUDA toolkits do).
  local ptxas arch
  ptxas="$(command -v ptxas || ls /usr/local/cuda*/bin/ptxas 2>/dev/null | head -1 || true)"
  arch="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d '.' || true)"
  if [ -n "$ptxas" ] && [ -n "$arch" ]; then
    echo; echo "== ptxas -v on the fast kernels (sm_$arch)"
    "${nc[@]}" ptx --arch "sm_$arch" --out "$out/ptx" --ptxas "$ptxas" | tee "$out/ptx.txt" || true
  fi
  echo
  python3 "$here/peers/gpu_table.py" "$out/ours.jsonl" "$out/peers.jsonl" "$out"/check-*.txt "$out"/train.txt | tee "$out/table.md"
}

case "${1:-run}" in
  pack) pack ;;
  run) shift || true; run "$@" ;;
  --quick) run --quick ;;
  *) echo "usage: $0 pack | run [--quick]" >&2; exit 2 ;;
esac
