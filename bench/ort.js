// Runs kiln's benchmark workloads through ONNX Runtime on one thread.
//
//   node ort.js SPEC.json
//
// SPEC.json (written by `go run ./bench`) holds, per workload, the ONNX
// model kiln's export wrote (kiln build --emit onnx, uint8 activations),
// its inputs and outputs, the batch sizes to time, one sample's inputs
// and how long to time each measurement. This script opens each model in
// an ONNX Runtime session (one intra-op and one inter-op thread, all
// graph optimizations)
// and prints, as JSON on stdout, per workload and batch: the median and
// 99th-percentile latency of session.run and the throughput in samples per
// second, plus the outputs for the first sample, for comparison.
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

const arrays = { float: Float32Array, uint8: Uint8Array, int8: Int8Array, int32: Int32Array };

// feeds repeats one sample's inputs batch times.
function feeds(w, batch) {
  const f = {};
  w.inputs.forEach((v, i) => {
    const one = Buffer.from(w.sample[i], 'base64');
    const A = arrays[v.elemType];
    const per = v.dims.reduce((a, b) => a * b, 1);
    const data = new A(per * batch);
    const src = new A(one.buffer, one.byteOffset, per);
    for (let b = 0; b < batch; b++) data.set(src, b * per);
    f[v.name] = new ort.Tensor(v.elemType === 'float' ? 'float32' : v.elemType, data, [batch, ...v.dims]);
  });
  return f;
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function time(session, f, seconds) {
  for (let i = 0; i < 20; i++) await session.run(f);
  const times = [];
  const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  for (;;) {
    const t0 = process.hrtime.bigint();
    await session.run(f);
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1e3);
    if (t1 > end && times.length >= 20) break;
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), runs: times.length };
}

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = [];
  for (const w of spec.workloads) {
    const session = await ort.InferenceSession.create(Buffer.from(w.model, 'base64'), {
      intraOpNumThreads: spec.threads || 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const out = await session.run(feeds(w, 1));
    const outputs = w.outputs.map((v) => Array.from(out[v.name].data));
    for (const batch of w.batches) {
      const t = await time(session, feeds(w, batch), spec.seconds);
      results.push({ name: w.name, batch, p50_us: t.p50, p99_us: t.p99, runs: t.runs, per_second: (batch * 1e6) / t.p50 });
    }
    results.push({ name: w.name, outputs });
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
