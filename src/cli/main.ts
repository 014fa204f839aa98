import { buildProgram } from './program.js';
import { exitCodeOf, toKanaryError } from '../common/index.js';

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (err) {
  const e = toKanaryError(err);
  process.stderr.write(`error: ${e.message}\n`);
  process.exitCode = exitCodeOf(e.code);
}
