# Runs kiln's benchmark workloads through ONNX Runtime's Python binding:
# the same spec, timings and output as ort.js, for machines that have the
# onnxruntime Python package but not Node.js.
#
#   python3 ort.py SPEC.json          (go run ./bench -ort python)
#
# Sessions are made as ort.js makes them: intra-op threads from the spec,
# one inter-op thread, sequential execution, all graph optimizations, the
# CPU execution provider. Times include the binding's cost of a run call.
import base64
import json
import sys
import time

import numpy as np
import onnxruntime as ort

DTYPES = {"float": np.float32, "uint8": np.uint8, "int8": np.int8, "int32": np.int32}


def feeds(w, batch):
    """One sample's inputs repeated batch times."""
    f = {}
    for v, sample in zip(w["inputs"], w["sample"]):
        one = np.frombuffer(base64.b64decode(sample), dtype=DTYPES[v["elemType"]])
        per = int(np.prod(v["dims"], dtype=np.int64))
        one = one[:per].reshape(v["dims"])
        f[v["name"]] = np.ascontiguousarray(np.broadcast_to(one, [batch] + list(v["dims"])))
    return f


def quantile(times, q):
    return times[min(len(times) - 1, int(q * len(times)))]


def timed(session, f, seconds):
    for _ in range(20):
        session.run(None, f)
    times = []
    end = time.perf_counter_ns() + round(seconds * 1e9)
    while True:
        t0 = time.perf_counter_ns()
        session.run(None, f)
        t1 = time.perf_counter_ns()
        times.append((t1 - t0) / 1e3)
        if t1 > end and len(times) >= 20:
            break
    times.sort()
    return quantile(times, 0.5), quantile(times, 0.99), len(times)


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    results = []
    for w in spec["workloads"]:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = spec.get("threads") or 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(base64.b64decode(w["model"]), opts, providers=["CPUExecutionProvider"])
        out = dict(zip([o.name for o in session.get_outputs()], session.run(None, feeds(w, 1))))
        outputs = [out[v["name"]].ravel().astype(np.float64).tolist() for v in w["outputs"]]
        for batch in w["batches"]:
            p50, p99, runs = timed(session, feeds(w, batch), spec["seconds"])
            results.append({"name": w["name"], "batch": batch, "p50_us": p50, "p99_us": p99,
                            "runs": runs, "per_second": batch * 1e6 / p50})
        results.append({"name": w["name"], "outputs": outputs})
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # the message, as ort.js prints it, not a traceback
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
