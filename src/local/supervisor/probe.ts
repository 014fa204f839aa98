import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ContainerPort, Probe } from './pod-types.js';

/** Where and how a probe runs: the pod's address, the container's ports (for named ports) and its environment. */
export interface ProbeTarget {
  podIP: string;
  ports: readonly ContainerPort[];
  env: Readonly<Record<string, string>>;
  cwd: string | undefined;
}

export interface ProbeResult {
  ok: boolean;
  message?: string;
}

/** The probe a container gets without a readinessProbe: its first declared port accepting TCP connections. */
export function implicitProbe(ports: readonly ContainerPort[] | undefined): Probe | undefined {
  const first = ports?.[0];
  return first === undefined ? undefined : { tcpSocket: { port: first.containerPort } };
}

/** Runs one probe once, as kubelet does: HTTP 200-399, a TCP connect, or an exec exiting 0, within the timeout. */
export function runProbe(probe: Probe, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  if (probe.httpGet !== undefined) return httpProbe(probe.httpGet, target, timeoutMs);
  if (probe.tcpSocket !== undefined) return tcpProbe(probe.tcpSocket, target, timeoutMs);
  if (probe.exec !== undefined) return execProbe(probe.exec.command ?? [], target, timeoutMs);
  return Promise.resolve({ ok: false, message: 'probe has no httpGet, tcpSocket or exec handler' });
}

function portOf(port: number | string, target: ProbeTarget): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return target.ports.find((p) => p.name === port)?.containerPort;
}

function httpProbe(get: NonNullable<Probe['httpGet']>, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = portOf(get.port, target);
  if (port === undefined) return Promise.resolve({ ok: false, message: `no container port named "${get.port}"` });
  const request = get.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { 'user-agent': 'kube-probe/kanary' };
  for (const header of get.httpHeaders ?? []) headers[header.name] = header.value;
  return new Promise((resolve) => {
    const req = request(
      {
        host: get.host ?? target.podIP,
        port,
        path: get.path ?? '/',
        method: 'GET',
        headers,
        agent: false,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        req.destroy();
        const ok = status >= 200 && status < 400;
        resolve(ok ? { ok } : { ok, message: `HTTP probe failed with statuscode: ${status}` });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `HTTP probe timed out after ${timeoutMs}ms` });
    });
    req.on('error', (err) => resolve({ ok: false, message: `HTTP probe failed: ${err.message}` }));
    req.end();
  });
}

function tcpProbe(tcp: NonNullable<Probe['tcpSocket']>, target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = portOf(tcp.port, target);
  if (port === undefined) return Promise.resolve({ ok: false, message: `no container port named "${tcp.port}"` });
  const host = tcp.host ?? target.podIP;
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.on('connect', () => {
      socket.destroy();
      resolve({ ok: true });
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    });
    socket.on('error', (err) => resolve({ ok: false, message: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}

function execProbe(command: string[], target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.resolve({ ok: false, message: 'exec probe has an empty command' });
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: target.env, cwd: target.cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 },
      (err, stdout, stderr) => {
        if (err === null) return resolve({ ok: true });
        const output = `${stdout}${stderr}`.trim().slice(0, 200);
        resolve({ ok: false, message: `exec probe failed: ${err.message}${output === '' ? '' : `: ${output}`}` });
      },
    );
  });
}
