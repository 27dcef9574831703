/**
 * Turns what was read and tried into checks: a status, what was found, why it matters to
 * the loop, and the command that fixes it. Pure (no I/O): the same facts give the same
 * checks, so tests can hand it any machine. With a config, a step the config asks for
 * and the machine refuses fails; a step it does not ask for warns.
 */
import type { RtThrottlingCheck } from '../realtime/throttling.js';
import type { RealtimeRequest } from '../realtime/types.js';
import {
  DOCTOR_CHECK_IDS,
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorStatus,
} from '../report/doctor-report.js';
import type { MachineFacts } from './facts.js';
import { parseCpuList } from './facts.js';
import type { Attempt } from './trials.js';

/** Oldest Node major hardtick supports (`engines.node` in package.json). */
export const MIN_NODE_MAJOR = 20;

/** SCHED_FIFO priority tried when the config asks for none (cyclictest's default). */
export const DEFAULT_TRIAL_PRIORITY = 80;

/** Steal share above which the `steal` check warns. */
export const STEAL_WARN_SHARE = 0.01;

/** Everything {@link judgeChecks} needs. */
export interface DoctorInput {
  /** What was read. */
  readonly facts: MachineFacts;
  /** The config's `realtime` section; null without a config. */
  readonly request: RealtimeRequest | null;
  /** `full` (steps tried on a trial thread) or `preflight` (steps as a run applied them). */
  readonly mode: 'full' | 'preflight';
  /** The SCHED_FIFO priority tried (or applied). */
  readonly priority: number;
  /** Outcomes of the real-time steps. */
  readonly attempts: {
    readonly priority: Attempt;
    readonly affinity: Attempt;
    readonly lockMemory: Attempt;
    readonly cpuDmaLatency: Attempt;
    readonly timerSlack: Attempt;
  };
  /** Steal over the sampling window (full mode), or null. */
  readonly stealWindow: { readonly share: number | null; readonly windowMs: number } | null;
  /**
   * The RT-throttling check of the loop (`checkRtThrottling`, or a run's
   * `RealtimeSetup.throttling`), or null when the loop's timing is unknown.
   */
  readonly throttling: RtThrottlingCheck | null;
}

/** Why each check matters to the loop. */
export const WHY: Readonly<Record<DoctorCheckId, string>> = {
  'node-version':
    'hardtick is built and tested for Node 20 and later LTS lines; older ones lack what it uses, odd (non-LTS) lines stop getting fixes within months.',
  'native-addon':
    'Without the addon the clock allocates on every read, waits are Atomics.wait plus a spin instead of clock_nanosleep(TIMER_ABSTIME), and SCHED_FIFO, CPU pinning and mlockall are unavailable.',
  'kernel-preemption':
    'Without PREEMPT_RT, interrupt handlers, softirqs and spinlocked kernel paths run unpreemptible, and the wake-up of the loop waits behind them (up to milliseconds).',
  virtualization:
    'In a VM the host can take a vCPU away at any moment; the guest cannot prevent it and sees only the late wake-up (a few ms, several times a minute on a shared host).',
  steal:
    'Steal is time the host gave this vCPU’s physical core to someone else: each tick of it lands in some frame as lateness or an overrun.',
  'cpu-governor':
    'A governor other than performance lowers the clock when idle; the loop sleeps between frames, so frames start on a slow core and execution times move with the frequency.',
  clocksource:
    'Every clock read of the loop goes through the clocksource: tsc and the arch counters are read in user space in tens of ns, hpet, acpi_pm and xen need a system call (µs).',
  'isolated-cpus':
    'On a CPU shared with everything else, every runnable thread and most interrupts compete with the loop; isolcpus keeps other tasks off a CPU, nohz_full stops its scheduler tick, rcu_nocbs moves RCU callbacks away.',
  'cpu-affinity':
    'Pinned to one (isolated) CPU the loop keeps its cache warm and stays off CPUs busy with other work; a CPU that does not exist here makes the setup fail.',
  'rt-priority':
    'At SCHED_OTHER the loop shares its CPU fairly with every other thread: a busy neighbour delays its wake-up by a scheduler slice (ms). At SCHED_FIFO it preempts them all.',
  'rlimit-rtprio':
    'An unprivileged process may use SCHED_FIFO only up to RLIMIT_RTPRIO (0 by default); CAP_SYS_NICE (root) lifts the limit.',
  'rt-throttling':
    'Once SCHED_FIFO threads use sched_rt_runtime_us of each sched_rt_period_us on a CPU, the kernel stalls them until the period ends: a loop that spins or overruns at FIFO can be stopped for tens of ms; with throttling off, a stuck task owns its CPU.',
  'cgroup-cpu-quota':
    'Once a cgroup has used its CFS quota, every thread in it, the loop included, is stopped until the period ends: a stall of up to one period (100 ms by default).',
  'memory-lock':
    'Without mlockall any page of the loop (code, heap, stack) can be reclaimed or swapped out; touching it again is a page fault (µs when minor, ms when it reads the disk).',
  'rlimit-memlock':
    'mlockall locks the whole process (Node maps hundreds of MB); an unprivileged process may lock only RLIMIT_MEMLOCK bytes (8 MB by default); CAP_IPC_LOCK (root) lifts the limit.',
  swap: 'With swap on, any page of the loop that is not locked may be written out; reading it back is a major fault (ms).',
  'transparent-hugepages':
    "With THP set to 'always', page faults may compact memory to build a 2 MB page and khugepaged merges pages in the background: both can stall the faulting thread for ms.",
  'cpu-dma-latency':
    'Holding /dev/cpu_dma_latency at 0 keeps idle CPUs out of deep C-states (in a VM: polling instead of halting), so wake-ups skip the exit latency; the device needs root.',
  'timer-slack':
    'Linux may fire a SCHED_OTHER thread’s timers up to its timer slack late (50 µs by default) to batch wake-ups; hardtick lowers the loop thread’s to 1 ns unless told not to.',
};

