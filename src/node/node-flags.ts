/**
 * The Node.js flags a noderl node runs best with.
 *
 * One flag matters: the size of V8's young generation. Each round trip leaves a few KB of garbage
 * per node, and V8 stops every process's JS for each young-generation GC (a scavenge). At Node's
 * default (~8 MiB here) a scavenge comes every 1,000–2,000 round trips and lasts 0.4–0.9 ms, so
 * the slowest 0.1% of round trips are scavenges and p99.9 was 3–8× the BEAM pair's (the BEAM
 * collects each process's heap on its own). At 64 MiB a scavenge comes every 5,000–20,000 and
 * lasts 2–3.5 ms: p99.9 within 2× of the BEAM pair (the median of six runs), the max 1–2 ms
 * higher, RSS up to ~125 MiB more once the young generation has been written through, and up to
 * ~10% less throughput (README, "Latency tail").
 *
 * The size can only be set when Node starts, and `--min-semi-space-size` is refused in
 * `NODE_OPTIONS`: the `noderl` command sets it in its `#!` line (bin/noderl.js, which a test
 * holds to {@link NODEJS_FLAGS}); an application passes the flags to `node` itself.
 */

/** The young generation's semi-space, MiB: V8's new space is two of them. */
export const SEMI_SPACE_MB = 64;

/** `node` flags for a noderl node: a fixed {@link SEMI_SPACE_MB} MiB semi-space (V8 grows it only when much survives). */
export const NODEJS_FLAGS: readonly string[] = Object.freeze([`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`]);
