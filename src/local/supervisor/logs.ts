import { closeSync, copyFileSync, fstatSync, openSync, readSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** The log file of one container: `<logsDir>/<namespace>_<pod>/<container>.log` (the rotated copy adds `.1`). */
export function containerLogPath(logsDir: string, namespace: string, pod: string, container: string): string {
  return join(podLogDir(logsDir, namespace, pod), `${container}.log`);
}

export function podLogDir(logsDir: string, namespace: string, pod: string): string {
  return join(logsDir, `${namespace}_${pod}`);
}

export function removePodLogs(logsDir: string, namespace: string, pod: string): void {
  rmSync(podLogDir(logsDir, namespace, pod), { recursive: true, force: true });
}

/**
 * Keeps a log under `maxBytes` the way logrotate's copytruncate does: copy to `<file>.1` (replacing the previous
 * copy), then truncate in place. The process keeps its O_APPEND descriptor, so it goes on writing at the new end;
 * lines written between the copy and the truncation are lost, the price of not owning the process's pipe.
 */
export function rotateIfLarge(file: string, maxBytes: number): boolean {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  copyFileSync(file, `${file}.1`);
  truncateSync(file, 0);
  return true;
}

export interface LogStreamOptions {
  follow: boolean;
  /** Only the last N lines of what is there now (then, when following, everything new). */
  tailLines?: number | undefined;
  /** Polled while following: when it returns true the stream ends after a last read. */
  isDone: () => boolean;
  pollMs?: number;
}

/** A byte stream of a log file, optionally following it across appends and truncations (rotation). */
export function logStream(file: string, options: LogStreamOptions): Readable {
  return Readable.from(readLog(file, options), { objectMode: false });
}

async function* readLog(file: string, options: LogStreamOptions): AsyncGenerator<Buffer> {
  // Reading through one descriptor keeps the end of the log readable after the pod is gone and its file removed;
  // copytruncate rotation keeps the inode, and a truncation shows as a size below our position.
  let fd = tryOpen(file);
  const sizeNow = fd === undefined ? 0 : fstatSync(fd).size;
  let position = options.tailLines === undefined || fd === undefined ? 0 : tailOffset(fd, sizeNow, options.tailLines);
  // Without follow, the log as it is now: what the process appends meanwhile is not part of the answer.
  const end = options.follow ? Number.POSITIVE_INFINITY : sizeNow;
  try {
    for (;;) {
      fd ??= tryOpen(file);
      const size = fd === undefined ? 0 : Math.min(end, fstatSync(fd).size);
      if (size < position) position = 0;
      if (fd !== undefined && size > position) {
        const chunk = readRange(fd, position, size);
        position += chunk.length;
        if (chunk.length > 0) yield chunk;
        continue;
      }
      if (!options.follow) return;
      if (options.isDone()) {
        const last = fd === undefined ? Buffer.alloc(0) : readRange(fd, position, fstatSync(fd).size);
        if (last.length > 0) yield last;
        return;
      }
      await sleep(options.pollMs ?? 200);
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tryOpen(file: string): number | undefined {
  try {
    return openSync(file, 'r');
  } catch {
    return undefined;
  }
}

const MAX_CHUNK = 1 << 20;

function readRange(fd: number, start: number, end: number): Buffer {
  const length = Math.min(MAX_CHUNK, end - start);
  if (length <= 0) return Buffer.alloc(0);
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, start);
  return buffer.subarray(0, read);
}

/** The byte offset where the last `lines` lines of the first `size` bytes begin. */
function tailOffset(fd: number, size: number, lines: number): number {
  if (lines <= 0) return size;
  const start = Math.max(0, size - MAX_CHUNK);
  const text = readRange(fd, start, size);
  let seen = 0;
  // A final newline ends the last line rather than starting an empty one.
  for (let i = text.length - 2; i >= 0; i--) {
    if (text[i] !== 0x0a) continue;
    seen++;
    if (seen === lines) return start + i + 1;
  }
  return start;
}