/** Every check, in {@link DOCTOR_CHECK_IDS} order. Pure. */
export function judgeChecks(input: DoctorInput): DoctorCheck[] {
  const judges: Record<DoctorCheckId, (i: DoctorInput) => Finding> = {
    'node-version': nodeVersion,
    'native-addon': nativeAddon,
    'kernel-preemption': kernelPreemption,
    virtualization,
    steal,
    'cpu-governor': cpuGovernor,
    clocksource,
    'isolated-cpus': isolatedCpus,
    'cpu-affinity': cpuAffinity,
    'rt-priority': rtPriority,
    'rlimit-rtprio': rlimitRtprio,
    'rt-throttling': rtThrottling,
    'cgroup-cpu-quota': cgroupCpuQuota,
    'memory-lock': memoryLock,
    'rlimit-memlock': rlimitMemlock,
    swap,
    'transparent-hugepages': transparentHugepages,
    'cpu-dma-latency': cpuDmaLatency,
    'timer-slack': timerSlack,
  };
  return DOCTOR_CHECK_IDS.map((id) => {
    const f = judges[id](input);
    return { id, status: f.status, found: f.found, why: WHY[id], fix: f.status === 'pass' ? null : f.fix };
  });
}

interface Finding {
  readonly status: DoctorStatus;
  readonly found: string;
  readonly fix: string | null;
}

const pass = (found: string): Finding => ({ status: 'pass', found, fix: null });
const warn = (found: string, fix: string): Finding => ({ status: 'warn', found, fix });
const fail = (found: string, fix: string): Finding => ({ status: 'fail', found, fix });

/** `add "key": value to the config's "realtime" section`. */
function configFix(entry: string): string {
  return `add ${entry} to the config's "realtime" section`;
}

/** The command that adds kernel boot arguments on this machine's boot loader. */
export function kernelArgsFix(facts: MachineFacts, args: string): string {
  switch (facts.bootLoader) {
    case 'raspberry-pi':
      return `sudo sed -i '1 s/$/ ${args}/' ${facts.piCmdlinePath ?? '/boot/firmware/cmdline.txt'} && sudo reboot`;
    case 'grubby':
      return `sudo grubby --update-kernel=ALL --args="${args}" && sudo reboot`;
    case 'grub':
      return `sudo sed -i 's/^GRUB_CMDLINE_LINUX="/&${args} /' /etc/default/grub && sudo update-grub && sudo reboot`;
    default:
      return `add "${args}" to the kernel command line in your boot loader's configuration, then reboot`;
  }
}

