/**
 * What `hardtick doctor` reads about the machine and this process, without changing
 * anything: kernel, boot arguments, CPUs, limits, capabilities, cgroup, memory settings,
 * virtualisation, the native addon. Synchronous procfs/sysfs reads only, no
 * child process; each fact is null where it cannot be read. Never throws.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { type NativeStatus, nativeStatus } from '../native/binding.js';
import { RT_PERIOD_PATH, RT_RUNTIME_PATH } from '../realtime/throttling.js';
import {
  readCpuFrequency,
  readIntFile as readInt,
  readRealtimeEnvironment,
  readProc as readText,
} from '../report/environment.js';
import { readStealNs } from '../report/steal.js';

/** A resource limit from `/proc/self/limits` (`Infinity` for `unlimited`). */
export interface LimitFacts {
  /** Soft limit: what applies now. */
  readonly soft: number;
  /** Hard limit: how far an unprivileged process may raise the soft one. */
  readonly hard: number;
}

/** The CPU bandwidth limits of this process's cgroup. */
export interface CgroupCpuFacts {
  /** cgroup version of the `cpu` controller. */
  readonly version: 1 | 2;
  /** The cgroup folder read (the most restrictive level when several set a quota). */
  readonly dir: string;
  /** CFS quota per period, µs; null: no quota (`max` / `-1`) anywhere up the tree. */
  readonly quotaUs: number | null;
  /** CFS period, µs (null when no quota). */
  readonly periodUs: number | null;
  /** The file holding the quota (`cpu.max` or `cpu.cfs_quota_us`), null when no quota. */
  readonly quotaFile: string | null;
  /** cgroup v1 `cpu.rt_runtime_us` of the process's cgroup (0 refuses SCHED_FIFO); null on v2 or unreadable. */
  readonly rtRuntimeUs: number | null;
  /** Where {@link CgroupCpuFacts.rtRuntimeUs} was read. */
  readonly rtRuntimeFile: string | null;
}

/** Whether this runs in a virtual machine or a container, and how that was seen. */
export interface VirtualizationFacts {
  /** True in a VM, false on bare metal as far as can be seen. */
  readonly vm: boolean;
  /** How the VM was recognised, e.g. `hypervisor CPU flag` or `DMI: QEMU`; null on bare metal. */
  readonly evidence: string | null;
  /** `docker` or `podman` when a container marker file exists, else null. */
  readonly container: string | null;
}

