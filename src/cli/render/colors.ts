import pc from 'picocolors';
import { toneOf, type InfoStatus, type Tone } from '../../info/index.js';

/** Colour functions; identity when colour is off so renderers never branch on it. */
export interface Palette {
  tone(tone: Tone, text: string): string;
  status(status: InfoStatus, text: string): string;
  canary(text: string): string;
  stable(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function palette(enabled: boolean): Palette {
  const c = pc.createColors(enabled);
  const tone = (t: Tone, text: string): string => {
    switch (t) {
      case 'ok':
        return c.green(text);
      case 'progress':
        return c.blueBright(text);
      case 'warn':
        return c.yellow(text);
      case 'bad':
        return c.red(text);
      case 'muted':
        return c.gray(text);
    }
  };
  return {
    tone,
    status: (s, text) => tone(toneOf(s), text),
    canary: (text) => c.yellow(text),
    stable: (text) => c.green(text),
    dim: (text) => c.dim(text),
    bold: (text) => c.bold(text),
  };
}

/**
 * Whether to colour a stream: only a TTY, never with `NO_COLOR` set (any value, https://no-color.org), and
 * `--no-color` wins over both.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}
