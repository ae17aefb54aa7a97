// Runs an ONNX file through ONNX Runtime (one thread) on given inputs.
//
//   node ort_run.js MODEL.onnx SPEC.json
//
// SPEC.json: {"samples": [[{"name", "dims", "data", "type"}, ...], ...]},
// one list of inputs per sample (little-endian, base64; type float32, the
// default, or int32); each sample runs
// alone (batch 1, as the dims say). Prints {"outputs": [[{"name", "dims",
// "data"}, ...], ...]} on stdout, in the same form.
'use strict';

const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, specPath] = process.argv.slice(2);
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const outputs = [];
  for (const sample of spec.samples) {
    const feeds = {};
    for (const v of sample) {
      const raw = Buffer.from(v.data, 'base64');
      const bytes = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length);
      feeds[v.name] = v.type === 'int32'
        ? new ort.Tensor('int32', new Int32Array(bytes), v.dims)
        : new ort.Tensor('float32', new Float32Array(bytes), v.dims);
    }
    const res = await session.run(feeds);
    outputs.push(
      session.outputNames.map((name) => {
        const t = res[name];
        return { name, dims: t.dims, data: Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64') };
      }),
    );
  }
  process.stdout.write(JSON.stringify({ outputs }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
