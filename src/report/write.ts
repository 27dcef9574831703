/**
 * Writing a report (or any output file a command produces) safely: never over one of
 * the files the command reads (its input report, baseline, rules, config), never half
 * written (a temporary file beside the target, then an atomic rename), and never a
 * runaway mkdir (parents are created one plain `mkdir` at a time, a few levels at most;
 * Node 20's recursive mkdir spins forever under /proc). Cold path.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  realpathSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HardtickError } from '../errors.js';

/** A file the write must not replace, and what it is (for the message). */
export interface ProtectedFile {
  readonly path: string;
  /** What the file is, e.g. `the run report being read`. */
  readonly role: string;
}

/** Options of {@link writeReportFile}. */
export interface WriteReportOptions {
  /** Files the target must not be (compared after symbolic links, and by inode). @default none */
  readonly refuse?: readonly ProtectedFile[];
  /** Create missing parent folders, at most {@link MAX_CREATED_FOLDERS} levels. @default false */
  readonly createParents?: boolean;
}

/** Most missing parent folders {@link writeReportFile} creates. */
export const MAX_CREATED_FOLDERS = 8;

/**
 * Writes `text` to `path`: through a temporary file in the same folder, flushed to disk,
 * then renamed over the target (readers see the old file or the new one, never a part).
 * A target that is a symbolic link is written through (the link stays). An existing
 * target keeps its permission bits.
 * @throws HardtickError `output_unwritable`: `cannot write <path>: <why>` (one of the
 *   protected files, a directory, a missing or unusable parent folder, an OS error).
 */
export function writeReportFile(path: string, text: string, options: WriteReportOptions = {}): void {
  const fail = failWith(path);
  const { existing, target } = targetOf(path, options, fail);
  const temp = tempBeside(target);
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o666);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    if (existing !== null) chmodSync(temp, existing.mode & 0o7777);
    renameSync(temp, target);
  } catch (error) {
    if (fd !== null) closeQuietly(fd);
    unlinkQuietly(temp);
    fail(osMessage(error), error);
  }
}

/**
 * Checks now, before a long command, that {@link writeReportFile} will be able to write
 * `path` with the same options: not a protected file, not a folder, its folder there
 * (created with `createParents`, as many levels as writeReportFile would) and writable
 * (a temporary file is created in it and removed).
 * @throws HardtickError `output_unwritable` with the message writeReportFile would give.
 */
export function checkOutputFile(path: string, options: WriteReportOptions = {}): void {
  const fail = failWith(path);
  const { target } = targetOf(path, options, fail);
  const temp = tempBeside(target);
  try {
    closeSync(openSync(temp, 'wx', 0o666));
  } catch (error) {
    fail(osMessage(error), error);
  }
  unlinkQuietly(temp);
}

function failWith(path: string): (why: string, cause?: unknown) => never {
  return (why, cause) => {
    throw new HardtickError('output_unwritable', `cannot write ${path}: ${why}`, {
      file: path,
      ...(cause === undefined ? {} : { cause }),
    });
  };
}

/** The checks both share: the existing file, the real target and its folder (made when asked). */
function targetOf(
  path: string,
  options: WriteReportOptions,
  fail: (why: string) => never,
): { existing: Stats | null; target: string } {
  const existing = statOrNull(path);
  if (existing?.isDirectory() === true) fail('it is a directory');
  for (const file of options.refuse ?? []) {
    if (sameFile(path, existing, file.path)) {
      fail(`${file.path} is ${file.role}; refusing to overwrite it (write the output to another file)`);
    }
  }
  const target = existing === null ? resolve(path) : realpathSync(path);
  const folder = dirname(target);
  ensureFolder(folder, options.createParents === true, fail);
  return { existing, target };
}

function tempBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function ensureFolder(folder: string, createParents: boolean, fail: (why: string) => never): void {
  const missing: string[] = [];
  let dir = folder;
  for (;;) {
    const stats = statOrNull(dir);
    if (stats !== null) {
      if (!stats.isDirectory()) fail(`${dir} is not a folder`);
      break;
    }
    missing.push(dir);
    if (!createParents) fail(`the folder ${folder} does not exist`);
    if (missing.length > MAX_CREATED_FOLDERS) {
      fail(`more than ${MAX_CREATED_FOLDERS} missing folders above it; create ${folder} first`);
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        fail(`cannot create the folder ${d} (${osMessage(error)})`);
      }
    }
  }
}

/** Whether `path` names the same file as `other` (same real path, or same device and inode). */
function sameFile(path: string, stats: Stats | null, other: string): boolean {
  if (resolve(path) === resolve(other)) return true;
  const otherStats = statOrNull(other);
  if (stats === null || otherStats === null) return false;
  return stats.dev === otherStats.dev && stats.ino === otherStats.ino;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function osMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {}
}
