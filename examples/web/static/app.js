// The gesture page: accelerometer samples (live from the phone, or replayed
// from recordings) are cut into windows as training cut them (a window
// ends every 32 samples, within one recording) and each window is
// classified by kiln's VM, compiled to WebAssembly (wasm/main.go), which
// also cuts, resamples and normalises it from the latest samples as
// training did (windows.json says how). Everything it loads comes from its
// own server: kiln.wasm, wasm_exec.js, model.kbc, labels.json,
// windows.json, replay.bin.
//
// ?replay=fast[&limit=N] replays the recordings as fast as they classify
// and leaves the results in window.kilnResults (the browser test reads
// them); ?replay=1 replays them in real time; ?live waits for the live
// button even where the browser has no touch screen (the test of the
// live path sends it motion events).
'use strict';

const RATE = 60; // Hz: the recordings' rate, and the rate live samples are resampled to
const STRIDE = 32; // samples from one window's end to the next
const PLOT = 256; // samples on the plot

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const violations = window.kilnViolations; // watch.js's

let history = 128; // the most samples a window is cut from (kiln.load's)
let first = 128; // samples before a recording's first window (kiln.load's)
let labels = [];

// Windower keeps the last history samples of each axis and calls emit
// with the latest of them (up to history, axis after axis) every STRIDE
// samples from the first-th on, as the gestures data form cuts a
// recording: a window ends at each of those samples.
class Windower {
  constructor(emit) {
    this.emit = emit;
    this.reset();
  }
  reset() {
    this.axes = [0, 1, 2].map(() => new Float32Array(history));
    this.count = 0;
  }
  push(x, y, z) {
    const i = this.count % history;
    this.axes[0][i] = x;
    this.axes[1][i] = y;
    this.axes[2][i] = z;
    this.count++;
    if (this.count >= first && (this.count - first) % STRIDE === 0) {
      const n = Math.min(this.count, history);
      const s = new Float32Array(3 * n);
      const oldest = (this.count - n) % history; // the oldest sample's slot
      for (let k = 0; k < 3; k++) {
        const a = this.axes[k];
        const head = a.subarray(oldest, Math.min(history, oldest + n));
        s.set(head, k * n);
        s.set(a.subarray(0, n - head.length), k * n + head.length);
      }
      this.emit(s, this.count);
    }
  }
}

// The plot of the last PLOT samples.
const trace = [0, 1, 2].map(() => new Float32Array(PLOT));
let traced = 0;
let plotDirty = false;
function plotSample(x, y, z) {
  const i = traced % PLOT;
  trace[0][i] = x;
  trace[1][i] = y;
  trace[2][i] = z;
  traced++;
  if (!plotDirty) {
    plotDirty = true;
    requestAnimationFrame(drawPlot);
  }
}
function drawPlot() {
  plotDirty = false;
  const c = $('plot');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  g.strokeStyle = '#eee';
  g.beginPath();
  g.moveTo(0, c.height / 2);
  g.lineTo(c.width, c.height / 2);
  g.stroke();
  const colors = ['#c33', '#393', '#36c'];
  const scale = c.height / 2 / 20; // ±20 m/s²
  for (let k = 0; k < 3; k++) {
    g.strokeStyle = colors[k];
    g.beginPath();
    for (let j = 0; j < PLOT; j++) {
      const v = trace[k][(traced + j) % PLOT];
      const px = (j / (PLOT - 1)) * c.width;
      const py = c.height / 2 - v * scale;
      if (j === 0) g.moveTo(px, py);
      else g.lineTo(px, py);
    }
    g.stroke();
  }
}