/** The line that raises a limit for `user` (pam_limits), and its systemd equivalent. */
function limitsFix(facts: MachineFacts, item: 'rtprio' | 'memlock', value: string, unit: string): string {
  return `echo '${facts.user} - ${item} ${value}' | sudo tee -a /etc/security/limits.d/90-hardtick.conf, then log in again (a systemd service: ${unit})`;
}

function addonFix(facts: MachineFacts): string {
  const reason = facts.native.reason ?? '';
  if (/HARDTICK_NATIVE=/.test(reason)) return 'unset HARDTICK_NATIVE';
  if (facts.platform !== 'linux') return 'none on this platform: the native addon is Linux-only';
  return 'npm rebuild hardtick (builds the addon; needs python3, make and a C compiler: sudo apt install build-essential python3)';
}

function nodeVersion({ facts }: DoctorInput): Finding {
  const major = Number(/^v(\d+)/.exec(facts.node)?.[1]);
  const fix =
    'install a Node LTS release, 20 or later: nvm install --lts (or your distribution’s nodejs package)';
  if (!(major >= MIN_NODE_MAJOR)) return fail(`${facts.node}: older than ${MIN_NODE_MAJOR}`, fix);
  if (major % 2 === 1) return warn(`${facts.node}: an odd, non-LTS line`, fix);
  return pass(`${facts.node} (an LTS line, ≥ ${MIN_NODE_MAJOR})`);
}

function nativeAddon({ facts, request }: DoctorInput): Finding {
  if (facts.native.available) return pass(`loaded from ${facts.native.path}`);
  const found = `not loaded: ${facts.native.reason}`;
  const needs =
    request !== null && (request.priority !== null || request.lockMemory || request.cpus !== null);
  return needs
    ? fail(`${found}; the config asks for steps that need it`, addonFix(facts))
    : warn(found, addonFix(facts));
}

function kernelPreemption({ facts }: DoctorInput): Finding {
  if (facts.preemption === 'PREEMPT_RT') return pass(`PREEMPT_RT (${facts.kernelVersion})`);
  const full = /(?:^|\s)preempt=full(?:\s|$)/.test(facts.cmdline ?? '');
  const found = `${facts.preemption}, not PREEMPT_RT (${facts.kernelRelease} ${facts.kernelVersion}${full ? '; booted with preempt=full' : ''})`;
  const interim =
    facts.preemption === 'PREEMPT_DYNAMIC' && !full
      ? `; until then, full preemption of this kernel: ${kernelArgsFix(facts, 'preempt=full')}`
      : '';
  return warn(found, `${rtKernelFix(facts)}${interim}`);
}

function rtKernelFix(facts: MachineFacts): string {
  const deb = facts.arch === 'x64' ? 'amd64' : facts.arch;
  if (facts.bootLoader === 'raspberry-pi')
    return "install a PREEMPT_RT kernel for the Pi (your OS release's -rt kernel package where it has one, else build the Raspberry Pi kernel tree with its bcm2711_rt_defconfig) and reboot into it";
  if (facts.distro.includes('ubuntu')) return 'sudo pro enable realtime-kernel && sudo reboot';
  if (facts.distro.includes('debian')) return `sudo apt install linux-image-rt-${deb} && sudo reboot`;
  if (facts.distro.some((d) => d === 'rhel' || d === 'fedora' || d === 'centos'))
    return 'sudo dnf install kernel-rt && sudo reboot';
  return 'install a kernel built with CONFIG_PREEMPT_RT=y and reboot into it';
}

function virtualization({ facts }: DoctorInput): Finding {
  const container =
    facts.virtualization.container === null ? '' : `; in a ${facts.virtualization.container} container`;
  if (!facts.virtualization.vm) return pass(`bare metal as far as can be seen${container}`);
  return warn(
    `a virtual machine (${facts.virtualization.evidence})${container}`,
    'run on bare metal for hard deadlines; in a VM ask for dedicated, pinned vCPUs (no CPU overcommit) and hold "cpuDmaLatency": 0',
  );
}

