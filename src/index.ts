/**
 * noderl: a Node.js process as a real Erlang node.
 *
 * This entry point exports the term layer (the JS values for Erlang terms, the External Term
 * Format codec, Erlang-syntax printing, parsing and ordering), the port mapper (client, daemon,
 * and the embedded default that starts one when none answers), and the node: processes, calls,
 * servers, remote spawn and their errors. The handles a node gives out (`Process`, `Rpc`, `Erpc`,
 * `Global`, `NetKernel`, `RpcKey`) are exported as types only: only the node makes them.
 */
export {
  Atom,
  atom,
  ErlFloat,
  float,
  BitBinary,
  ImproperList,
  Tuple,
  tuple,
  isTuple,
  isList,
  Pid,
  Ref,
  Port,
  ExportFun,
  ErlFun,
  type Term,
  type TermInput,
  type DecodedTuple,
  type TupleMethods,
  type TupleConstructor,
} from './term/types.js';
export { DecodeError, EncodeError } from './term/errors.js';
export { encode, type EncodeOptions } from './term/encode.js';
export { decode, type DecodeOptions } from './term/decode.js';
export { format, type FormatOptions } from './term/format.js';
export { parse, term, TermSyntaxError } from './term/parse.js';
export { compare, equals, mapGet } from './term/compare.js';
export {
  lookupNode,
  listNames,
  dumpEpmd,
  killEpmd,
  stopName,
  isEpmdRunning,
  EpmdRegistration,
  EpmdError,
  type EpmdOptions,
  type NodeRegistration,
} from './epmd/client.js';
export { EpmdServer, EpmdServerError, type EpmdServerOptions } from './epmd/server.js';
export { ensureEpmd } from './epmd/daemon.js';
export { epmdPort } from './epmd/protocol.js';
export { Node, type NodeOptions, type NodeEvents } from './node/node.js';
export type { Process, Destination, MonitorOptions, SendOptions } from './process/process.js';
export { ProcessExit, ErlangError, NotAliveError } from './process/exceptions.js';
export { CallError } from './process/gen-call.js';
export { reply, GenServerStartError, isGlobalName, type GenServerSpec, type GenServerOptions, type GlobalName, type From, type CallResult, type NoReplyResult } from './otp/gen-server.js';
export { SpawnError, type SpawnOptions } from './process/spawn-options.js';
export { ErpcError, type Erpc, type ErpcClass, type CallOptions } from './rpc/erpc.js';
export type { Rpc, RpcKey } from './rpc/rpc.js';
export type { Global, LockId } from './global/global.js';
export { GlobalRestartedError } from './global/service.js';
export { Pg, DEFAULT_SCOPE } from './pg/pg.js';
export type { Resolve, JsResolver } from './global/types.js';
export { ioFormat, IoFormatError } from './term/io-format.js';
export { TIMEOUT, type Timeout, type ReceiveOptions, type GuardedReceiveOptions } from './process/mailbox.js';
export { resolveCookie, CookieError } from './node/cookie.js';
export { NodeNameError } from './node/names.js';
export { NetKernelError, type NetKernel, type MonitorNodesOptions, type NodeEvent, type NodeType } from './node/net-kernel.js';
export { DistFlag, type DistFlagName } from './channel/flags.js';
export { HandshakeError } from './channel/handshake.js';
export { TlsOptionError, readOptfile, distOptsText, type TlsDistOptions, type TlsDistConfig, type TlsSide, type PeerChecks } from './channel/tls-options.js';
export { TlsRefusal } from './channel/tls-transport.js';
export { DEFAULT_DIST_BUF_BUSY_LIMIT } from './channel/busy-limit.js';
export { NODEJS_FLAGS, SEMI_SPACE_MB } from './node/node-flags.js';