/** Everything the checks judge, read at one moment. */
export interface MachineFacts {
  /** `process.platform`. */
  readonly platform: string;
  /** `process.arch`. */
  readonly arch: string;
  /** `process.version`, e.g. `v20.20.2`. */
  readonly node: string;
  /** `process.execPath`: the node binary. */
  readonly execPath: string;
  /** The user this runs as (fixes name it). */
  readonly user: string;
  /** Effective uid, or null off POSIX. */
  readonly uid: number | null;
  /** CAP_SYS_NICE in the effective set (RT priority without RLIMIT_RTPRIO); null when unreadable. */
  readonly capSysNice: boolean | null;
  /** CAP_IPC_LOCK in the effective set (mlockall without RLIMIT_MEMLOCK); null when unreadable. */
  readonly capIpcLock: boolean | null;
  /** `uname -r`. */
  readonly kernelRelease: string;
  /** `uname -v`, e.g. `#1 SMP PREEMPT_DYNAMIC …`. */
  readonly kernelVersion: string;
  /** `PREEMPT_RT`, `PREEMPT`, `PREEMPT_DYNAMIC` or `none` (see `readRealtimeEnvironment`). */
  readonly preemption: string;
  /** The kernel command line, or null. */
  readonly cmdline: string | null;
  /** `ID` and `ID_LIKE` of `/etc/os-release`, e.g. `['debian']` or `['ubuntu', 'debian']`. */
  readonly distro: readonly string[];
  /** How kernel arguments are set here: `grubby`, `grub` (/etc/default/grub), `raspberry-pi` (cmdline.txt), or null. */
  readonly bootLoader: 'grubby' | 'grub' | 'raspberry-pi' | null;
  /** The Raspberry Pi `cmdline.txt` path when {@link MachineFacts.bootLoader} is `raspberry-pi`. */
  readonly piCmdlinePath: string | null;
  /** Logical CPUs (`os.cpus().length`). */
  readonly cpuCount: number;
  /** Online CPUs as sysfs lists them, e.g. `0-3`. */
  readonly cpusOnline: string | null;
  /** CPUs this thread may run on (`Cpus_allowed_list`). */
  readonly cpusAllowed: string | null;
  /** `isolcpus` CPUs (`/sys/devices/system/cpu/isolated`); `''` when none. */
  readonly isolatedCpus: string | null;
  /** `nohz_full` CPUs (`/sys/devices/system/cpu/nohz_full`, else the boot argument); `''` when none. */
  readonly nohzFullCpus: string | null;
  /** The cpufreq governor (one name, or `cpuN=name` pairs); null without cpufreq. */
  readonly governor: string | null;
  /** The current clocksource, e.g. `tsc`. */
  readonly clocksource: string | null;
  /** Clocksources the kernel offers. */
  readonly clocksourcesAvailable: readonly string[];
  /** `sched_rt_runtime_us` (-1: RT throttling off). */
  readonly rtRuntimeUs: number | null;
  /** `sched_rt_period_us`. */
  readonly rtPeriodUs: number | null;
  /** RLIMIT_RTPRIO. */
  readonly rlimitRtprio: LimitFacts | null;
  /** RLIMIT_MEMLOCK, bytes. */
  readonly rlimitMemlock: LimitFacts | null;
  /** CPU limits of the process's cgroup; null when no `cpu` controller is visible. */
  readonly cgroup: CgroupCpuFacts | null;
  /** Transparent huge pages `enabled` mode (the bracketed word), null without THP. */
  readonly thpEnabled: string | null;
  /** Transparent huge pages `defrag` mode, null without THP. */
  readonly thpDefrag: string | null;
  /** Active swap areas (`/proc/swaps`) and their total size; null when unreadable. */
  readonly swap: { readonly areas: number; readonly totalKb: number } | null;
  /** Timer slack of the calling thread, ns. */
  readonly timerSlackNs: number | null;
  /** Locked memory of the process (`VmLck`), kB. */
  readonly memoryLockedKb: number | null;
  /** Steal since boot as a share of all CPU time (`/proc/stat` over `/proc/uptime` × CPUs). */
  readonly stealShareSinceBoot: number | null;
  /** Uptime, s. */
  readonly uptimeS: number | null;
  /** VM / container. */
  readonly virtualization: VirtualizationFacts;
  /** The native addon's state. */
  readonly native: NativeStatus;
}

/** Capability bits (`include/uapi/linux/capability.h`). */
const CAP_IPC_LOCK = 14n;
const CAP_SYS_NICE = 23n;

/** Reads {@link MachineFacts} now. Never throws. */
export function collectMachineFacts(): MachineFacts {
  const rt = readRealtimeEnvironment();
  const cpus = os.cpus();
  const status = readText('/proc/self/status');
  const capEff = field(status, 'CapEff');
  const caps = capEff === null || !/^[0-9a-f]+$/i.test(capEff) ? null : BigInt(`0x${capEff}`);
  const limits = readText('/proc/self/limits');
  const cmdline = readText('/proc/cmdline')?.trim() ?? null;
  const piCmdline = ['/boot/firmware/cmdline.txt', '/boot/cmdline.txt'].find((p) => existsSync(p)) ?? null;
  const uptimeS = Number.parseFloat(readText('/proc/uptime') ?? '');
  const stealNs = readStealNs();
  const thp = (name: string): string | null =>
    /\[([^\]]+)\]/.exec(readText(`/sys/kernel/mm/transparent_hugepage/${name}`) ?? '')?.[1] ?? null;
  return {
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    execPath: process.execPath,
    user: safeUser(),
    uid: typeof process.geteuid === 'function' ? process.geteuid() : null,
    capSysNice: caps === null ? null : ((caps >> CAP_SYS_NICE) & 1n) === 1n,
    capIpcLock: caps === null ? null : ((caps >> CAP_IPC_LOCK) & 1n) === 1n,
    kernelRelease: os.release(),
    kernelVersion: safeOsVersion(),
    preemption: rt.preemption,
    cmdline,
    distro: readDistro(),
    bootLoader:
      piCmdline !== null
        ? 'raspberry-pi'
        : existsSync('/usr/sbin/grubby') || existsSync('/usr/bin/grubby')
          ? 'grubby'
          : existsSync('/etc/default/grub')
            ? 'grub'
            : null,
    piCmdlinePath: piCmdline,
    cpuCount: cpus.length,
    cpusOnline: readText('/sys/devices/system/cpu/online')?.trim() ?? null,
    cpusAllowed: rt.cpusAllowed,
    isolatedCpus: rt.isolatedCpus,
    nohzFullCpus:
      readText('/sys/devices/system/cpu/nohz_full')?.trim() ??
      (cmdline === null ? null : (/(?:^|\s)nohz_full=(\S+)/.exec(cmdline)?.[1] ?? '')),
    governor: readCpuFrequency(cpus.length).governor,
    clocksource: readText('/sys/devices/system/clocksource/clocksource0/current_clocksource')?.trim() ?? null,
    clocksourcesAvailable: (
      readText('/sys/devices/system/clocksource/clocksource0/available_clocksource') ?? ''
    )
      .trim()
      .split(/\s+/)
      .filter((s) => s !== ''),
    rtRuntimeUs: readInt(RT_RUNTIME_PATH),
    rtPeriodUs: readInt(RT_PERIOD_PATH),
    rlimitRtprio: parseLimit(limits, 'Max realtime priority'),
    rlimitMemlock: parseLimit(limits, 'Max locked memory'),
    cgroup: readCgroupCpu(),
    thpEnabled: thp('enabled'),
    thpDefrag: thp('defrag'),
    swap: readSwap(),
    timerSlackNs: readTimerSlackNs(rt.threadId),
    memoryLockedKb: rt.memoryLockedKb,
    stealShareSinceBoot:
      stealNs === null || !(uptimeS > 0) || cpus.length === 0
        ? null
        : stealNs / (uptimeS * 1e9 * cpus.length),
    uptimeS: Number.isFinite(uptimeS) ? uptimeS : null,
    virtualization: readVirtualization(),
    native: nativeStatus(),
  };
}

