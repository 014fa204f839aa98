/**
 * Every failure of the condition language is an ExprError: a syntax error, a compile-time type error, a runtime
 * error, or a construct this implementation does not support. The public API returns it as a value; it is only
 * thrown internally and caught at the API boundary.
 *
 * `message` is the bare expr-lang message (what Argo shows after `could not evaluate ...: `). The position is
 * where in the expression text the problem is: `offset` counts UTF-16 code units from 0, `line` and `column`
 * count from 1.
 */
export type ExprErrorKind = 'syntax' | 'type' | 'runtime' | 'unsupported' | 'internal';

export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export class ExprError extends Error implements SourcePosition {
  override readonly name = 'ExprError';
  readonly offset: number;
  readonly line: number;
  readonly column: number;

  constructor(
    readonly kind: ExprErrorKind,
    message: string,
    position: SourcePosition,
  ) {
    super(message);
    this.offset = position.offset;
    this.line = position.line;
    this.column = position.column;
  }

  /** The message with its place, for people: `unknown name foo (1:5)`. */
  describe(): string {
    return `${this.message} (${this.line}:${this.column})`;
  }
}

export function isExprError(x: unknown): x is ExprError {
  return x instanceof ExprError;
}

/** Line and column (both from 1) of a UTF-16 offset within `source`. */
export function positionOf(source: string, offset: number): SourcePosition {
  const clamped = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: clamped, line, column: clamped - lineStart + 1 };
}

/** Raised inside the lexer, parser, checker and evaluator; carries an offset that is resolved at the boundary. */
export class PendingError extends Error {
  constructor(
    readonly kind: ExprErrorKind,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function fail(kind: ExprErrorKind, message: string, offset: number): never {
  throw new PendingError(kind, message, offset);
}

/** Turns anything thrown inside the engine into an ExprError; a non-engine exception is an internal error. */
export function toExprError(source: string, err: unknown): ExprError {
  if (err instanceof ExprError) return err;
  if (err instanceof PendingError) return new ExprError(err.kind, err.message, positionOf(source, err.offset));
  const message = err instanceof Error ? err.message : String(err);
  return new ExprError('internal', `internal error: ${message}`, positionOf(source, 0));
}