function steal({ facts, stealWindow }: DoctorInput): Finding {
  const parts: string[] = [];
  const window = stealWindow?.share ?? null;
  if (stealWindow !== null && window !== null)
    parts.push(`${pct(window)} of CPU time over a ${Math.round(stealWindow.windowMs)} ms window`);
  const boot = facts.stealShareSinceBoot;
  if (boot !== null)
    parts.push(
      `${pct(boot)} since boot (${Math.round((facts.uptimeS ?? 0) / 60)} min, ${facts.cpuCount} CPUs)`,
    );
  if (parts.length === 0) return pass('not measurable here (no /proc/stat steal column)');
  const found = parts.join('; ');
  if ((window ?? 0) > STEAL_WARN_SHARE || (boot ?? 0) > STEAL_WARN_SHARE)
    return warn(
      found,
      'none inside the guest: move to dedicated vCPUs (an instance or host without CPU overcommit) or bare metal',
    );
  return pass(found);
}

function cpuGovernor({ facts }: DoctorInput): Finding {
  if (facts.governor === null) return pass('no cpufreq here: the kernel does not scale the CPU frequency');
  if (facts.governor === 'performance') return pass('performance');
  return warn(
    facts.governor,
    'echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor',
  );
}

/** Clocksources the vDSO cannot read (each read is a system call). */
const SLOW_CLOCKSOURCES = new Set(['hpet', 'acpi_pm', 'jiffies', 'refined-jiffies', 'xen', 'pit']);

function clocksource({ facts }: DoctorInput): Finding {
  const cs = facts.clocksource;
  if (cs === null) return pass('not readable (no sysfs clocksource)');
  if (!SLOW_CLOCKSOURCES.has(cs))
    return pass(`${cs} (available: ${facts.clocksourcesAvailable.join(' ') || 'unknown'})`);
  const fix = facts.clocksourcesAvailable.includes('tsc')
    ? 'echo tsc | sudo tee /sys/devices/system/clocksource/clocksource0/current_clocksource'
    : `none better is offered here (available: ${facts.clocksourcesAvailable.join(' ')})`;
  return warn(`${cs}: each clock read is a system call`, fix);
}

function isolatedCpus({ facts, request }: DoctorInput): Finding {
  const isolated = parseCpuList(facts.isolatedCpus ?? '') ?? [];
  const nohz =
    facts.nohzFullCpus === null ? 'unknown' : facts.nohzFullCpus === '' ? 'none' : facts.nohzFullCpus;
  if (isolated.length === 0) {
    const found = `none (isolcpus: ${facts.isolatedCpus === null ? 'unknown' : 'none'}, nohz_full: ${nohz})`;
    if (facts.cpuCount < 2)
      return warn(found, 'a single CPU cannot be set aside: use a machine with 2 or more CPUs');
    const online = parseCpuList(facts.cpusOnline ?? '') ?? [];
    // The config's CPUs when they exist here, else the last CPU.
    const pinned = request?.cpus?.every((c) => online.includes(c)) === true ? request.cpus : null;
    const target = (pinned ?? [facts.cpuCount - 1]).join(',');
    const args = kernelArgsFix(facts, `isolcpus=${target} nohz_full=${target} rcu_nocbs=${target}`);
    return warn(
      found,
      pinned !== null ? args : `${args}; then set "cpu": ${target} in the config's "realtime" section`,
    );
  }
  const found = `isolcpus: ${facts.isolatedCpus}, nohz_full: ${nohz}`;
  const outside = (request?.cpus ?? []).filter((c) => !isolated.includes(c));
  if (outside.length > 0)
    return warn(
      `${found}; the config pins the loop to CPU ${outside.join(', ')}, which is not isolated`,
      `set "cpu": ${isolated[0]} in the config's "realtime" section`,
    );
  return pass(found);
}

