/**
 * What a run report records about the machine and process, so two reports can be
 * compared knowing what differed. Cold path; reads a few `/proc` files synchronously
 * (no child processes).
 */
import { readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { readCpuDmaLatencyUs } from '../realtime/dma-latency.js';
import { packageVersion } from '../version.js';
import type { DoctorReport } from './doctor-report.js';

/** The machine and process a run happened on (`environment` in `hardtick.run/v1`). */
export interface RunEnvironment {
  /** hardtick's package version. */
  readonly hardtick: string;
  /** Thread the real-time loop ran on (`hardtick run --thread`); absent outside `run`. */
  readonly thread?: 'worker' | 'main';
  /** `process.version`, e.g. `v20.20.2`. */
  readonly node: string;
  /** V8 version. */
  readonly v8: string;
  /** `process.platform`, e.g. `linux`. */
  readonly platform: string;
  /** `process.arch`, e.g. `x64`. */
  readonly arch: string;
  /** Kernel release (`os.release()`), e.g. `6.18.0`. */
  readonly kernel: string;
  /**
   * Extra: kernel build string (`uname -v`, `os.version()`), e.g.
   * `#1 SMP PREEMPT_DYNAMIC …`; `realtime.preemption` says what it means.
   */
  readonly kernelVersion: string;
  /** Logical CPUs, the first one's model name and its frequency scaling. */
  readonly cpus: CpuEnvironment;
  /** Clock backend (`Clock.kind`), e.g. `performance.now`. */
  readonly clock: string;
  /** Waiter backend (`Waiter.kind`), e.g. `hybrid`. */
  readonly waiter: string;
  /** The waiter's spin margin in ns, when it has one. */
  readonly waiterMarginNs: number | null;
  /**
   * Extra: which clock/waiter pair ran the loop: `'native'` (the addon's CLOCK_MONOTONIC
   * clock and `clock_nanosleep(TIMER_ABSTIME)` waiter) or `'js'` (`performance.now()` and
   * the hybrid `Atomics.wait` waiter); null when the runner did not say.
   */
  readonly backend?: 'native' | 'js' | null;
  /**
   * Extra: the native addon's status where the loop ran: whether it loaded, and why not
   * (e.g. `disabled by HARDTICK_NATIVE=0`); null when the runner did not say.
   */
  readonly nativeAddon?: {
    readonly available: boolean;
    readonly reason: string | null;
    readonly path: string | null;
  } | null;
  /**
   * Scheduling policy of the thread that ran the loop, e.g. `SCHED_OTHER (nice 0)` or
   * `SCHED_FIFO (priority 80)`; `SCHED_OTHER (assumed)` where it cannot be read.
   */
  readonly schedulingPolicy: string;
  /** Extra: the same policy in parts (policy name, RT priority, nice); null where it cannot be read. */
  readonly scheduling: SchedulingFacts | null;
  /** Whether hardtick lowered the thread's timer slack, and the slack read back (ns), if readable. */
  readonly timerSlack: { readonly applied: boolean; readonly ns: number | null };
  /** Node flags of the process (`process.execArgv`). */
  readonly execArgv: readonly string[];
  /** V8 flags hardtick set at run time (`v8.setFlagsFromString`): src/v8-flags.ts, docs/gc.md. */
  readonly v8Flags: readonly string[];
  /** Extra: real-time facts of the machine and the loop thread, read when the environment was collected. */
  readonly realtime: RealtimeEnvironment;
  /**
   * Extra: the `hardtick doctor` checks taken at the start of the run (`preflightDoctor`),
   * judged against the run's config; `hardtick report` shows those that do not pass.
   */
  readonly doctor?: DoctorReport;
}

/**
 * The CPUs (`environment.cpus`). The frequency fields are read from sysfs cpufreq, which
 * virtual machines and containers often lack: then null.
 */
export interface CpuEnvironment {
  /** Logical CPUs. */
  readonly count: number;
  /** The first CPU's model name. */
  readonly model: string;
  /**
   * Extra: the cpufreq scaling governor (`performance`, `powersave`, `schedutil`, …): one
   * name when every CPU uses it, else `cpuN=name` pairs joined by `,`; null without cpufreq.
   */
  readonly governor: string | null;
  /** Extra: the first CPU's current frequency, MHz (cpufreq, else `/proc/cpuinfo`); null when unreadable. */
  readonly frequencyMhz: number | null;
  /** Extra: the first CPU's maximum frequency, MHz (`cpuinfo_max_freq`); null when unreadable. */
  readonly maxFrequencyMhz: number | null;
}

/** Scheduling of the loop thread in parts (`environment.scheduling`). */
export interface SchedulingFacts {
  /** `SCHED_OTHER`, `SCHED_FIFO`, `SCHED_RR`, … */
  readonly policy: string;
  /** Real-time priority (1–99 under SCHED_FIFO/SCHED_RR, else 0). */
  readonly priority: number;
  /** Nice value (meaningful under SCHED_OTHER/SCHED_BATCH). */
  readonly nice: number;
}

/**
 * Real-time facts read from procfs/devfs (each null where it cannot be read). They show
 * what the loop actually ran with, whatever the config asked (`realtime` in the report
 * says what was asked and what the OS answered).
 */
export interface RealtimeEnvironment {
  /** Kernel id of the thread described (the loop thread when known), or null. */
  readonly threadId: number | null;
  /** CPUs that thread may run on, as procfs lists them, e.g. `0-1` or `1`. */
  readonly cpusAllowed: string | null;
  /** `sched_rt_runtime_us` (-1: RT throttling disabled). */
  readonly rtRuntimeUs: number | null;
  /** `sched_rt_period_us`. */
  readonly rtPeriodUs: number | null;
  /**
   * The effective CPU latency limit from `/dev/cpu_dma_latency`, µs (2000000000: no
   * constraint); null when unreadable (it needs root).
   */
  readonly cpuDmaLatencyUs: number | null;
  /** Locked memory of the process (`VmLck`), kB: > 0 after mlockall. */
  readonly memoryLockedKb: number | null;
  /**
   * `PREEMPT_RT` when the kernel is a real-time one (`/sys/kernel/realtime` is 1, or
   * `uname -v` says so), else `PREEMPT`/`PREEMPT_DYNAMIC`/`none` from `uname -v`.
   */
  readonly preemption: string;
  /**
   * Extra: CPUs isolated from the scheduler (`isolcpus=`), as `/sys/devices/system/cpu/isolated`
   * lists them, e.g. `1` or `2-3`; `''` when none; null when unreadable.
   */
  readonly isolatedCpus: string | null;
}

/** Inputs of {@link collectEnvironment} that only the caller knows. */
export interface EnvironmentInput {
  /** Clock backend name. */
  readonly clock: string;
  /** Waiter backend name. */
  readonly waiter: string;
  /** The waiter's spin margin in ns. @default null */
  readonly waiterMarginNs?: number | null;
  /** Result of `tryLowerTimerSlack()`. */
  readonly timerSlackApplied: boolean;
  /**
   * The clock/waiter selection (`selectClockAndWaiter(...).backend`): fills `backend` and
   * `nativeAddon`. @default null (both null)
   */
  readonly backend?: {
    readonly backend: 'native' | 'js';
    readonly native: {
      readonly available: boolean;
      readonly reason: string | null;
      readonly path: string | null;
    };
  } | null;
  /** V8 flags set at run time. @default [] */
  readonly v8Flags?: readonly string[];
  /**
   * Kernel id of the thread that runs the loop, when it is not the calling thread (e.g.
   * collected on the main thread for a worker loop): the scheduling policy, timer slack
   * and CPU list are then read from `/proc/<tid>/`. @default the calling thread
   */
  readonly loopThreadId?: number | null;
  /** The doctor's findings for the run (`preflightDoctor(...)`). @default none (the field is left out) */
  readonly doctor?: DoctorReport | null;
}

/** Linux `SCHED_*` policy numbers (`include/uapi/linux/sched.h`). */
const POLICY_NAMES: Readonly<Record<number, string>> = {
  0: 'SCHED_OTHER',
  1: 'SCHED_FIFO',
  2: 'SCHED_RR',
  3: 'SCHED_BATCH',
  5: 'SCHED_IDLE',
  6: 'SCHED_DEADLINE',
};

/** Describes the current machine and thread. Never throws. */
export function collectEnvironment(input: EnvironmentInput): RunEnvironment {
  const cpus = os.cpus();
  const tid = input.loopThreadId ?? null;
  return {
    hardtick: readVersion(),
    node: process.version,
    v8: process.versions.v8,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
    kernelVersion: safeOsVersion(),
    cpus: { count: cpus.length, model: cpus[0]?.model.trim() ?? 'unknown', ...readCpuFrequency(cpus.length) },
    clock: input.clock,
    waiter: input.waiter,
    waiterMarginNs: input.waiterMarginNs ?? null,
    backend: input.backend?.backend ?? null,
    nativeAddon:
      input.backend === undefined || input.backend === null
        ? null
        : {
            available: input.backend.native.available,
            reason: input.backend.native.reason,
            path: input.backend.native.path,
          },
    schedulingPolicy: readSchedulingPolicy(tid),
    scheduling: readScheduling(tid),
    timerSlack: { applied: input.timerSlackApplied, ns: readTimerSlackNs(tid) },
    execArgv: [...process.execArgv],
    v8Flags: [...(input.v8Flags ?? [])],
    realtime: readRealtimeEnvironment(tid),
    ...(input.doctor === undefined || input.doctor === null ? {} : { doctor: input.doctor }),
  };
}

/** Reads the {@link RealtimeEnvironment} of thread `tid` (default: the calling thread). Never throws. */
export function readRealtimeEnvironment(tid: number | null = null): RealtimeEnvironment {
  const status = readProc(tid === null ? '/proc/thread-self/status' : `/proc/${tid}/status`);
  const processStatus = readProc('/proc/self/status');
  const field = (text: string | null, name: string): string | null =>
    text === null ? null : (new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim() ?? null);
  const lockedKb = Number.parseInt(field(processStatus, 'VmLck') ?? '', 10);
  const version = safeOsVersion();
  const realtimeFlag = readIntFile('/sys/kernel/realtime');
  return {
    threadId: tid ?? threadIdFromProc(),
    cpusAllowed: field(status, 'Cpus_allowed_list'),
    rtRuntimeUs: readIntFile('/proc/sys/kernel/sched_rt_runtime_us'),
    rtPeriodUs: readIntFile('/proc/sys/kernel/sched_rt_period_us'),
    cpuDmaLatencyUs: readCpuDmaLatencyUs(),
    memoryLockedKb: Number.isFinite(lockedKb) ? lockedKb : null,
    preemption:
      realtimeFlag === 1 || /PREEMPT_RT/.test(version)
        ? 'PREEMPT_RT'
        : /PREEMPT_DYNAMIC/.test(version)
          ? 'PREEMPT_DYNAMIC'
          : /PREEMPT/.test(version)
            ? 'PREEMPT'
            : 'none',
    isolatedCpus: readProc('/sys/devices/system/cpu/isolated')?.trim() ?? null,
  };
}

/** `os.version()`, or `unknown` where the platform cannot say. Never throws. */
function safeOsVersion(): string {
  try {
    return os.version();
  } catch {
    return 'unknown';
  }
}

/** Sysfs cpufreq of the first `count` CPUs (governor, frequencies). Never throws. */
export function readCpuFrequency(
  count: number,
  root = '/sys/devices/system/cpu',
): Pick<CpuEnvironment, 'governor' | 'frequencyMhz' | 'maxFrequencyMhz'> {
  const governors: string[] = [];
  for (let i = 0; i < count; i++) {
    const g = readProc(`${root}/cpu${i}/cpufreq/scaling_governor`)?.trim();
    if (g !== undefined && g !== '') governors.push(`cpu${i}=${g}`);
  }
  const distinct = new Set(governors.map((g) => g.slice(g.indexOf('=') + 1)));
  const governor =
    governors.length === 0
      ? null
      : distinct.size === 1 && governors.length === count
        ? [...distinct][0]!
        : governors.join(',');
  const khz = (file: string): number | null => {
    const v = readIntFile(`${root}/cpu0/cpufreq/${file}`);
    return v === null || v <= 0 ? null : Math.round(v / 100) / 10;
  };
  return {
    governor,
    frequencyMhz: khz('scaling_cur_freq') ?? cpuinfoMhz(),
    maxFrequencyMhz: khz('cpuinfo_max_freq'),
  };
}

/** The first `cpu MHz` line of `/proc/cpuinfo` (x86), or null. */
function cpuinfoMhz(): number | null {
  const text = readProc('/proc/cpuinfo');
  const mhz = text === null ? Number.NaN : Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(text)?.[1]);
  return Number.isFinite(mhz) && mhz > 0 ? Math.round(mhz) : null;
}

