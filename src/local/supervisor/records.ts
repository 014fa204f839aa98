import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What survives a server restart about one pod: written when a process starts, removed when the pod is gone.
 * A re-started supervisor reads these to re-adopt processes instead of starting new ones.
 */
export interface PodRecord {
  version: 1;
  namespace: string;
  name: string;
  uid: string;
  podIP: string;
  terminationGracePeriodSeconds: number;
  containers: Record<string, ContainerRecord>;
}

export interface ContainerRecord {
  pid: number;
  pgid: number;
  /** Kernel start time of the process (see `processStartTime`). */
  startTime: string;
  /** When the process started, RFC 3339. */
  startedAt: string;
  command: string[];
  restartCount: number;
}

export class PodRecords {
  constructor(private readonly dir: string) {}

  readAll(): PodRecord[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const records: PodRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      try {
        const record = JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as Partial<PodRecord>;
        if (record.version === 1 && typeof record.uid === 'string') records.push(record as PodRecord);
      } catch {
        // A torn or foreign file: ignore it, the pod is started afresh.
      }
    }
    return records;
  }

  /** Atomic write (temp file + rename), so a crash never leaves half a record. */
  write(record: PodRecord): void {
    mkdirSync(this.dir, { recursive: true });
    const file = this.fileOf(record.namespace, record.name, record.uid);
    writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2));
    renameSync(`${file}.tmp`, file);
  }

  remove(namespace: string, name: string, uid: string): void {
    rmSync(this.fileOf(namespace, name, uid), { force: true });
  }

  private fileOf(namespace: string, name: string, uid: string): string {
    // Kubernetes names never contain '_', so the triple maps to one file name; the uid keeps a re-created pod of
    // the same name apart from the old one still stopping.
    return join(this.dir, `${namespace}_${name}_${uid.replace(/[^A-Za-z0-9-]/g, '')}.json`);
  }
}