function softmax(logits) {
  const m = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

// classify runs the window that ends at the latest of the samples
// through the VM; it returns the logits, null where the samples make no
// window, or throws the VM's error.
function classify(w) {
  const r = kiln.classify(w);
  if (r !== null && r.error) throw new Error(r.error);
  return r;
}

function show(logits, truth) {
  const p = softmax(logits);
  const order = p.map((v, i) => i).sort((a, b) => p[b] - p[a]);
  $('gesture').textContent = labels[order[0]] || order[0];
  $('prob').textContent = (100 * p[order[0]]).toFixed(1) + '%' + (truth === undefined ? '' : ' (recorded: ' + labels[truth] + ')');
  $('scores').replaceChildren(
    ...order.slice(0, 3).map((i) => {
      const li = document.createElement('li');
      li.textContent = `${labels[i]} ${(100 * p[i]).toFixed(1)}%`;
      const bar = document.createElement('span');
      bar.style.width = `${Math.round(100 * p[i])}px`;
      li.append(bar);
      return li;
    }),
  );
}

function argmax(a) {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

function hexBits(f) {
  return Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length), (u) => u.toString(16).padStart(8, '0')).join('');
}

// replay.bin: "KGR1", u32 recordings, then per recording u32 label,
// u32 user, u32 samples n, and 3n float32 (x, then y, then z), all
// little-endian.
function parseReplay(buf) {
  const v = new DataView(buf);
  if (buf.byteLength < 8 || new TextDecoder().decode(new Uint8Array(buf, 0, 4)) !== 'KGR1') throw new Error('replay.bin: not a KGR1 file');
  const count = v.getUint32(4, true);
  const recs = [];
  let off = 8;
  for (let r = 0; r < count; r++) {
    if (off + 12 > buf.byteLength) throw new Error(`replay.bin: recording ${r} runs past the end`);
    const label = v.getUint32(off, true);
    const user = v.getUint32(off + 4, true);
    const n = v.getUint32(off + 8, true);
    off += 12;
    if (off + 12 * n > buf.byteLength) throw new Error(`replay.bin: recording ${r} runs past the end`);
    const xyz = new Float32Array(buf.slice(off, off + 12 * n));
    off += 12 * n;
    recs.push({ label, user, n, xyz });
  }
  return recs;
}

let replayRecs = null;
async function recordings() {
  if (!replayRecs) {
    const r = await fetch('replay.bin');
    if (!r.ok) throw new Error(`replay.bin: ${r.status}`);
    replayRecs = parseReplay(await r.arrayBuffer());
  }
  return replayRecs;
}

// fastReplay classifies every window of every recording (up to limit) at
// once and leaves the results in window.kilnResults.
async function fastReplay(limit) {
  const recs = await recordings();
  const out = { windows: [], correct: 0, times: [] };
  for (let r = 0; r < recs.length && out.windows.length < limit; r++) {
    const rec = recs[r];
    const win = new Windower((w, end) => {
      if (out.windows.length >= limit) return;
      const t0 = performance.now();
      const logits = classify(w);
      if (logits === null) return;
      out.times.push(performance.now() - t0);
      if (argmax(logits) === rec.label) out.correct++;
      out.windows.push({ recording: r, end, label: rec.label, logits: hexBits(logits) });
      show(logits, rec.label);
    });
    for (let i = 0; i < rec.n; i++) {
      const x = rec.xyz[i], y = rec.xyz[rec.n + i], z = rec.xyz[2 * rec.n + i];
      win.push(x, y, z);
      plotSample(x, y, z);
    }
  }
  const mean = out.times.reduce((a, b) => a + b, 0) / Math.max(1, out.times.length);
  out.times.sort((a, b) => a - b);
  const median = out.times.length ? out.times[out.times.length >> 1] : 0;
  const acc = out.windows.length ? out.correct / out.windows.length : 0;
  $('stats').textContent = `replayed ${out.windows.length} windows: ${(100 * acc).toFixed(2)}% correct, ${(1000 * mean).toFixed(0)} µs a window`;
  window.kilnResults = { windows: out.windows, accuracy: acc, medianMs: median, meanMs: mean, violations };
}