function cpuAffinity({ facts, request, attempts, mode }: DoctorInput): Finding {
  const allowed = facts.cpusAllowed ?? 'unknown';
  const online = facts.cpusOnline ?? 'unknown';
  const where = `online: ${online}, allowed here: ${allowed}`;
  const cpus = request?.cpus ?? null;
  if (cpus === null) {
    const isolated = parseCpuList(facts.isolatedCpus ?? '') ?? [];
    if (request !== null && isolated.length > 0)
      return warn(
        `not pinned, although CPU ${isolated.join(', ')} is isolated (${where})`,
        configFix(`"cpu": ${isolated[0]}`),
      );
    return pass(`${request === null ? 'no CPU asked' : 'not pinned (the config asks for no CPU)'}; ${where}`);
  }
  const a = attempts.affinity;
  const asked = `CPU ${cpus.join(', ')}`;
  if (a.outcome === 'granted')
    return pass(
      `${asked} ${mode === 'full' ? 'accepted on a trial thread' : 'applied to the loop thread'} (${where})`,
    );
  const allowedList = parseCpuList(allowed);
  if (a.outcome === 'unavailable' && allowedList !== null && cpus.every((c) => allowedList.includes(c)))
    return pass(`${asked} is allowed here (${where}); the run pins with taskset: ${a.detail}`);
  return fail(
    `${asked} ${a.outcome}: ${a.detail} (${where})`,
    `set "cpu" in the config's "realtime" section to one of ${allowed}`,
  );
}

/** A real-time step check, as each outcome reads. */
interface StepSpec {
  readonly attempt: Attempt;
  /** The config asks for the step. */
  readonly requested: boolean;
  /** There is a config. */
  readonly hasConfig: boolean;
  /** What was found, per outcome (`refused` also serves `unavailable`). */
  readonly granted: string;
  readonly refused: string;
  readonly notTried: string;
  /** Appended when a config is given that does not ask for the step. */
  readonly notAsked: string;
  /** The machine's fix when refused or unavailable. */
  readonly machineFix: string;
  /** The config entry that asks for the step, e.g. `"lockMemory": true`. */
  readonly entry: string;
}

/**
 * A real-time step: asked for and refused fails; not asked for (with a config) warns with the
 * config line; without a config a refusal warns. The fix: the machine's when refused, then
 * the config line when the config does not ask.
 */
function stepFinding(s: StepSpec): Finding {
  const { attempt: a, requested, hasConfig } = s;
  let found = a.outcome === 'granted' ? s.granted : a.outcome === 'not-tried' ? s.notTried : s.refused;
  if (hasConfig && !requested && a.outcome !== 'not-tried') found += `; ${s.notAsked}`;
  const status: DoctorStatus = requested
    ? a.outcome === 'granted'
      ? 'pass'
      : 'fail'
    : hasConfig || a.outcome !== 'granted'
      ? 'warn'
      : 'pass';
  const refused = a.outcome === 'refused' || a.outcome === 'unavailable';
  const config = hasConfig && !requested ? configFix(s.entry) : null;
  const fix = refused
    ? config === null
      ? s.machineFix
      : `${s.machineFix}; then ${config}`
    : (config ?? s.machineFix);
  return { status, found, fix };
}

function rtPriority({ facts, request, attempts, mode, priority }: DoctorInput): Finding {
  const a = attempts.priority;
  const limit = facts.rlimitRtprio === null ? 'unknown' : String(facts.rlimitRtprio.soft);
  return stepFinding({
    attempt: a,
    requested: request?.priority !== null && request?.priority !== undefined,
    hasConfig: request !== null,
    granted:
      mode === 'full'
        ? `${a.detail} on a trial thread (then restored)`
        : `SCHED_FIFO ${priority} applied to the loop thread`,
    refused: `SCHED_FIFO ${priority} ${a.outcome}: ${a.detail} (RLIMIT_RTPRIO ${limit}, ${facts.capSysNice === true ? 'CAP_SYS_NICE' : 'no CAP_SYS_NICE'})`,
    notTried: 'not requested: the loop runs at SCHED_OTHER',
    notAsked: 'the config asks for no priority',
    machineFix: a.outcome === 'unavailable' ? addonFix(facts) : priorityFix(facts),
    entry: `"priority": ${DEFAULT_TRIAL_PRIORITY}`,
  });
}

function priorityFix(facts: MachineFacts): string {
  const cg = facts.cgroup;
  if (cg !== null && cg.rtRuntimeUs === 0 && cg.rtRuntimeFile !== null)
    return `echo 950000 | sudo tee ${cg.rtRuntimeFile} (its cgroup has no RT time; in Docker: docker run --cpu-rt-runtime=950000 …)`;
  if (facts.uid === 0 && facts.capSysNice === false)
    return `give the process CAP_SYS_NICE: docker run --cap-add=SYS_NICE --ulimit rtprio=99 …, or sudo setcap cap_sys_nice+ep ${facts.execPath}`;
  return limitsFix(facts, 'rtprio', '99', 'LimitRTPRIO=99');
}