/** Expands a kernel CPU list (`0-2,5`) into numbers; null when malformed. */
export function parseCpuList(text: string): number[] | null {
  const out: number[] = [];
  if (text.trim() === '') return out;
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) return null;
    for (let c = from; c <= to; c++) out.push(c);
  }
  return out;
}

/** One `Max …` line of `/proc/<pid>/limits`; null when absent. */
export function parseLimit(text: string | null, name: string): LimitFacts | null {
  if (text === null) return null;
  const line = text.split('\n').find((l) => l.startsWith(name));
  if (line === undefined) return null;
  const [soft, hard] = line.slice(name.length).trim().split(/\s+/);
  const value = (v: string | undefined): number => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  const s = value(soft);
  const h = value(hard);
  return Number.isNaN(s) || Number.isNaN(h) ? null : { soft: s, hard: h };
}

/** The `cpu` controller's quota up the process's cgroup tree (v2 `cpu.max`, v1 `cpu.cfs_quota_us`). */
function readCgroupCpu(): CgroupCpuFacts | null {
  const lines = (readText('/proc/self/cgroup') ?? '').split('\n').filter((l) => l !== '');
  const v1 = lines.map((l) => l.split(':')).find((p) => (p[1] ?? '').split(',').includes('cpu'));
  if (v1 !== undefined) {
    const mount = ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'].find((m) =>
      existsSync(`${m}/cpu.cfs_quota_us`),
    );
    if (mount === undefined) return null;
    const dir = cgroupDir(mount, v1.slice(2).join(':'), 'cpu.cfs_quota_us');
    const rtFile = `${dir}/cpu.rt_runtime_us`;
    const rtRuntimeUs = readInt(rtFile);
    return {
      version: 1,
      ...tightestQuota(mount, dir, 'cpu.cfs_quota_us', (level) => [
        readInt(`${level}/cpu.cfs_quota_us`) ?? -1,
        readInt(`${level}/cpu.cfs_period_us`) ?? 0,
      ]),
      rtRuntimeUs,
      rtRuntimeFile: rtRuntimeUs === null ? null : rtFile,
    };
  }
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (v2 === undefined || !existsSync('/sys/fs/cgroup/cgroup.controllers')) return null;
  const mount = '/sys/fs/cgroup';
  const dir = cgroupDir(mount, v2.slice(3), 'cgroup.controllers');
  return {
    version: 2,
    ...tightestQuota(mount, dir, 'cpu.max', (level) => {
      const [quota, period] = (readText(`${level}/cpu.max`) ?? '').trim().split(/\s+/);
      return [quota === 'max' ? -1 : Number(quota), Number(period)];
    }),
    rtRuntimeUs: null,
    rtRuntimeFile: null,
  };
}

