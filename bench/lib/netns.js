// Nodes in network namespaces (iproute2), for the soak: one namespace per node, each joined to a
// bridge in a hub namespace by a veth pair, so one node's link can be cut and healed on its own.
// Root only. Every namespace and process made here is removed by destroy(), and at exit.

import { execFileSync, spawn } from 'node:child_process';

const made = new Set();
let exitHook = false;

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsProblem() {
  if (process.getuid?.() !== 0) return 'not root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch (err) {
    return `ip netns does not work (${err.message.split('\n')[0]})`;
  }
  return undefined;
}

function ip(...args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export class Netns {
  /** `count` namespaces on one /24, addresses 10.<a>.<b>.1..count. */
  static async create(count) {
    const tag = `${process.pid % 10000}${Math.floor(Math.random() * 100)}`;
    const net = new Netns(tag, count, `10.${200 + (process.pid % 50)}.${Math.floor(Math.random() * 250)}`);
    if (!exitHook) {
      exitHook = true;
      process.on('exit', () => {
        for (const n of made) n.destroySync();
      });
    }
    made.add(net);
    net.build();
    return net;
  }

  constructor(tag, count, prefix) {
    this.tag = tag;
    this.count = count;
    this.prefix = prefix;
    this.hub = `nrlhub${tag}`;
    this.children = new Set();
  }

  ns(i) {
    return `nrl${this.tag}n${i}`;
  }

  /** The address of node `i` (0-based). */
  address(i) {
    return `${this.prefix}.${i + 1}`;
  }

  build() {
    ip('netns', 'add', this.hub);
    ip('-n', this.hub, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', this.hub, 'link', 'set', 'br0', 'up');
    for (let i = 0; i < this.count; i++) {
      const ns = this.ns(i);
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      // The pair is made inside the node's namespace, then one end moves to the hub.
      ip('-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `p${i}`);
      ip('-n', ns, 'link', 'set', `p${i}`, 'netns', this.hub);
      ip('-n', ns, 'addr', 'add', `${this.address(i)}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', this.hub, 'link', 'set', `p${i}`, 'master', 'br0');
      ip('-n', this.hub, 'link', 'set', `p${i}`, 'up');
    }
  }

  /** Runs `cmd args` inside node `i`'s namespace; `ip netns exec` execs it, so the pid is the command's. */
  spawn(i, cmd, args, options = {}) {
    const child = spawn('ip', ['netns', 'exec', this.ns(i), cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], ...options });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.stderr?.on('data', () => {});
    return child;
  }

  /** A port mapper of node `i`'s own (each namespace has its own loopback and port 4369). */
  startEpmd(i) {
    return this.spawn(i, 'epmd', []);
  }

  /** Node `i` loses its link: nothing reaches it or leaves it (the hub's end goes down). */
  async cut(i) {
    ip('-n', this.hub, 'link', 'set', `p${i}`, 'down');
  }

  async heal(i) {
    ip('-n', this.hub, 'link', 'set', `p${i}`, 'up');
  }

  async destroy() {
    this.destroySync();
  }

  destroySync() {
    for (const c of this.children) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    this.children.clear();
    for (let i = 0; i < this.count; i++) {
      try {
        ip('netns', 'del', this.ns(i));
      } catch {
        // not made, or gone
      }
    }
    try {
      ip('netns', 'del', this.hub);
    } catch {
      // not made
    }
    made.delete(this);
  }
}
