/**
 * The flags that choose how a command's node is distributed, in erl's words:
 * `--proto-dist inet_tls --ssl-dist-optfile FILE` (erl's `-proto_dist inet_tls -ssl_dist_optfile
 * FILE`) or `--proto-dist inet_tls --ssl-dist-opt server_certfile F client_verify verify_peer ...`
 * (erl's `-ssl_dist_opt`, which takes key-value pairs up to the next flag). They are taken out of
 * the arguments before the command's own flags are parsed, since `--ssl-dist-opt` takes a
 * variable number of values, which `util.parseArgs` cannot say.
 */
import { readFileSync } from 'node:fs';
import { distOptsText, TlsOptionError } from '../channel/tls-options.js';

/** The usage text of these flags, for every command that starts a node. */
export const DIST_USAGE = '[--proto-dist inet_tls (--ssl-dist-optfile FILE | --ssl-dist-opt KEY VALUE ...)]';

/** The arguments left for the command, and the `tls` option of `Node.start` (the optfile's text). */
export interface DistFlags {
  rest: string[];
  tls?: string;
}

/** Takes the distribution flags out of `args`; a string is the usage problem. */
export function takeDistFlags(args: readonly string[]): DistFlags | string {
  const rest: string[] = [];
  let proto: string | undefined;
  let optfile: string | undefined;
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--proto-dist' || flag === '--ssl-dist-optfile') {
      const value = inline ?? args[++i];
      if (value === undefined) return `${flag} takes a value`;
      if (flag === '--proto-dist') proto = value;
      else optfile = value;
    } else if (arg === '--ssl-dist-opt') {
      const start = i + 1;
      while (i + 1 < args.length && !args[i + 1]!.startsWith('--')) i++;
      const values = args.slice(start, i + 1);
      if (values.length === 0 || values.length % 2 !== 0) return '--ssl-dist-opt takes KEY VALUE pairs (server_certfile F client_verify verify_peer ...)';
      for (let k = 0; k < values.length; k += 2) pairs.push([values[k]!, values[k + 1]!]);
    } else {
      rest.push(arg);
    }
  }
  if (proto !== undefined && proto !== 'inet_tcp' && proto !== 'inet_tls') return `--proto-dist ${proto}: noderl speaks inet_tcp and inet_tls`;
  const given = optfile !== undefined || pairs.length > 0;
  if (proto !== 'inet_tls') return given ? '--ssl-dist-optfile and --ssl-dist-opt configure --proto-dist inet_tls: give it too' : { rest };
  if (!given) return '--proto-dist inet_tls needs --ssl-dist-optfile FILE or --ssl-dist-opt KEY VALUE ... (a certificate at least)';
  if (optfile !== undefined && pairs.length > 0) return 'give --ssl-dist-optfile or --ssl-dist-opt, not both';
  if (optfile === undefined) {
    try {
      return { rest, tls: distOptsText(pairs) };
    } catch (err) {
      if (err instanceof TlsOptionError) return err.message;
      throw err;
    }
  }
  try {
    return { rest, tls: readFileSync(optfile, 'utf8') };
  } catch (err) {
    return `--ssl-dist-optfile: cannot read ${optfile}: ${(err as Error).message}`;
  }
}
