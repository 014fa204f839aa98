import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** By default a bearer token shorter than this in a token file is treated as damaged and replaced. */
const MIN_TOKEN_LENGTH = 32;

/**
 * Returns the bearer token kept in `file`, generating it (32 random bytes, base64url) when the file is missing or
 * holds no usable token. The file is mode 0600, and one readable by others is tightened rather than trusted as
 * is, since anyone who can read it can drive rollouts (the API) or rewrite routing (the router).
 */
export function loadOrCreateTokenFile(file: string, minLength = MIN_TOKEN_LENGTH): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= minLength) return token;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** Reads a token file without creating one; undefined when there is none. */
export function readTokenFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8').trim();
}
