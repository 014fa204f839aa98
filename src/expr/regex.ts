import { fail, type ExprErrorKind } from './errors.js';

/**
 * `matches` uses Go's RE2. JavaScript regular expressions accept a superset of RE2's common syntax, so a pattern
 * is translated where the spelling differs (`(?P<name>`, leading `(?i)` flags, `\A`, `\z`) and rejected where
 * RE2 has no equivalent (look-around, back-references), with RE2's message.
 */
const cache = new Map<string, RegExp>();

/** Compiles an RE2 pattern; a bad one fails with `kind` ('type' when the checker sees a constant pattern). */
export function compileRegex(pattern: string, offset: number, kind: ExprErrorKind = 'type'): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const re = translate(pattern, offset, kind);
  if (cache.size > 256) cache.clear();
  cache.set(pattern, re);
  return re;
}

function translate(pattern: string, offset: number, kind: ExprErrorKind): RegExp {
  const perl = /\(\?<?[=!]/.exec(pattern);
  if (perl) {
    fail(kind, `error parsing regexp: invalid or unsupported Perl syntax: \`${perl[0]}\``, offset);
  }
  const backref = /(?<!\\)(?:\\\\)*\\([1-9]|k<)/.exec(pattern);
  if (backref) fail(kind, `error parsing regexp: invalid escape sequence: \`\\${backref[1] ?? ''}\``, offset);
  let flags = 'u';
  let body = pattern;
  const leading = /^\(\?([imsU]+)\)/.exec(body);
  if (leading) {
    const requested = leading[1] ?? '';
    if (requested.includes('U')) fail('unsupported', 'the regexp flag U (ungreedy) is not supported', offset);
    flags += requested;
    body = body.slice(leading[0].length);
  }
  if (/\(\?[a-zA-Z-]*[:)]/.test(body)) {
    fail('unsupported', 'inline regexp flags are only supported at the start of the pattern', offset);
  }
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$');
  try {
    return new RegExp(body, flags);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return fail(kind, `error parsing regexp: ${reason}`, offset);
  }
}
