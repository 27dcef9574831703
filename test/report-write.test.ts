/**
 * `writeReportFile`: the one way a command writes an output file. It refuses the files
 * the command reads (by path, through a symbolic link, by hard link), writes through a
 * temporary file and a rename (no partial file, no temporary left behind), keeps an
 * existing file's mode, and creates parents only when asked, one plain mkdir at a time
 * (a path under /proc fails at once instead of spinning).
 */
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HardtickError } from '../src/errors.js';
import { writeReportFile } from '../src/report/write.js';

const dir = mkdtempSync(join(tmpdir(), 'hardtick-write-'));

function refusal(path: string, text: string, options: Parameters<typeof writeReportFile>[2] = {}): string {
  try {
    writeReportFile(path, text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('output_unwritable');
    return (error as Error).message;
  }
  throw new Error('expected the write to be refused');
}

describe('writeReportFile', () => {
  it('writes a new file and replaces an old one whole, leaving no temporary file', () => {
    const file = join(dir, 'out.md');
    writeReportFile(file, 'first\n');
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    chmodSync(file, 0o640);
    writeReportFile(file, 'second\n');
    expect(readFileSync(file, 'utf8')).toBe('second\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a protected file by path, through a symbolic link, and by hard link; the file is untouched', () => {
    const input = join(dir, 'run.json');
    writeFileSync(input, '{"keep":true}');
    symlinkSync(input, join(dir, 'link.json'));
    linkSync(input, join(dir, 'hard.json'));
    const refuse = [{ path: input, role: 'the run report being read' }];
    const why = `${input} is the run report being read; refusing to overwrite it (write the output to another file)`;
    expect(refusal(input, 'x', { refuse })).toBe(`cannot write ${input}: ${why}`);
    expect(refusal(join(dir, '.', 'run.json'), 'x', { refuse })).toBe(
      `cannot write ${join(dir, 'run.json')}: ${why}`,
    );
    expect(refusal(join(dir, 'link.json'), 'x', { refuse })).toBe(
      `cannot write ${join(dir, 'link.json')}: ${why}`,
    );
    expect(refusal(join(dir, 'hard.json'), 'x', { refuse })).toBe(
      `cannot write ${join(dir, 'hard.json')}: ${why}`,
    );
    expect(readFileSync(input, 'utf8')).toBe('{"keep":true}');
  });

  it('writes through a symbolic link to another file, keeping the link', () => {
    const target = join(dir, 'target.md');
    writeFileSync(target, 'old');
    symlinkSync(target, join(dir, 'via-link.md'));
    writeReportFile(join(dir, 'via-link.md'), 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('refuses a directory and a missing folder unless told to create it', () => {
    expect(refusal(dir, 'x')).toBe(`cannot write ${dir}: it is a directory`);
    const deep = join(dir, 'a', 'b', 'out.md');
    expect(refusal(deep, 'x')).toBe(`cannot write ${deep}: the folder ${join(dir, 'a', 'b')} does not exist`);
    writeReportFile(deep, 'made', { createParents: true });
    expect(readFileSync(deep, 'utf8')).toBe('made');
  });

  it('creates at most 8 missing folders, and fails at once under /proc', () => {
    const folder = join(dir, 'deep', ...'abcdefgh'.split(''));
    const tooDeep = join(folder, 'out.md');
    expect(refusal(tooDeep, 'x', { createParents: true })).toBe(
      `cannot write ${tooDeep}: more than 8 missing folders above it; create ${folder} first`,
    );
    expect(existsSync(join(dir, 'deep'))).toBe(false);
    const started = performance.now();
    expect(refusal('/proc/x/y.json', 'x', { createParents: true })).toMatch(
      /^cannot write \/proc\/x\/y\.json: cannot create the folder \/proc\/x \(E[A-Z]+: /,
    );
    expect(refusal('/proc/x/y.json', 'x')).toBe(
      'cannot write /proc/x/y.json: the folder /proc/x does not exist',
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a parent that is a file', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    expect(refusal(join(file, 'out.md'), 'x', { createParents: true })).toBe(
      `cannot write ${join(file, 'out.md')}: ${file} is not a folder`,
    );
  });
});