function threadIdFromProc(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const link = readlinkSync('/proc/thread-self');
    const tid = Number(link.slice(link.lastIndexOf('/') + 1));
    return Number.isSafeInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

/** An integer procfs/sysfs file (e.g. `sched_rt_runtime_us`), or null when unreadable. Never throws. */
export function readIntFile(path: string): number | null {
  const text = readProc(path);
  if (text === null) return null;
  const value = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * Reads the calling thread's policy from `/proc/thread-self/stat` (fields 19 `nice`,
 * 40 `rt_priority`, 41 `policy`), or thread `tid`'s from `/proc/<tid>/stat`. Never throws.
 */
export function readSchedulingPolicy(tid: number | null = null): string {
  const stat =
    tid === null
      ? (readProc('/proc/thread-self/stat') ?? readProc('/proc/self/stat'))
      : readProc(`/proc/${tid}/stat`);
  if (stat === null) return 'SCHED_OTHER (assumed)';
  return describeSchedStat(stat) ?? 'SCHED_OTHER (assumed)';
}

/** The policy of thread `tid` (default: the calling thread) in parts, or null when unreadable. Never throws. */
export function readScheduling(tid: number | null = null): SchedulingFacts | null {
  const stat =
    tid === null
      ? (readProc('/proc/thread-self/stat') ?? readProc('/proc/self/stat'))
      : readProc(`/proc/${tid}/stat`);
  return stat === null ? null : parseSchedStat(stat);
}

/** Policy, RT priority and nice out of a `/proc/<pid>/stat` line; null when malformed. */
export function parseSchedStat(stat: string): SchedulingFacts | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  const fields = stat
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const nice = Number(fields[16]);
  const priority = Number(fields[37]);
  const policy = Number(fields[38]);
  if (!Number.isInteger(policy) || !Number.isInteger(priority) || !Number.isInteger(nice)) return null;
  return { policy: POLICY_NAMES[policy] ?? `policy ${policy}`, priority, nice };
}

