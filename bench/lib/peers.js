// The JavaScript peer codecs that codec benchmarks compare noderl with (dev dependencies).
//
// Each loads on its own, by dynamic import: a peer that is missing or whose native build failed
// is reported with the reason and the bench goes on without it.

/** Calls a callback-style function that calls back synchronously, and returns its result. */
function callbackToSync(fn, ...args) {
  let called = false;
  let error;
  let result;
  fn(...args, (err, value) => {
    called = true;
    error = err;
    result = value;
  });
  // erlang_js only calls back later for compressed terms (zlib); none of the set is compressed.
  if (!called) throw new Error('callback did not run synchronously');
  if (error) throw error instanceof Error ? error : new Error(String(error?.message ?? error));
  return result;
}

const PEERS = {
  // Discord's native (C++) codec. pack/unpack are plain synchronous functions.
  async erlpack() {
    const mod = await import('erlpack');
    const erlpack = mod.default ?? mod;
    return { decode: (bytes) => erlpack.unpack(bytes), encode: (value) => erlpack.pack(value) };
  },
  // Pure JS codec, callback based: binary_to_term(data, cb), term_to_binary(term, cb).
  async erlang_js() {
    const mod = await import('erlang_js');
    const { Erlang } = mod.default ?? mod;
    return {
      decode: (bytes) => callbackToSync(Erlang.binary_to_term, bytes),
      encode: (value) => callbackToSync(Erlang.term_to_binary, value),
    };
  },
};

/** Names of all peers, loaded or not. */
export const PEER_NAMES = Object.keys(PEERS);

/**
 * Loads every peer. Returns [{ name, codec, error }]: `codec` is { decode, encode } when the
 * peer loaded, else `error` says why not.
 */
export async function loadPeers() {
  const peers = [];
  for (const [name, load] of Object.entries(PEERS)) {
    try {
      peers.push({ name, codec: await load(), error: null });
    } catch (err) {
      peers.push({ name, codec: null, error: `not available: ${err.message.split('\n')[0]}` });
    }
  }
  return peers;
}
