import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RoutingTable } from './table.js';
import { parseRoutingTable } from './table.js';

/**
 * The router's last routing table on disk, so a restarted router serves at once without the server. Writes are
 * atomic (temp file, fsync, rename): a crash leaves either the old table or the new one, never half of one.
 * Writes are serialised; when several are queued only the latest table is written.
 */
export class TableFile {
  private writing: Promise<void> = Promise.resolve();
  private pending: RoutingTable | undefined;

  constructor(readonly path: string) {}

  /** The stored table; undefined when there is none. A corrupt file is reported through `onError` and ignored. */
  async load(onError: (message: string) => void = () => undefined): Promise<RoutingTable | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return parseRoutingTable(JSON.parse(text));
    } catch (err) {
      onError(`router state file ${this.path} is not a valid routing table (${String(err)}); starting empty.`);
      return undefined;
    }
  }

  /** Persists a table; resolves once it (or a later one) is durably on disk. */
  save(table: RoutingTable): Promise<void> {
    this.pending = table;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        const next = this.pending;
        this.pending = undefined;
        if (next !== undefined) await writeAtomically(this.path, `${JSON.stringify(next)}\n`);
      });
    return this.writing;
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
