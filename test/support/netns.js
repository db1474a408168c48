// Network namespaces for fault tests and soaks: real links between nodes that can be cut, made
// lossy or slow, with the kernel's own TCP in between. No test-framework imports: the bench's soak
// uses this module too.
//
//   const topo = createTopology(['a', 'b']);   // a hub namespace with a bridge, one namespace per label
//   topo.address('a');                           // '10.X.Y.1', on eth0 inside a's namespace
//   const epmd = await topo.startEpmd('a');      // the port mapper of a's namespace (loopback is per namespace)
//   const child = topo.spawn('a', 'erl', [...]); // `ip netns exec NS erl ...`, killed by pid on teardown
//   topo.cut('b'); topo.heal('b');               // b's bridge port down / up: b's own loopback traffic goes on
//   topo.addLoss('b', 10); topo.removeLoss('b'); // nft: random drop of 10% of what arrives on b's eth0
//   topo.limitRate('b', { rate: '1mbit' });      // tbf on b's eth0 (what b sends); lossCount, rateLimitStats
//   topo.addDelay('b', 50);                      // netem on the hub's port toward b; false when the kernel has no netem
//   await topo.destroy();                        // kill what runs inside, delete every namespace
//
// Topology: `nrl-<pid>-<n>` namespaces. The hub holds bridge br0 and one veth end per node
// namespace (port<i>); the other end is eth0 in the node namespace, 10.X.Y.<i+1>/24. The namespaces
// see only each other, so addresses cannot clash with the host or with another topology; X.Y still
// differ per topology to keep captures readable. A cut downs the hub's end, not eth0: eth0 stays up
// (no carrier), so the namespace keeps its address and the nodes inside it keep talking over it.
//
// Teardown is airtight: every process spawned inside is killed by pid, then anything still in a
// namespace we made (`ip netns pids`: their children, e.g. erl_child_setup) is killed, then the
// namespaces are deleted, which deletes their veth pairs and the bridge. It runs from destroy(), and
// synchronously on process exit and on SIGINT/SIGTERM/SIGHUP for topologies not yet destroyed.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The port mapper port inside every namespace: each namespace has its own loopback and its own epmd. */
export const NETNS_EPMD_PORT = 4369;

const onPath = (cmd) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, cmd)));

let problem;
/**
 * Why network namespaces cannot be used here (not Linux, not root, no `ip`, `ip netns add`
 * refused, or a tool in `tools` missing), or undefined when they can. Checked once, by making and
 * deleting a namespace.
 */
export function netnsProblem(tools = []) {
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length > 0) return `${missing.join(', ')} not found on PATH`;
  if (problem !== undefined) return problem || undefined;
  if (process.platform !== 'linux') problem = `network namespaces need Linux (this is ${process.platform})`;
  else if (process.getuid?.() !== 0) problem = 'network namespaces need root (`ip netns add` as uid 0)';
  else if (!onPath('ip')) problem = '`ip` (iproute2) not found on PATH';
  else {
    const probe = `nrl-${process.pid}-probe`;
    const r = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (r.status === 0) {
      spawnSync('ip', ['netns', 'del', probe]);
      problem = '';
    } else problem = `\`ip netns add\` failed: ${(r.stderr || r.error?.message || '').trim()}`;
  }
  return problem || undefined;
}

/**
 * For `describe(name, { skip: netnsSkip() }, ...)`: false when namespaces work (tools: commands
 * that must be on PATH too, e.g. ['nft', 'tc']). When they do not, prints the reason LOUDLY and
 * returns it as the skip reason, or, when REQUIRE_NETNS=1, returns false so the test runs and
 * createTopology() fails with that reason.
 */
export function netnsSkip(tools = []) {
  const why = netnsProblem(tools);
  if (why === undefined) return false;
  const line = '!'.repeat(78);
  const required = process.env.REQUIRE_NETNS === '1';
  console.warn(
    `\n${line}\n!!! NETWORK NAMESPACE TESTS CANNOT RUN: ${why}\n` +
      (required ? '!!! REQUIRE_NETNS=1: the tests that need them FAIL.\n' : '!!! The partition tests are SKIPPED. Set REQUIRE_NETNS=1 to make this a failure.\n') +
      `${line}\n`,
  );
  return required ? false : `network namespace tests cannot run: ${why} (set REQUIRE_NETNS=1 to fail instead)`;
}

const live = new Set();
let hooksInstalled = false;
function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const topo of live) topo.destroySync();
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.once(signal, () => {
      for (const topo of live) topo.destroySync();
      process.exit(code);
    });
  }
}

