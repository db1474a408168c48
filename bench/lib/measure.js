// The calibrated timing loop every scenario shares.
//
// A figure is the median of several batches, never one pass: the machine is shared and noisy
// (bench README). A batch is grown until it lasts at least `minMs`, so that timer resolution
// and per-batch overhead are small next to the work being timed.

/** Full runs: batches of >= 150 ms, median of 5 (bench README). */
export const FULL = Object.freeze({ minMs: 150, batches: 5 });
/** `--quick`: one short batch, only to see that everything runs. */
export const QUICK = Object.freeze({ minMs: 20, batches: 1 });

// Results land here so the JIT cannot prove a timed call is useless and drop it.
let sink;

/** Runs `fn` `n` times; returns the elapsed nanoseconds as a Number. */
function timeBatch(fn, n) {
  let last;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) last = fn();
  const ns = Number(process.hrtime.bigint() - t0);
  sink = last;
  return ns;
}

/**
 * The next batch size when a batch of `n` took `ns`: aim 20% past the target so the next batch
 * most likely qualifies, but grow at least 2x (progress when `ns` is tiny or 0) and at most 10x
 * (a first call that was slow for a one-off reason, such as lazy compilation, must not make
 * the batch enormous).
 */
export function nextBatch(n, ns, minNs) {
  const aimed = Math.ceil((n * minNs * 1.2) / Math.max(ns, 1));
  return Math.max(n * 2, Math.min(n * 10, aimed));
}

/** Grows the batch from 1 until one batch lasts >= minMs. Doubles as the warm-up. */
export function calibrate(fn, minMs) {
  const minNs = minMs * 1e6;
  let n = 1;
  for (;;) {
    const ns = timeBatch(fn, n);
    if (ns >= minNs) return n;
    n = nextBatch(n, ns, minNs);
  }
}

/** Median, min and max of a list of numbers. */
export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** Turns per-batch nanoseconds for batches of `batch` ops into ops/s median/min/max. */
export function opsPerSecond(batch, batchNs) {
  return { ...summarize(batchNs.map((ns) => (batch * 1e9) / ns)), batch, samples: batchNs.length };
}

/**
 * Measures `fn` (called with no arguments): calibrate, then `batches` timed batches.
 * Returns { median, min, max, batch, samples } in ops/s.
 */
export function measure(fn, { minMs, batches } = FULL) {
  const batch = calibrate(fn, minMs);
  const batchNs = [];
  for (let i = 0; i < batches; i++) batchNs.push(timeBatch(fn, batch));
  return opsPerSecond(batch, batchNs);
}

/** Keeps `sink` reachable from outside, so no engine can treat it as dead. */
export function lastResult() {
  return sink;
}