function rlimitRtprio({ facts, request }: DoctorInput): Finding {
  const l = facts.rlimitRtprio;
  if (l === null) return pass('not readable (/proc/self/limits)');
  const found = `soft ${limitText(l.soft)}, hard ${limitText(l.hard)}`;
  if (facts.capSysNice === true) return pass(`${found}; not binding: the process has CAP_SYS_NICE`);
  const need = request?.priority ?? 1;
  if (l.soft >= need) return pass(`${found}: SCHED_FIFO up to ${limitText(l.soft)} allowed`);
  if (l.hard >= need)
    return warn(
      `${found}: below ${need}, but the hard limit allows it`,
      `ulimit -r ${need} in the shell that starts hardtick`,
    );
  const fix = limitsFix(facts, 'rtprio', '99', 'LimitRTPRIO=99');
  const text = `${found}, no CAP_SYS_NICE: SCHED_FIFO ${need} is not allowed`;
  return request?.priority !== null && request?.priority !== undefined ? fail(text, fix) : warn(text, fix);
}

function rtThrottling({ facts, request, throttling }: DoctorInput): Finding {
  const runtime = facts.rtRuntimeUs;
  const period = facts.rtPeriodUs;
  if (runtime === null || period === null || period <= 0) return pass('not readable (sched_rt_runtime_us)');
  const reset = 'echo 950000 | sudo tee /proc/sys/kernel/sched_rt_runtime_us';
  if (runtime < 0)
    return warn('off (sched_rt_runtime_us = -1): a SCHED_FIFO loop stuck in a task would own its CPU', reset);
  const found = `RT threads may use ${runtime} of every ${period} µs (${pct(runtime / period)})`;
  if (throttling !== null && request?.priority !== null && request?.priority !== undefined) {
    if (throttling.hazard)
      return warn(
        `${found}; ${throttling.warning}`,
        'lower the waiter margin (hardtick run --margin), use a longer frame, or drop "priority" from the config',
      );
    return pass(`${found}; the loop uses at most ${pct(throttling.busyShare)} of each frame`);
  }
  if (runtime / period < 0.5) return warn(`${found}: a small RT budget`, reset);
  return pass(found);
}

function cgroupCpuQuota({ facts }: DoctorInput): Finding {
  const cg = facts.cgroup;
  if (cg === null) return pass('no cpu controller visible: no CFS quota');
  if (cg.quotaUs === null || cg.periodUs === null || cg.quotaFile === null)
    return pass(`no CFS quota (cgroup v${cg.version}, ${cg.dir})`);
  const found = `${cg.quotaUs} µs per ${cg.periodUs} µs (${(cg.quotaUs / cg.periodUs).toFixed(2)} CPU) in ${cg.quotaFile}`;
  const reset = cg.version === 2 ? 'max' : '-1';
  return warn(
    found,
    `echo ${reset} | sudo tee ${cg.quotaFile} (Docker: run without --cpus; systemd: unset CPUQuota=)`,
  );
}

function memoryLock({ facts, request, attempts }: DoctorInput): Finding {
  const a = attempts.lockMemory;
  const limit = facts.rlimitMemlock === null ? 'unknown' : bytesText(facts.rlimitMemlock.soft);
  return stepFinding({
    attempt: a,
    requested: request?.lockMemory === true,
    hasConfig: request !== null,
    granted: a.detail,
    refused: `${a.outcome}: ${a.detail} (RLIMIT_MEMLOCK ${limit}, ${facts.capIpcLock === true ? 'CAP_IPC_LOCK' : 'no CAP_IPC_LOCK'})`,
    notTried: 'not requested: the process memory is not locked',
    notAsked: 'the config does not lock memory',
    machineFix: a.outcome === 'unavailable' ? addonFix(facts) : memlockFix(facts),
    entry: '"lockMemory": true',
  });
}

function memlockFix(facts: MachineFacts): string {
  if (facts.uid === 0 && facts.capIpcLock === false)
    return 'give the process CAP_IPC_LOCK: docker run --cap-add=IPC_LOCK --ulimit memlock=-1 …';
  return limitsFix(facts, 'memlock', 'unlimited', 'LimitMEMLOCK=infinity');
}

