import { KanaryError } from '../../../common/index.js';

export interface SseMessage {
  event: string;
  data: string;
  id: string | undefined;
}

/**
 * Reads a server-sent event stream with fetch until `signal` aborts or the server ends it. Resolves when the
 * stream ends; rejects when the server cannot be reached or answers with an error status.
 */
export async function readSse(url: string, onMessage: (m: SseMessage) => void, signal: AbortSignal): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal });
  } catch (err) {
    if (signal.aborted) return;
    throw new KanaryError('PROVIDER_UNAVAILABLE', `cannot open the event stream ${url}: ${(err as Error).message}`);
  }
  if (!res.ok || res.body === null) {
    throw new KanaryError('PROVIDER_UNAVAILABLE', `the event stream ${url} answered HTTP ${res.status}`);
  }
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parseBlock(block);
        if (message !== undefined) onMessage(message);
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/** One event block (`event:`, `data:`, `id:` lines); undefined for comments and empty blocks. */
export function parseBlock(block: string): SseMessage | undefined {
  let event = 'message';
  const data: string[] = [];
  let id: string | undefined;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return undefined;
  return { event, data: data.join('\n'), id };
}
