import { timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KanaryError } from '../common/index.js';
import { loadOrCreateTokenFile, readTokenFile } from '../common/node/index.js';

/** The file, inside the state dir, that holds the API's bearer token. Mode 0600: only its owner may read it. */
export const TOKEN_FILE = 'token';

/** Returns the state dir's token, generating it at first start (see `loadOrCreateTokenFile`). */
export function loadOrCreateToken(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  return loadOrCreateTokenFile(join(stateDir, TOKEN_FILE));
}

/** Reads the token of a state dir without creating one (for the CLI). */
export function readToken(stateDir: string): string | undefined {
  return readTokenFile(join(stateDir, TOKEN_FILE));
}

/** Constant-time comparison of an `Authorization` header with the expected bearer token. */
export function checkBearer(header: string | undefined, token: string): void {
  const given = header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length).trim() : '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new KanaryError(
      'UNAUTHORIZED',
      given === ''
        ? 'this call changes state and needs the bearer token: run the CLI on the server machine (it reads the state dir) or set KANARY_TOKEN'
        : "the bearer token does not match the server's: check KANARY_TOKEN or the state dir the CLI uses",
    );
  }
}
