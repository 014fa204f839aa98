import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The entry point, for tests and for callers that spawn the app as a real process. */
export const SAMPLE_APP_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

export interface SpawnedSampleApp {
  readonly process: ChildProcess;
  /** e.g. http://127.0.0.1:40123 */
  readonly baseUrl: string;
  readonly metricsUrl: string | undefined;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the sample app as a real process bound to 127.0.0.1 on free ports (unless env says otherwise) and
 * resolves once it has printed its listening line.
 */
export function spawnSampleApp(env: Record<string, string>, timeoutMs = 15_000): Promise<SpawnedSampleApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', SAMPLE_APP_MAIN], {
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sample app did not start within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /http=(\S+) metrics=(\S+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      const metrics = m[2] ?? 'off';
      resolve({
        process: child,
        baseUrl: `http://${m[1] ?? ''}`,
        metricsUrl: metrics === 'off' ? undefined : `http://${metrics}`,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sample app exited with ${code} before listening; stderr: ${err}`));
    });
  });
}
