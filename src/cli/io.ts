/** Where CLI commands write; tests pass a capturing implementation. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (enables live status lines and colours). */
  readonly isTty: boolean;
}

/** Set once a write to the stream failed (the reader went away): later writes are dropped. */
const closed = { stdout: false, stderr: false };
let guarded = false;

/**
 * A reader that goes away (`hardtick plan --json | head -c 100`) makes the next write fail
 * with EPIPE, which Node raises as an uncaught 'error' event: a stack trace and exit 1.
 * The output is simply no longer wanted, so the command carries on (a run still writes its
 * report) and later writes are dropped. Any other write error is said once on stderr.
 */
function guardStreams(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    const quiet = error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
    if (!quiet && !closed.stdout && !closed.stderr) {
      process.stderr.write(`hardtick: cannot write to standard output: ${error.message}\n`);
    }
    closed.stdout = true;
  });
  process.stderr.on('error', () => {
    closed.stderr = true;
  });
}

/** The process's stdout/stderr; a closed pipe on either is ignored (see `guardStreams`). */
export function processIo(): CliIo {
  guardStreams();
  return {
    out: (text) => {
      if (!closed.stdout) process.stdout.write(text);
    },
    err: (text) => {
      if (!closed.stderr) process.stderr.write(text);
    },
    isTty: process.stdout.isTTY === true,
  };
}

/** An in-memory `CliIo` for tests: everything written is kept in `stdout`/`stderr`. */
export function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTty: false,
    out(text: string) {
      io.stdout += text;
    },
    err(text: string) {
      io.stderr += text;
    },
  };
  return io;
}
