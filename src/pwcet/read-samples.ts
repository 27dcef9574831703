/**
 * Reads execution-time samples: one value in ns per line, in time order, an optional
 * header line first (any non-numeric first line), blank lines ignored, `\r\n` accepted.
 * Streaming (64 KiB chunks into a growing Float64Array): a million lines take well under
 * a second and about 8 MB. Every problem names the line: a non-numeric line, a negative
 * or non-finite value. Cold path.
 */
import { createReadStream } from 'node:fs';
import { HardtickError } from '../errors.js';

/** A plain decimal or scientific number, optional leading `+` (no sign: negatives are checked apart). */
const NUMBER = /^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NEGATIVE = /^-(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Incremental line parser behind {@link readSamplesFile} (feed text, then `finish`). */
export class SamplesParser {
  private values = new Float64Array(4096);
  private n = 0;
  private line = 0;
  private rest = '';
  private seenContent = false;
  /** The header line, when the first non-blank line was not a number. */
  header: string | null = null;

  /** @param source name used in error messages (a file path, `stdin`). */
  constructor(private readonly source: string) {}

  /** Parses `text` (any chunking; a line may span chunks). */
  push(text: string): void {
    const all = this.rest + text;
    let start = 0;
    for (;;) {
      const nl = all.indexOf('\n', start);
      if (nl < 0) break;
      this.parseLine(all.slice(start, nl));
      start = nl + 1;
    }
    this.rest = all.slice(start);
  }

  /** Parses the last line and returns the values (a view of exactly n values). */
  finish(): Float64Array {
    if (this.rest.length > 0) this.parseLine(this.rest);
    this.rest = '';
    if (this.n === 0) {
      throw new HardtickError(
        'samples_invalid',
        `${this.source}: no samples (expected one execution time in ns per line${this.header === null ? '' : ' after the header'})`,
        { file: this.source },
      );
    }
    return this.values.subarray(0, this.n);
  }

  private parseLine(raw: string): void {
    this.line++;
    const text = raw.trim();
    if (text.length === 0) return;
    const negative = NEGATIVE.test(text);
    if (negative && Number(text) !== 0) this.fail(`${text} is negative (an execution time is >= 0 ns)`);
    if (negative || NUMBER.test(text)) {
      const v = Math.abs(Number(text)); // -0 is 0
      if (!Number.isFinite(v)) this.fail(`${JSON.stringify(text)} is not a finite number`);
      if (this.n === this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.values[this.n++] = v;
      this.seenContent = true;
      return;
    }
    if (!this.seenContent) {
      this.seenContent = true;
      this.header = text;
      return;
    }
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    this.fail(`${JSON.stringify(shown)} is not a number (expected one execution time in ns per line)`);
  }

  private fail(what: string): never {
    throw new HardtickError('samples_invalid', `${this.source}:${this.line}: ${what}`, { file: this.source });
  }
}

/** Reads a samples file (see the module note). Throws `samples_unreadable` / `samples_invalid`. */
export async function readSamplesFile(
  file: string,
): Promise<{ values: Float64Array; header: string | null }> {
  const parser = new SamplesParser(file);
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
      parser.push(chunk as string);
    }
  } catch (error) {
    if (error instanceof HardtickError) throw error;
    throw new HardtickError('samples_unreadable', `cannot read ${file}: ${(error as Error).message}`, {
      file,
      cause: error,
    });
  }
  return { values: parser.finish(), header: parser.header };
}
