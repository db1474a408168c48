/**
 * The distribution capability flags (otp-distribution.md §3.4; `erts/emulator/beam/dist.h`,
 * `DFLAG_*`). Flags are 64-bit, so they are `bigint`s here. Both sides of a connection use the
 * bitwise AND of the two advertised sets.
 */

/** Every flag by its OTP name (without `DFLAG_`). */
export const DistFlag = {
  PUBLISHED: 0x1n,
  ATOM_CACHE: 0x2n,
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  HIDDEN_ATOM_CACHE: 0x40n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UNICODE_IO: 0x1000n,
  DIST_HDR_ATOM_CACHE: 0x2000n,
  SMALL_ATOM_TAGS: 0x4000n,
  ETS_COMPRESSED: 0x8000n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  SEND_SENDER: 0x80000n,
  BIG_SEQTRACE_LABELS: 0x100000n,
  PENDING_CONNECT: 0x200000n,
  EXIT_PAYLOAD: 0x400000n,
  FRAGMENTS: 0x800000n,
  HANDSHAKE_23: 0x1000000n,
  UNLINK_ID: 0x2000000n,
  /** Stands for all of {@link MANDATORY_25}. OTP's docs say `1 bsl 36`; the code and the wire use bit 26. */
  MANDATORY_25_DIGEST: 0x4000000n,
  SPAWN: 1n << 32n,
  NAME_ME: 1n << 33n,
  V4_NC: 1n << 34n,
  ALIAS: 1n << 35n,
} as const;

export type DistFlagName = keyof typeof DistFlag;

/** What OTP 25 refuses a peer without (`0x1070f94`); `MANDATORY_25_DIGEST` implies all of them. */
export const MANDATORY_25: bigint =
  DistFlag.EXTENDED_REFERENCES |
  DistFlag.FUN_TAGS |
  DistFlag.NEW_FUN_TAGS |
  DistFlag.EXTENDED_PIDS_PORTS |
  DistFlag.EXPORT_PTR_TAG |
  DistFlag.BIT_BINARIES |
  DistFlag.NEW_FLOATS |
  DistFlag.UTF8_ATOMS |
  DistFlag.MAP_TAG |
  DistFlag.BIG_CREATION |
  DistFlag.HANDSHAKE_23;

/**
 * What noderl requires of a peer: OTP 25's mandatory set. (OTP 26/27 also require UNLINK_ID and
 * V4_NC of *us*; we advertise both, but do not demand them of an OTP 25 peer.)
 */
export const REQUIRED_FLAGS: bigint = MANDATORY_25;

/**
 * What noderl advertises (hidden form; {@link advertisedFlags} adds PUBLISHED): every flag OTP 25
 * and 26/27 require, plus the monitors, SEND_SENDER, EXIT_PAYLOAD, SPAWN, ALIAS, and
 * DIST_HDR_ATOM_CACHE with FRAGMENTS — `0xd07df7fbc`, the set OTP 25 itself advertises. Either of
 * the last two switches every frame to header mode (§4.2); FRAGMENTS is what lets a big message
 * travel without starving ticks (§4.5), and the atom cache comes with the same header.
 */
export const NODERL_FLAGS: bigint =
  MANDATORY_25 |
  DistFlag.MANDATORY_25_DIGEST |
  DistFlag.UNLINK_ID |
  DistFlag.V4_NC |
  DistFlag.DIST_MONITOR |
  DistFlag.DIST_MONITOR_NAME |
  DistFlag.UNICODE_IO |
  DistFlag.SMALL_ATOM_TAGS |
  DistFlag.SEND_SENDER |
  DistFlag.BIG_SEQTRACE_LABELS |
  DistFlag.EXIT_PAYLOAD |
  DistFlag.SPAWN |
  DistFlag.ALIAS |
  DistFlag.DIST_HDR_ATOM_CACHE |
  DistFlag.FRAGMENTS;

/** The flags a node advertises: {@link NODERL_FLAGS}, with PUBLISHED unless it is hidden. */
export function advertisedFlags(hidden: boolean): bigint {
  return hidden ? NODERL_FLAGS : NODERL_FLAGS | DistFlag.PUBLISHED;
}

/** A peer's flags as OTP reads them: MANDATORY_25_DIGEST expands to the whole mandatory set. */
export function expandFlags(flags: bigint): bigint {
  return (flags & DistFlag.MANDATORY_25_DIGEST) !== 0n ? flags | MANDATORY_25 : flags;
}

/** The names of the required flags a peer lacks, in bit order (empty when it has them all). */
export function missingFlags(peerFlags: bigint, required: bigint = REQUIRED_FLAGS): DistFlagName[] {
  const have = expandFlags(peerFlags);
  const missing: DistFlagName[] = [];
  for (const [name, bit] of Object.entries(DistFlag) as [DistFlagName, bigint][]) {
    if ((required & bit) !== 0n && (have & bit) === 0n) missing.push(name);
  }
  return missing;
}

/** Flag names as OTP's `~p` prints a list of strings (`["MAP_TAG","BIG_CREATION"]`), as `dist_util` logs missing flags. */
export function flagList(names: readonly DistFlagName[]): string {
  return `[${names.map((m) => `"${m}"`).join(',')}]`;
}

/** True when `flag` is set in `flags`. */
export function hasFlag(flags: bigint, flag: bigint): boolean {
  return (flags & flag) === flag;
}
