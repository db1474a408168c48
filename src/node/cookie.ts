/**
 * The magic cookie, as kernel's `auth` module finds it (otp-distribution.md §2, "Cookies"): given
 * explicitly, else `$HOME/.erlang.cookie`, else `$XDG_CONFIG_HOME/erlang/.erlang.cookie`, else a
 * new `$HOME/.erlang.cookie` holding 20 random letters A–Z, mode 0400, no newline.
 */
import { randomInt } from 'node:crypto';
import { closeSync, constants, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A cookie file that erl would refuse too, with erl's reason. */
export class CookieError extends Error {
  readonly code = 'ERR_NODERL_COOKIE';
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'CookieError';
  }
}

/** Where the cookie files are, for an environment (`HOME`, `XDG_CONFIG_HOME`). */
export function cookiePaths(env: NodeJS.ProcessEnv = process.env): { home: string; xdg: string } {
  const home = env.HOME ?? homedir();
  const xdgBase = env.XDG_CONFIG_HOME ?? join(home, '.config');
  return { home: join(home, '.erlang.cookie'), xdg: join(xdgBase, 'erlang', '.erlang.cookie') };
}

/** Checks a cookie's text as `auth` does: printable ASCII, nothing but line ends and spaces after a line end. */
export function parseCookie(text: string, path?: string): string {
  const end = text.search(/[\r\n]/);
  const cookie = end < 0 ? text : text.slice(0, end);
  if (end >= 0 && !/^[\r\n ]*$/.test(text.slice(end))) throw new CookieError(`Bad characters in cookie${path ? ` file ${path}` : ''}`, path);
  if (!/^[\x20-\x7e]*$/.test(cookie)) throw new CookieError(`Bad characters in cookie${path ? ` file ${path}` : ''}`, path);
  if (cookie.length === 0) throw new CookieError(`Too short cookie string${path ? ` in ${path}` : ''}`, path);
  return cookie;
}

function readCookieFile(path: string): string | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (!stat.isFile() || (stat.mode & 0o077) !== 0) throw new CookieError(`Cookie file ${path} must be accessible by owner only`, path);
  return parseCookie(readFileSync(path, 'latin1'), path);
}

/** 20 random uppercase letters, as `auth:make_cookie/0` writes. */
export function randomCookie(): string {
  let s = '';
  for (let i = 0; i < 20; i++) s += String.fromCharCode(65 + randomInt(26));
  return s;
}

/**
 * The node's cookie: `given` when set, else the cookie file's, else a new cookie file (created
 * exclusively with mode 0400, so two nodes starting at once agree on one cookie).
 */
export function resolveCookie(given?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (given !== undefined) return parseCookie(given);
  const { home, xdg } = cookiePaths(env);
  const found = readCookieFile(home) ?? readCookieFile(xdg);
  if (found !== undefined) return found;
  const cookie = randomCookie();
  let fd: number;
  try {
    fd = openSync(home, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o400);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readCookieFile(home)!;
    throw new CookieError(`Failed to create cookie file ${home}: ${(err as Error).message}`, home);
  }
  try {
    writeSync(fd, cookie);
  } finally {
    closeSync(fd);
  }
  return cookie;
}
