/**
 * JSON parsing with positions: when `JSON.parse` fails, find where (line and column), since
 * V8 does not always say (`Unexpected token '}', "..." is not valid JSON` has no position).
 */

/** Where and why JSON text is invalid. */
export interface JsonSyntaxProblem {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column (in UTF-16 code units). */
  readonly column: number;
  /** V8's description, without its position suffix or quoted excerpt. */
  readonly reason: string;
}

/** Result of {@link parseJsonText}. */
export type JsonParseResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: JsonSyntaxProblem };

/** Parses JSON text (a leading byte-order mark is ignored); on failure reports line and column. */
export function parseJsonText(text: string): JsonParseResult {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(source) as unknown };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const offset = findSyntaxErrorOffset(source) ?? positionFromMessage(raw) ?? source.length;
    return { ok: false, problem: { ...lineAndColumn(source, offset), reason: cleanReason(raw) } };
  }
}

/** 1-based line and column of a UTF-16 offset (LF, CRLF and CR all end a line). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function cleanReason(message: string): string {
  return message
    .replace(/, "[\s\S]*" is not valid JSON$/, '')
    .replace(/ (in JSON )?at position \d+( \(line \d+ column \d+\))?$/, '')
    .trim();
}

function positionFromMessage(message: string): number | undefined {
  const match = /at position (\d+)/.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Offset of the first character that makes `text` invalid JSON (RFC 8259), or undefined
 * if it is valid. A small checker, used only after `JSON.parse` failed. Iterative, with
 * its own stack of open containers, so no nesting depth can overflow the call stack.
 */
export function findSyntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text.charAt(i + 1);
        if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else {
          i++;
          return false;
        }
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    JSON_NUMBER.lastIndex = i;
    const match = JSON_NUMBER.exec(text);
    if (match === null) {
      if (text.charAt(i) === '-') i++;
      return false;
    }
    i += match[0].length;
    return true;
  };
  /** A scalar at `i` (string, number, literal); false with `i` at the offending character. */
  const scalar = (): boolean => {
    const c = text.charAt(i);
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return true;
      }
    }
    // Point at the first wrong letter of a misspelt literal (`tru}` → the `}`).
    for (const literal of ['true', 'false', 'null']) {
      if (c !== '' && literal.startsWith(c)) {
        let k = 0;
        while (k < literal.length && text.charAt(i + k) === literal.charAt(k)) k++;
        i += k;
        return false;
      }
    }
    return false;
  };
  // Open containers, innermost last: true for an object, false for an array.
  const open: boolean[] = [];
  let state: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipSpace();
    if (state === 'key') {
      if (text.charAt(i) !== '"' || !string()) return i;
      skipSpace();
      if (text.charAt(i) !== ':') return i;
      i++;
      state = 'value';
      continue;
    }
    if (state === 'value') {
      const c = text.charAt(i);
      if (c === '{' || c === '[') {
        i++;
        skipSpace();
        if (text.charAt(i) === (c === '{' ? '}' : ']')) {
          i++;
          state = 'after';
        } else {
          open.push(c === '{');
          state = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      if (!scalar()) return i;
      state = 'after';
      continue;
    }
    // After a complete value: close containers, or go on to the next member.
    if (open.length === 0) return i < text.length ? i : undefined;
    const inObject = open[open.length - 1]!;
    const c = text.charAt(i);
    if (c === ',') {
      i++;
      state = inObject ? 'key' : 'value';
    } else if (c === (inObject ? '}' : ']')) {
      i++;
      open.pop();
    } else return i;
  }
}

const JSON_NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
