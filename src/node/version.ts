/** noderl's version, from its package.json (what `noderl version` prints and the Erlang shell's banner shows). */
import { readFileSync } from 'node:fs';

export const NODERL_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