let topologies = 0;
let namespaces = 0;

function ip(...args) {
  return run('ip', args);
}

function run(cmd, args, input) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input });
  } catch (err) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  }
}

const sleepSync = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function pidsIn(ns) {
  const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean).map(Number) : [];
}

function killPid(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Makes a hub namespace with a bridge and one namespace per label, each joined to the bridge by a
 * veth pair. Throws (after removing what it made) when a step fails, and first, with the reason,
 * when namespaces are unusable or a command in `tools` is missing (what REQUIRE_NETNS=1 turns
 * netnsSkip's skip into).
 */
export function createTopology(labels, { tools = [] } = {}) {
  const why = netnsProblem(tools);
  if (why !== undefined) throw new Error(`network namespace tests cannot run: ${why}`);
  installHooks();
  return new Topology(labels);
}

class Topology {
  #children = new Set();
  #namespaces = [];
  #netem;
  #destroyed = false;

  constructor(labels) {
    topologies += 1;
    // 10.X.Y.0/24 with X in 100..227 from the pid and Y from the count: different per topology
    // of one process, and most likely per process.
    this.subnet = `10.${100 + (process.pid % 128)}.${(topologies * 7 + (process.pid >> 7)) % 250}`;
    this.hub = this.#newNamespace();
    this.spaces = new Map();
    live.add(this);
    try {
      ip('-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge');
      ip('-n', this.hub, 'link', 'set', 'br0', 'up');
      labels.forEach((label, i) => {
        const ns = this.#newNamespace();
        const port = `port${i}`;
        const address = `${this.subnet}.${i + 1}`;
        ip('-n', ns, 'link', 'set', 'lo', 'up');
        ip('-n', this.hub, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
        ip('-n', this.hub, 'link', 'set', port, 'master', 'br0');
        ip('-n', this.hub, 'link', 'set', port, 'up');
        ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        ip('-n', ns, 'link', 'set', 'eth0', 'up');
        this.spaces.set(label, { ns, port, address });
      });
    } catch (err) {
      this.destroySync();
      throw err;
    }
  }

  #newNamespace() {
    namespaces += 1;
    const ns = `nrl-${process.pid}-${namespaces}`;
    ip('netns', 'add', ns);
    this.#namespaces.push(ns);
    return ns;
  }

  #space(label) {
    const s = this.spaces.get(label);
    if (!s) throw new Error(`no namespace labelled ${label} (have ${[...this.spaces.keys()].join(', ')})`);
    return s;
  }

  /** The namespace's address on the bridge, e.g. for node names `a@10.X.Y.1`. */
  address(label) {
    return this.#space(label).address;
  }

  /** The namespace's name, for `ip netns exec`. */
  netns(label) {
    return this.#space(label).ns;
  }

  /** Runs a command inside the namespace to its end (synchronously); returns its stdout, throws with its stderr. */
  exec(label, cmd, args = [], input) {
    return run('ip', ['netns', 'exec', this.#space(label).ns, cmd, ...args], input);
  }

  /**
   * Spawns `cmd args` inside the namespace (`ip netns exec` execs it, so the child's pid is the
   * command's). Killed by pid on teardown; `options` as child_process.spawn's.
   */
  spawn(label, cmd, args = [], options = {}) {
    const child = spawn('ip', ['netns', 'exec', this.#space(label).ns, cmd, ...args], options);
    this.#children.add(child);
    child.once('exit', () => this.#children.delete(child));
    return child;
  }

  /**
   * Starts `epmd` in the foreground (never -daemon, so its pid is ours) inside the namespace on
   * NETNS_EPMD_PORT; resolves once `epmd -names` answers there. Returns { pid, stop() }.
   */
  async startEpmd(label, { timeoutMs = 10000 } = {}) {
    const child = this.spawn(label, 'epmd', ['-port', String(NETNS_EPMD_PORT)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`epmd in ${label} exited: ${stderr}`);
      const r = spawnSync('ip', ['netns', 'exec', this.#space(label).ns, 'epmd', '-port', String(NETNS_EPMD_PORT), '-names'], { encoding: 'utf8' });
      if (r.status === 0) break;
      if (Date.now() > deadline) throw new Error(`epmd in ${label} did not answer within ${timeoutMs} ms: ${stderr}${r.stderr}`);
      await sleep(50);
    }
    return { pid: child.pid, stop: () => killChild(child) };
  }

  /** Cuts the namespace off the bridge (its hub-side port down). Nothing reconnects by itself on heal. */
  cut(label) {
    ip('-n', this.hub, 'link', 'set', this.#space(label).port, 'down');
  }

  /** Puts the namespace back on the bridge. */
  heal(label) {
    ip('-n', this.hub, 'link', 'set', this.#space(label).port, 'up');
  }

  /** Drops `percent`% of the packets arriving on the namespace's eth0, at random (nft numgen). */
  addLoss(label, percent) {
    this.exec(label, 'nft', ['-f', '-'], `table inet nrl_loss {
  chain input { type filter hook input priority 0; policy accept; iifname "eth0" numgen random mod 100 < ${Math.round(percent)} counter drop; }
}
`);
  }

  /** How many packets addLoss has dropped so far on the namespace. */
  lossCount(label) {
    const listed = this.exec(label, 'nft', ['list', 'table', 'inet', 'nrl_loss']);
    return Number(/counter packets (\d+)/.exec(listed)?.[1] ?? NaN);
  }

  removeLoss(label) {
    this.exec(label, 'nft', ['delete', 'table', 'inet', 'nrl_loss']);
  }

  /** A token bucket on what the namespace sends (tbf on its eth0): bandwidth is not infinite. */
  limitRate(label, { rate = '1mbit', burst = '32kbit', latency = '400ms' } = {}) {
    this.exec(label, 'tc', ['qdisc', 'add', 'dev', 'eth0', 'root', 'tbf', 'rate', rate, 'burst', burst, 'latency', latency]);
  }

  /** The token bucket's counters: packets sent, dropped, and held back over the rate (tc -s). */
  rateLimitStats(label) {
    const shown = this.exec(label, 'tc', ['-s', 'qdisc', 'show', 'dev', 'eth0']);
    const n = (re) => Number(re.exec(shown)?.[1] ?? NaN);
    return { sent: n(/Sent \d+ bytes (\d+) pkt/), dropped: n(/dropped (\d+)/), overlimits: n(/overlimits (\d+)/) };
  }

  removeRateLimit(label) {
    this.exec(label, 'tc', ['qdisc', 'del', 'dev', 'eth0', 'root']);
  }

  /**
   * Whether the kernel has netem (CONFIG_NET_SCH_NETEM): tried once on a hub port, as `tc` says
   * "Specified qdisc kind is unknown" only when asked.
   */
  netemAvailable() {
    if (this.#netem === undefined) {
      const { port } = this.spaces.values().next().value;
      const r = spawnSync('ip', ['netns', 'exec', this.hub, 'tc', 'qdisc', 'add', 'dev', port, 'root', 'netem', 'delay', '1ms'], { encoding: 'utf8' });
      this.#netem = r.status === 0;
      if (this.#netem) spawnSync('ip', ['netns', 'exec', this.hub, 'tc', 'qdisc', 'del', 'dev', port, 'root']);
      else this.netemProblem = (r.stderr || r.error?.message || '').trim();
    }
    return this.#netem;
  }

  /**
   * Delays what the hub sends toward the namespace by `ms` (netem on its hub port). Returns false,
   * changing nothing, when the kernel has no netem (see netemProblem).
   */
  addDelay(label, ms, jitterMs = 0) {
    if (!this.netemAvailable()) return false;
    ip('netns', 'exec', this.hub, 'tc', 'qdisc', 'add', 'dev', this.#space(label).port, 'root', 'netem', 'delay', `${ms}ms`, ...(jitterMs ? [`${jitterMs}ms`] : []));
    return true;
  }

  removeDelay(label) {
    ip('netns', 'exec', this.hub, 'tc', 'qdisc', 'del', 'dev', this.#space(label).port, 'root');
  }

  /** Kills every process inside (by pid), deletes every namespace. Safe to call twice. */
  async destroy() {
    if (this.#destroyed) return;
    await Promise.all([...this.#children].map(killChild));
    this.destroySync();
  }

  /** destroy() for exit and signal handlers: the same, waiting by polling. */
  destroySync() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    live.delete(this);
    for (const child of this.#children) killPid(child.pid);
    for (const ns of [...this.#namespaces].reverse()) {
      // What our processes started inside (erl_child_setup, inet_gethost) is in the namespace too.
      for (let i = 0; i < 100; i++) {
        const pids = pidsIn(ns);
        if (pids.length === 0) break;
        for (const pid of pids) killPid(pid);
        sleepSync(20);
      }
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
}

function killChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killPid(child.pid);
  return exited;
}
