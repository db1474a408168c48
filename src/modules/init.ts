/** `init:stop/0`: stops the node soon after the caller has its `ok`, as the chapter warns `q()` does. */
import { OK } from '../term/atoms.js';
import type { BuiltinModule } from './registry.js';

export function initModule(stop: () => void): BuiltinModule {
  return { stop: () => (stop(), OK) };
}
