/**
 * The orders BEAM lists a map's entries in. Up to 32 keys a map is a flatmap, sorted in map-key order. Beyond that it
 * is a hash array mapped trie keyed by `make_internal_hash` (internal-hash.ts): four bits of the
 * hash a level, the lowest first. An iterator (`maps:next/1`, and so `fold/3`, `foreach/2` and the
 * printers `~w` and `~p`) walks each node's slots from the lowest up; `maps:to_list/1`, `keys/1`,
 * `values/1` cons up that walk and so give its reverse, and `term_to_binary/1` writes that order. Two keys whose 32 bits agree go deeper, on the hash
 * with the next salt (8 levels a salt): noderl's guess, not checked against BEAM.
 */
import { MAP_SMALL_MAP_LIMIT, mapOrder } from './internal-hash.js';
import type { TermInput } from './types.js';

export { MAP_SMALL_MAP_LIMIT, mapOrder };

/** `entries` in the order `maps:to_list/1` (and `keys/1`, `values/1`) lists them, sorted in place. */
export function mapListOrder<K extends TermInput, V>(entries: [K, V][]): [K, V][] {
  mapOrder(entries);
  return entries.length <= MAP_SMALL_MAP_LIMIT ? entries : entries.reverse();
}
