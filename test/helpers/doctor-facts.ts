/**
 * Hand-built inputs of the doctor's judge: a tuned bare-metal machine on which every check
 * passes, and granted attempts; tests override the fields they exercise.
 */
import type { DoctorInput, MachineFacts } from '../../src/doctor/index.js';
import type { RealtimeRequest } from '../../src/realtime/types.js';

/** A machine on which every check passes. */
export function healthyFacts(over: Partial<MachineFacts> = {}): MachineFacts {
  return {
    platform: 'linux',
    arch: 'arm64',
    node: 'v20.20.2',
    execPath: '/usr/bin/node',
    user: 'pi',
    uid: 1000,
    capSysNice: false,
    capIpcLock: false,
    kernelRelease: '6.12.0-rt',
    kernelVersion: '#1 SMP PREEMPT_RT',
    preemption: 'PREEMPT_RT',
    cmdline: 'console=ttyS0 isolcpus=3 nohz_full=3 rcu_nocbs=3',
    distro: ['debian'],
    bootLoader: 'raspberry-pi',
    piCmdlinePath: '/boot/firmware/cmdline.txt',
    cpuCount: 4,
    cpusOnline: '0-3',
    cpusAllowed: '0-3',
    isolatedCpus: '3',
    nohzFullCpus: '3',
    governor: 'performance',
    clocksource: 'arch_sys_counter',
    clocksourcesAvailable: ['arch_sys_counter'],
    rtRuntimeUs: 950_000,
    rtPeriodUs: 1_000_000,
    rlimitRtprio: { soft: 99, hard: 99 },
    rlimitMemlock: { soft: Number.POSITIVE_INFINITY, hard: Number.POSITIVE_INFINITY },
    cgroup: {
      version: 2,
      dir: '/sys/fs/cgroup/user.slice',
      quotaUs: null,
      periodUs: null,
      quotaFile: null,
      rtRuntimeUs: null,
      rtRuntimeFile: null,
    },
    thpEnabled: 'madvise',
    thpDefrag: 'madvise',
    swap: { areas: 0, totalKb: 0 },
    timerSlackNs: 50_000,
    memoryLockedKb: 0,
    stealShareSinceBoot: 0,
    uptimeS: 600,
    virtualization: { vm: false, evidence: null, container: null },
    native: {
      available: true,
      reason: null,
      path: '/opt/app/node_modules/hardtick/build/Release/hardtick.node',
    },
    ...over,
  };
}

/** The config's `realtime` with every step asked for (CPU 3, priority 80). */
export function fullRequest(over: Partial<RealtimeRequest> = {}): RealtimeRequest {
  return {
    priority: 80,
    cpus: [3],
    lockMemory: true,
    cpuDmaLatencyUs: 0,
    timerSlackNs: 1,
    nice: null,
    ...over,
  };
}

/** Judge input: healthy facts, every attempt granted, no config unless given. */
export function doctorInput(over: Partial<DoctorInput> = {}): DoctorInput {
  return {
    facts: healthyFacts(),
    request: null,
    mode: 'full',
    priority: 80,
    attempts: {
      priority: { outcome: 'granted', detail: 'SCHED_FIFO 80 granted' },
      affinity: { outcome: 'granted', detail: 'CPU 3 accepted' },
      lockMemory: { outcome: 'granted', detail: 'mlockall granted in 30 ms (VmLck 700 MB), then munlockall' },
      cpuDmaLatency: { outcome: 'granted', detail: '/dev/cpu_dma_latency writable' },
      timerSlack: { outcome: 'granted', detail: '50000 ns by default; 1 ns once lowered' },
    },
    stealWindow: { share: 0, windowMs: 500 },
    throttling: null,
    ...over,
  };
}