function rlimitMemlock({ facts, request }: DoctorInput): Finding {
  const l = facts.rlimitMemlock;
  if (l === null) return pass('not readable (/proc/self/limits)');
  const found = `soft ${bytesText(l.soft)}, hard ${bytesText(l.hard)}`;
  if (facts.capIpcLock === true) return pass(`${found}; not binding: the process has CAP_IPC_LOCK`);
  if (l.soft === Number.POSITIVE_INFINITY) return pass(`${found}: mlockall allowed`);
  const text = `${found}, no CAP_IPC_LOCK: too small to lock a Node process (hundreds of MB mapped)`;
  const fix = memlockFix(facts);
  return request?.lockMemory === true ? fail(text, fix) : warn(text, fix);
}

function swap({ facts, request, attempts }: DoctorInput): Finding {
  const s = facts.swap;
  if (s === null) return pass('not readable (/proc/swaps)');
  if (s.areas === 0) return pass('no swap');
  const found = `${s.areas} swap area(s), ${Math.round(s.totalKb / 1024)} MB`;
  const locked =
    (facts.memoryLockedKb ?? 0) > 0 ||
    (request?.lockMemory === true && attempts.lockMemory.outcome === 'granted');
  if (locked) return pass(`${found}; the process memory is locked`);
  return warn(
    found,
    `sudo swapoff -a (and remove the swap lines from /etc/fstab), or ${configFix('"lockMemory": true')}`,
  );
}

function transparentHugepages({ facts }: DoctorInput): Finding {
  const { thpEnabled: enabled, thpDefrag: defrag } = facts;
  if (enabled === null) return pass('not built into this kernel');
  const found = `enabled: ${enabled}, defrag: ${defrag ?? 'unknown'}`;
  const fixes: string[] = [];
  if (enabled === 'always') fixes.push('echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled');
  if (defrag === 'always') fixes.push('echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/defrag');
  return fixes.length === 0 ? pass(found) : warn(found, fixes.join(' && '));
}

function cpuDmaLatency({ facts, request, attempts }: DoctorInput): Finding {
  const a = attempts.cpuDmaLatency;
  return stepFinding({
    attempt: a,
    requested: request !== null && request.cpuDmaLatencyUs !== null,
    hasConfig: request !== null,
    granted: a.detail,
    refused: `${a.outcome}: ${a.detail}`,
    notTried: 'not requested: idle CPUs may sleep in deep C-states',
    notAsked: 'the config does not hold it',
    machineFix:
      a.outcome === 'unavailable'
        ? 'none: this kernel has no /dev/cpu_dma_latency (PM QoS); remove "cpuDmaLatency" from the config'
        : `sudo chown ${facts.user} /dev/cpu_dma_latency (until reboot; to keep it: echo 'KERNEL=="cpu_dma_latency", OWNER="${facts.user}"' | sudo tee /etc/udev/rules.d/90-hardtick.rules)`,
    entry: '"cpuDmaLatency": 0',
  });
}

function timerSlack({ facts, request, attempts, mode }: DoctorInput): Finding {
  const a = attempts.timerSlack;
  const current = facts.timerSlackNs === null ? 'unknown' : `${facts.timerSlackNs} ns`;
  if (request !== null && request.timerSlackNs === null)
    return warn(
      `the config leaves it at the default (this thread: ${current}; "timerSlackNs": false)`,
      'remove "timerSlackNs": false from the config\'s "realtime" section',
    );
  const where = mode === 'full' ? 'on a trial thread' : 'on the loop thread';
  if (a.outcome === 'granted') return pass(`${a.detail} (${where})`);
  const found = `lowering it ${where} ${a.outcome}: ${a.detail} (this thread: ${current})`;
  const fix =
    'mount procfs read-write (sudo mount -o remount,rw /proc), or set "priority" (SCHED_FIFO threads have no slack)';
  return request !== null ? fail(found, fix) : warn(found, fix);
}

function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.001 && share > 0 ? 3 : share < 0.1 ? 2 : 1)} %`;
}

function limitText(value: number): string {
  return value === Number.POSITIVE_INFINITY ? 'unlimited' : String(value);
}

function bytesText(bytes: number): string {
  if (bytes === Number.POSITIVE_INFINITY) return 'unlimited';
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}