/**
 * Parses the policy out of a `/proc/<pid>/stat` line; null when the line is malformed.
 * Exported for tests.
 */
export function describeSchedStat(stat: string): string | null {
  const facts = parseSchedStat(stat);
  if (facts === null) return null;
  const rt = facts.policy === 'SCHED_FIFO' || facts.policy === 'SCHED_RR';
  return rt ? `${facts.policy} (priority ${facts.priority})` : `${facts.policy} (nice ${facts.nice})`;
}

/**
 * `timerslack_ns` exists only at `/proc/<tid>/` (not under `/proc/thread-self/`), so the
 * calling thread's id is taken from the `/proc/thread-self` link first.
 */
function readTimerSlackNs(tid: number | null): number | null {
  const id = tid ?? threadIdFromProc();
  const text =
    (id === null ? null : readProc(`/proc/${id}/timerslack_ns`)) ?? readProc('/proc/self/timerslack_ns');
  if (text === null) return null;
  const ns = Number(text.trim());
  return Number.isFinite(ns) ? ns : null;
}

/** A procfs/sysfs file as text, or null (unreadable, or not Linux). Never throws. */
export function readProc(path: string): string | null {
  if (process.platform !== 'linux') return null;
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** hardtick's version from package.json (works from `src/` and `dist/`), or `unknown`. */
export function readVersion(): string {
  return packageVersion();
}