/**
 * The smallest quota share from `dir` up to `mount`; `read` gives `[quotaUs, periodUs]` of a
 * level (a negative or non-finite quota: none there).
 */
function tightestQuota(
  mount: string,
  dir: string,
  file: string,
  read: (level: string) => [number, number],
): Pick<CgroupCpuFacts, 'dir' | 'quotaUs' | 'periodUs' | 'quotaFile'> {
  let worst: { dir: string; quotaUs: number; periodUs: number } | null = null;
  for (const level of ancestors(mount, dir)) {
    const [quotaUs, periodUs] = read(level);
    if (!(quotaUs >= 0) || !(periodUs > 0)) continue;
    if (worst === null || quotaUs / periodUs < worst.quotaUs / worst.periodUs)
      worst = { dir: level, quotaUs, periodUs };
  }
  return {
    dir: worst?.dir ?? dir,
    quotaUs: worst?.quotaUs ?? null,
    periodUs: worst?.periodUs ?? null,
    quotaFile: worst === null ? null : `${worst.dir}/${file}`,
  };
}

/** The process's cgroup folder under `mount`; the mount itself when the path is not visible (a cgroup namespace). */
function cgroupDir(mount: string, path: string, marker: string): string {
  const dir = path === '/' || path === '' ? mount : `${mount}${path}`;
  return existsSync(`${dir}/${marker}`) ? dir : mount;
}

/** `dir` and each parent up to `mount`, innermost first. */
function ancestors(mount: string, dir: string): string[] {
  const out = [dir];
  let d = dir;
  while (d.length > mount.length) {
    d = d.slice(0, d.lastIndexOf('/'));
    if (d.length >= mount.length) out.push(d);
  }
  return out;
}

function readDistro(): string[] {
  const text = readText('/etc/os-release') ?? '';
  const value = (key: string): string[] =>
    (new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '')
      .replace(/["']/g, '')
      .split(/\s+/)
      .filter((v) => v !== '');
  return [...value('ID'), ...value('ID_LIKE')];
}

function readSwap(): MachineFacts['swap'] {
  const text = readText('/proc/swaps');
  if (text === null) return null;
  const rows = text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
  let totalKb = 0;
  for (const row of rows) totalKb += Number(row.trim().split(/\s+/)[2]) || 0;
  return { areas: rows.length, totalKb };
}

function readVirtualization(): VirtualizationFacts {
  const cpuinfo = readText('/proc/cpuinfo') ?? '';
  const flags = /^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '';
  const dmi = ['sys_vendor', 'product_name']
    .map((f) => readText(`/sys/class/dmi/id/${f}`)?.trim() ?? '')
    .join(' ');
  const dmiVm =
    /\b(QEMU|KVM|VMware|VirtualBox|Xen|Amazon EC2|Google Compute Engine|Microsoft Corporation|Parallels|BHYVE)\b/i.exec(
      dmi,
    )?.[1];
  const hypervisorType = readText('/sys/hypervisor/type')?.trim();
  const evidence = / hypervisor\b/.test(` ${flags} `)
    ? 'hypervisor CPU flag'
    : dmiVm !== undefined
      ? `DMI: ${dmiVm}`
      : hypervisorType !== undefined && hypervisorType !== ''
        ? `/sys/hypervisor/type: ${hypervisorType}`
        : existsSync('/proc/device-tree/hypervisor')
          ? 'device tree: hypervisor node'
          : null;
  const container = existsSync('/.dockerenv') ? 'docker' : existsSync('/run/.containerenv') ? 'podman' : null;
  return { vm: evidence !== null, evidence, container };
}

/** The calling thread's timer slack (`/proc/<tid>/timerslack_ns`), ns. */
function readTimerSlackNs(tid: number | null): number | null {
  const text =
    (tid === null ? null : readText(`/proc/${tid}/timerslack_ns`)) ?? readText('/proc/self/timerslack_ns');
  const ns = Number.parseInt(text ?? '', 10);
  return Number.isFinite(ns) ? ns : null;
}

function field(text: string | null, name: string): string | null {
  return text === null ? null : (new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1]?.trim() ?? null);
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? 'your-user';
  }
}

function safeOsVersion(): string {
  try {
    return os.version();
  } catch {
    return 'unknown';
  }
}
