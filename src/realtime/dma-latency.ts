/**
 * Holding `/dev/cpu_dma_latency` (the kernel's CPU latency PM QoS interface), as
 * cyclictest does by default: open the device, write the wanted exit latency in µs as a
 * 4-byte native-endian int32, and keep the file open for the whole run. The request lives
 * as long as the file descriptor: closing it (or the process exiting) withdraws it. With
 * 0, idle CPUs stay in shallow C-states / poll instead of halting, so wake-ups skip the
 * hypervisor's halt exit (on a VM, the biggest single knob for wake-up lateness). The cost: idle
 * CPUs spin from the host's point of view.
 *
 * The device is process-agnostic (the descriptor carries the request), so any thread may
 * hold it; `hardtick run` holds it on the main thread. Reading the device returns the
 * *effective* value: the minimum over every open request on the machine.
 *
 * Cold path: synchronous file I/O at setup and at release. Never throws.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { endianness as osEndianness } from 'node:os';

/** The PM QoS device. */
export const CPU_DMA_LATENCY_PATH = '/dev/cpu_dma_latency';

/** A held latency request. */
export interface CpuDmaLatencyHold {
  /** The value requested, µs. */
  readonly valueUs: number;
  /** The device path held open. */
  readonly path: string;
  /** True until {@link CpuDmaLatencyHold.release} is called. */
  readonly held: boolean;
  /** Closes the descriptor, which withdraws the request. Idempotent; never throws. */
  release(): void;
}

/** Outcome of {@link tryHoldCpuDmaLatency}. */
export type CpuDmaLatencyResult =
  | { readonly ok: true; readonly hold: CpuDmaLatencyHold }
  | {
      readonly ok: false;
      /** `unavailable` when the device does not exist here; `refused` when the OS said no. */
      readonly status: 'unavailable' | 'refused';
      readonly reason: string;
    };

/** Options of {@link tryHoldCpuDmaLatency}. */
export interface CpuDmaLatencyOptions {
  /** The device to open (tests inject other paths). @default {@link CPU_DMA_LATENCY_PATH} */
  readonly path?: string;
}

/** The 4 bytes the kernel expects: an s32 in the CPU's byte order. */
export function encodeLatencyUs(valueUs: number): Buffer {
  const buffer = Buffer.alloc(4);
  if (osEndianness() === 'LE') buffer.writeInt32LE(valueUs, 0);
  else buffer.writeInt32BE(valueUs, 0);
  return buffer;
}

/**
 * Opens the device, writes `valueUs` and keeps the descriptor open until `release()`.
 * Never throws: a missing device is `unavailable`, a permission error (it needs root:
 * the device is mode 0600) or a short write is `refused`, with the reason.
 */
export function tryHoldCpuDmaLatency(
  valueUs: number,
  options: CpuDmaLatencyOptions = {},
): CpuDmaLatencyResult {
  const path = options.path ?? CPU_DMA_LATENCY_PATH;
  if (!Number.isInteger(valueUs) || valueUs < 0 || valueUs > 0x7fffffff) {
    return {
      ok: false,
      status: 'refused',
      reason: `expected an integer µs from 0 to 2147483647, got ${valueUs}`,
    };
  }
  if (process.platform !== 'linux') {
    return {
      ok: false,
      status: 'unavailable',
      reason: `${path} is Linux-only (platform ${process.platform})`,
    };
  }
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    const code = errnoCode(error);
    const status = code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO' ? 'unavailable' : 'refused';
    return { ok: false, status, reason: `cannot open ${path}: ${describeError(error)}` };
  }
  try {
    const written = writeSync(fd, encodeLatencyUs(valueUs));
    if (written !== 4) {
      closeQuietly(fd);
      return { ok: false, status: 'refused', reason: `short write to ${path}: ${written} of 4 bytes` };
    }
  } catch (error) {
    closeQuietly(fd);
    return { ok: false, status: 'refused', reason: `cannot write ${path}: ${describeError(error)}` };
  }
  let open = true;
  const hold: CpuDmaLatencyHold = {
    valueUs,
    path,
    get held() {
      return open;
    },
    release() {
      if (!open) return;
      open = false;
      closeQuietly(fd);
    },
  };
  return { ok: true, hold };
}

/**
 * The effective CPU latency limit in µs (the minimum of every open request), read from
 * the device; null when it cannot be read (not root, not Linux). Opening the device adds
 * a "no constraint" request for the moment of the read, which changes nothing.
 */
export function readCpuDmaLatencyUs(path: string = CPU_DMA_LATENCY_PATH): number | null {
  if (process.platform !== 'linux') return null;
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(4);
    if (readSync(fd, buffer, 0, 4, null) !== 4) return null;
    return osEndianness() === 'LE' ? buffer.readInt32LE(0) : buffer.readInt32BE(0);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed: nothing to withdraw
  }
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `EACCES (permission denied)`-style text. */
export function describeError(error: unknown): string {
  const code = errnoCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined) return message;
  const detail = /^[A-Z]+: ([^,]+)/.exec(message)?.[1];
  return detail === undefined ? code : `${code} (${detail})`;
}
