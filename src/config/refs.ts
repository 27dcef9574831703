/**
 * Where a config's module references may point. A config is code: each `path#export` it
 * names (task `run`, `overrun.degraded`, `overrun.safeState`, `watchdog.failSafe`) is
 * imported and run with the user's rights. So a reference must be a module file inside
 * the config's project (the nearest folder with a package.json, else the config's own
 * folder) unless the user opts in; URLs other than local `file:` URLs, Node built-ins and
 * package names are refused with their own message. Decided at config validation, before
 * anything is imported.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What {@link resolveModulePath} needs to decide. */
export interface ModuleTrust {
  /** Folder relative paths are resolved against (the config's folder), absolute. */
  readonly baseDir: string;
  /** The project folder references must stay inside (see {@link projectDirOf}). */
  readonly projectDir: string;
  /** References may point outside `projectDir`. */
  readonly allowOutsideProject: boolean;
}

/** Outcome of {@link resolveModulePath}: the absolute module file, or why not. */
export type ModulePathResult =
  | { readonly ok: true; readonly file: string }
  | { readonly ok: false; readonly message: string };

/** How the opt-in is spelled, for messages and docs. */
export const OUTSIDE_PROJECT_OPT_IN =
  'pass --allow-outside-project (library: allowOutsideProject: true) or set "allowOutsideProject": true in the config';

/** The nearest folder from `baseDir` upwards that holds a package.json, else `baseDir`. */
export function projectDirOf(baseDir: string): string {
  const start = resolve(baseDir);
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

const TAIL = 'a task module must be a file inside the project, named by a path relative to the config file';

/**
 * Resolves the module path of a reference (`path` is the part before `#`) to an absolute
 * file, applying the rules in the module comment. Never throws.
 */
export function resolveModulePath(path: string, trust: ModuleTrust): ModulePathResult {
  const shown = JSON.stringify(path);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):/.exec(path)?.[1]?.toLowerCase();
  let file: string;
  if (scheme === 'file') {
    let url: URL;
    try {
      url = new URL(path);
    } catch {
      return fail(`${shown} is not a usable file URL (it does not parse as a URL)`);
    }
    if (url.host !== '' && url.host !== 'localhost') {
      return fail(
        `${shown} is not a local file URL (it names the host ${JSON.stringify(url.host)}); write a path relative to the config file, like "./tasks.mjs"`,
      );
    }
    try {
      file = fileURLToPath(url);
    } catch (error) {
      return fail(
        `${shown} is not a usable file URL (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  } else if (scheme === 'node') {
    return fail(`${shown} is a Node.js built-in module; ${TAIL}`);
  } else if (scheme !== undefined) {
    return fail(`${shown} is a ${scheme}: URL; ${TAIL}`);
  } else if (looksLikePackage(path)) {
    return fail(
      `${shown} looks like a package name; hardtick does not resolve packages: name a module file by its path relative to the config file, like "./tasks.mjs"`,
    );
  } else {
    file = isAbsolute(path) ? resolve(path) : resolve(trust.baseDir, path);
  }
  if (trust.allowOutsideProject || isInside(realPath(file), realPath(trust.projectDir))) {
    return { ok: true, file };
  }
  return fail(
    `${shown} resolves outside the config's project: ${file} is not inside ${trust.projectDir}; a config is code, so its modules must come from its project: to run modules from elsewhere, ${OUTSIDE_PROJECT_OPT_IN}`,
  );
}

/** `lodash`, `@scope/pkg`: no path separator and no file extension, or a scope. */
function looksLikePackage(path: string): boolean {
  if (path.startsWith('.') || isAbsolute(path)) return false;
  if (path.startsWith('@')) return true;
  return !path.includes('/') && !path.includes('\\') && extname(path) === '';
}

/** `path` with symbolic links resolved as far as it exists (the rest appended as written). */
function realPath(path: string): string {
  let rest = '';
  for (let dir = path; ; dir = dirname(dir)) {
    try {
      const real = realpathSync.native(dir);
      return rest === '' ? real : join(real, rest);
    } catch {
      if (dirname(dir) === dir) return path;
      rest = rest === '' ? basename(dir) : join(basename(dir), rest);
    }
  }
}

function isInside(file: string, dir: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function fail(message: string): ModulePathResult {
  return { ok: false, message };
}