// liveReplay streams the recordings at RATE through the same path as live
// samples, over and over.
async function liveReplay() {
  const recs = await recordings();
  let r = 0, i = 0, correct = 0, total = 0;
  let win = null;
  $('status').textContent = 'replaying recordings of users the model never saw in training';
  setInterval(() => {
    const rec = recs[r];
    if (!win) {
      win = new Windower((w) => {
        const logits = classify(w);
        if (logits === null) return;
        total++;
        if (argmax(logits) === rec.label) correct++;
        show(logits, rec.label);
        $('stats').textContent = `${total} windows, ${(100 * correct / total).toFixed(1)}% correct`;
      });
    }
    const x = rec.xyz[i], y = rec.xyz[rec.n + i], z = rec.xyz[2 * rec.n + i];
    win.push(x, y, z);
    plotSample(x, y, z);
    if (++i >= rec.n) {
      i = 0;
      win = null;
      r = (r + 1) % recs.length;
    }
  }, 1000 / RATE);
}

// live reads the phone's accelerometer, resampled to RATE by linear
// interpolation on the events' timestamps.
async function live() {
  if (typeof DeviceMotionEvent !== 'undefined' && typeof DeviceMotionEvent.requestPermission === 'function') {
    // iOS asks the user, and only from a tap.
    if ((await DeviceMotionEvent.requestPermission()) !== 'granted') {
      $('status').textContent = 'motion access was refused; replaying instead';
      return liveReplay();
    }
  }
  let windows = 0;
  const win = new Windower((w) => {
    const logits = classify(w);
    if (logits === null) return;
    show(logits);
    window.kilnLiveWindows = ++windows;
  });
  let last = null; // {t, v}
  let next = 0; // the next output time, ms
  let seen = false;
  window.addEventListener('devicemotion', (e) => {
    const a = e.accelerationIncludingGravity;
    // A sensor without a reading gives nulls; the window must not hold them.
    if (!a || ![a.x, a.y, a.z].every(Number.isFinite)) return;
    seen = true;
    // The arrival time: every browser's clock, whatever its events'
    // timeStamp counts from.
    const t = performance.now(), v = [a.x, a.y, a.z];
    if (!last) {
      last = { t, v };
      next = t;
    }
    while (next <= t) {
      const f = t === last.t ? 1 : (next - last.t) / (t - last.t);
      const s = [0, 1, 2].map((k) => last.v[k] + f * (v[k] - last.v[k]));
      win.push(s[0], s[1], s[2]);
      plotSample(s[0], s[1], s[2]);
      next += 1000 / RATE;
    }
    last = { t, v };
  });
  $('status').textContent = 'reading this phone\'s motion: hold it upright and repeat a gesture';
  setTimeout(() => {
    if (!seen) {
      $('status').textContent = 'no accelerometer here; replaying recorded gestures';
      liveReplay();
    }
  }, 1500);
}

async function main() {
  const go = new Go();
  const wasm = await fetch('kiln.wasm');
  const { instance } = await WebAssembly.instantiateStreaming(wasm, go.importObject);
  go.run(instance); // sets globalThis.kiln, then waits for calls
  const [model, names, cut] = await Promise.all([fetch('model.kbc'), fetch('labels.json'), fetch('windows.json')]);
  if (!model.ok) throw new Error(`model.kbc: ${model.status}`);
  if (!cut.ok) throw new Error(`windows.json: ${cut.status}`);
  labels = names.ok ? await names.json() : [];
  const { norm, tempo } = await cut.json();
  const info = kiln.load(new Uint8Array(await model.arrayBuffer()), norm, tempo);
  if (info.error) throw new Error(info.error);
  history = info.history;
  first = info.first;
  $('gesture').textContent = '…';
  $('status').textContent = `model ${info.name}: input [${info.input}], output [${info.output}]`;
  $('live').disabled = false;
  $('replay').disabled = false;
  $('live').onclick = () => { $('live').disabled = $('replay').disabled = true; live(); };
  $('replay').onclick = () => { $('live').disabled = $('replay').disabled = true; liveReplay(); };
  const mode = params.get('replay');
  if (mode === 'fast') {
    await fastReplay(Number(params.get('limit') || Infinity));
  } else if (mode !== null || (navigator.maxTouchPoints === 0 && !params.has('live'))) {
    // No phone in hand: show the recordings.
    $('live').disabled = $('replay').disabled = true;
    await liveReplay();
  }
}

main().catch((e) => {
  $('gesture').textContent = 'error';
  $('status').textContent = String(e.message || e);
  window.kilnResults = { error: String(e.message || e), violations };
});
