/**
 * The doctor's judge on hand-built machines: each condition that cannot be created on the
 * test machine (a powersave governor, THP always, a cgroup quota, a Raspberry Pi boot,
 * an RT kernel, …) gives its exact status, finding and fix. Pure: no I/O.
 */
import { describe, expect, it } from 'vitest';
import {
  DOCTOR_CHECK_IDS,
  type DoctorCheck,
  type DoctorCheckId,
  type DoctorInput,
  judgeChecks,
  kernelArgsFix,
} from '../src/doctor/index.js';
import { doctorInput, fullRequest, healthyFacts } from './helpers/doctor-facts.js';

function check(input: DoctorInput, id: DoctorCheckId): DoctorCheck {
  const found = judgeChecks(input).find((c) => c.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
}

const withFacts = (over: Parameters<typeof healthyFacts>[0], rest: Partial<DoctorInput> = {}): DoctorInput =>
  doctorInput({ facts: healthyFacts(over), ...rest });

describe('doctor judge: a tuned machine', () => {
  it('passes every check, in the documented order, with no fix', () => {
    const checks = judgeChecks(doctorInput({ request: fullRequest() }));
    expect(checks.map((c) => c.id)).toEqual([...DOCTOR_CHECK_IDS]);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.every((c) => c.fix === null && c.why.length > 40)).toBe(true);
  });
});

describe('doctor judge: machine settings', () => {
  it('a powersave governor warns, with the tee command', () => {
    expect(check(withFacts({ governor: 'powersave' }), 'cpu-governor')).toMatchObject({
      status: 'warn',
      found: 'powersave',
      fix: 'echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor',
    });
  });

  it('hpet warns and offers tsc when the kernel has it; no tsc: says nothing better is offered', () => {
    expect(
      check(withFacts({ clocksource: 'hpet', clocksourcesAvailable: ['tsc', 'hpet'] }), 'clocksource'),
    ).toMatchObject({
      status: 'warn',
      found: 'hpet: each clock read is a system call',
      fix: 'echo tsc | sudo tee /sys/devices/system/clocksource/clocksource0/current_clocksource',
    });
    expect(
      check(withFacts({ clocksource: 'acpi_pm', clocksourcesAvailable: ['acpi_pm'] }), 'clocksource').fix,
    ).toBe('none better is offered here (available: acpi_pm)');
  });

  it('THP always/always warns with both commands', () => {
    expect(
      check(withFacts({ thpEnabled: 'always', thpDefrag: 'always' }), 'transparent-hugepages'),
    ).toMatchObject({
      status: 'warn',
      found: 'enabled: always, defrag: always',
      fix: 'echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled && echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/defrag',
    });
  });

  it('swap warns unless the process memory is locked', () => {
    const on = { swap: { areas: 1, totalKb: 2_097_152 } };
    expect(check(withFacts(on), 'swap')).toMatchObject({
      status: 'warn',
      found: '1 swap area(s), 2048 MB',
      fix: 'sudo swapoff -a (and remove the swap lines from /etc/fstab), or add "lockMemory": true to the config\'s "realtime" section',
    });
    expect(check(withFacts(on, { request: fullRequest() }), 'swap')).toMatchObject({
      status: 'pass',
      found: '1 swap area(s), 2048 MB; the process memory is locked',
    });
  });

  it('a cgroup v2 CPU quota warns with the file to reset', () => {
    const cgroup = {
      version: 2 as const,
      dir: '/sys/fs/cgroup/system.slice/app.service',
      quotaUs: 50_000,
      periodUs: 100_000,
      quotaFile: '/sys/fs/cgroup/system.slice/app.service/cpu.max',
      rtRuntimeUs: null,
      rtRuntimeFile: null,
    };
    expect(check(withFacts({ cgroup }), 'cgroup-cpu-quota')).toMatchObject({
      status: 'warn',
      found: '50000 µs per 100000 µs (0.50 CPU) in /sys/fs/cgroup/system.slice/app.service/cpu.max',
      fix: 'echo max | sudo tee /sys/fs/cgroup/system.slice/app.service/cpu.max (Docker: run without --cpus; systemd: unset CPUQuota=)',
    });
  });

  it('RT throttling off warns; a throttling hazard of the loop warns with its figures', () => {
    expect(check(withFacts({ rtRuntimeUs: -1 }), 'rt-throttling')).toMatchObject({
      status: 'warn',
      fix: 'echo 950000 | sudo tee /proc/sys/kernel/sched_rt_runtime_us',
    });
    const hazard = check(
      doctorInput({
        request: fullRequest(),
        throttling: {
          rtRuntimeUs: 950_000,
          rtPeriodUs: 1_000_000,
          budgetShare: 0.95,
          spinShare: 0.5,
          busyShare: 0.9,
          limitShare: 0.85,
          hazard: true,
          warning: 'RT throttling hazard: …',
        },
      }),
      'rt-throttling',
    );
    expect(hazard).toMatchObject({
      status: 'warn',
      found: 'RT threads may use 950000 of every 1000000 µs (95.0 %); RT throttling hazard: …',
      fix: 'lower the waiter margin (hardtick run --margin), use a longer frame, or drop "priority" from the config',
    });
  });

  it('steal above 1 % in the window warns; the share since boot is reported beside it', () => {
    expect(
      check(
        withFacts({ stealShareSinceBoot: 0.002 }, { stealWindow: { share: 0.03, windowMs: 500 } }),
        'steal',
      ),
    ).toMatchObject({
      status: 'warn',
      found: '3.00 % of CPU time over a 500 ms window; 0.20 % since boot (10 min, 4 CPUs)',
      fix: 'none inside the guest: move to dedicated vCPUs (an instance or host without CPU overcommit) or bare metal',
    });
  });

  it('Node: older than 20 fails, an odd line warns', () => {
    expect(check(withFacts({ node: 'v18.20.0' }), 'node-version')).toMatchObject({
      status: 'fail',
      found: 'v18.20.0: older than 20',
    });
    expect(check(withFacts({ node: 'v21.7.0' }), 'node-version')).toMatchObject({
      status: 'warn',
      found: 'v21.7.0: an odd, non-LTS line',
      fix: 'install a Node LTS release, 20 or later: nvm install --lts (or your distribution’s nodejs package)',
    });
  });
});

describe('doctor judge: kernel and CPUs', () => {
  it('a PREEMPT_DYNAMIC Debian kernel under GRUB warns: the RT kernel package, and preempt=full meanwhile', () => {
    const c = check(
      withFacts({
        arch: 'x64',
        preemption: 'PREEMPT_DYNAMIC',
        kernelRelease: '6.1.0-18-amd64',
        kernelVersion: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1',
        cmdline: 'root=/dev/sda1 ro quiet',
        bootLoader: 'grub',
        piCmdlinePath: null,
      }),
      'kernel-preemption',
    );
    expect(c).toMatchObject({
      status: 'warn',
      found: 'PREEMPT_DYNAMIC, not PREEMPT_RT (6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1)',
      fix: `sudo apt install linux-image-rt-amd64 && sudo reboot; until then, full preemption of this kernel: sudo sed -i 's/^GRUB_CMDLINE_LINUX="/&preempt=full /' /etc/default/grub && sudo update-grub && sudo reboot`,
    });
  });

  it('kernel arguments per boot loader', () => {
    const args = 'isolcpus=3 nohz_full=3 rcu_nocbs=3';
    expect(kernelArgsFix(healthyFacts(), args)).toBe(
      "sudo sed -i '1 s/$/ isolcpus=3 nohz_full=3 rcu_nocbs=3/' /boot/firmware/cmdline.txt && sudo reboot",
    );
    expect(kernelArgsFix(healthyFacts({ bootLoader: 'grubby' }), args)).toBe(
      'sudo grubby --update-kernel=ALL --args="isolcpus=3 nohz_full=3 rcu_nocbs=3" && sudo reboot',
    );
    expect(kernelArgsFix(healthyFacts({ bootLoader: null }), args)).toBe(
      `add "isolcpus=3 nohz_full=3 rcu_nocbs=3" to the kernel command line in your boot loader's configuration, then reboot`,
    );
  });

  it('no isolated CPU warns with the boot arguments for the last CPU, then the config line', () => {
    expect(check(withFacts({ isolatedCpus: '', nohzFullCpus: '' }), 'isolated-cpus')).toMatchObject({
      status: 'warn',
      found: 'none (isolcpus: none, nohz_full: none)',
      fix: `sudo sed -i '1 s/$/ isolcpus=3 nohz_full=3 rcu_nocbs=3/' /boot/firmware/cmdline.txt && sudo reboot; then set "cpu": 3 in the config's "realtime" section`,
    });
  });

  it('a loop pinned to a CPU that is not isolated warns; pinned to the isolated one passes', () => {
    expect(check(doctorInput({ request: fullRequest({ cpus: [0] }) }), 'isolated-cpus')).toMatchObject({
      status: 'warn',
      found: 'isolcpus: 3, nohz_full: 3; the config pins the loop to CPU 0, which is not isolated',
      fix: `set "cpu": 3 in the config's "realtime" section`,
    });
    expect(check(doctorInput({ request: fullRequest() }), 'isolated-cpus').status).toBe('pass');
  });

  it('an isolated CPU the config does not pin to warns in cpu-affinity', () => {
    expect(check(doctorInput({ request: fullRequest({ cpus: null }) }), 'cpu-affinity')).toMatchObject({
      status: 'warn',
      found: 'not pinned, although CPU 3 is isolated (online: 0-3, allowed here: 0-3)',
      fix: `add "cpu": 3 to the config's "realtime" section`,
    });
  });
});

describe('doctor judge: real-time steps against the config', () => {
  const refused = { outcome: 'refused' as const, detail: 'EPERM: Operation not permitted' };

  it('a refused priority the config asks for fails; without a config it warns', () => {
    const facts = healthyFacts({ rlimitRtprio: { soft: 0, hard: 0 } });
    const attempts = { ...doctorInput().attempts, priority: refused };
    const asked = check(doctorInput({ facts, attempts, request: fullRequest() }), 'rt-priority');
    expect(asked).toMatchObject({
      status: 'fail',
      found: 'SCHED_FIFO 80 refused: EPERM: Operation not permitted (RLIMIT_RTPRIO 0, no CAP_SYS_NICE)',
      fix: "echo 'pi - rtprio 99' | sudo tee -a /etc/security/limits.d/90-hardtick.conf, then log in again (a systemd service: LimitRTPRIO=99)",
    });
    expect(check(doctorInput({ facts, attempts }), 'rt-priority').status).toBe('warn');
  });

  it('a priority the config does not ask for warns with the config line, even when granted', () => {
    expect(check(doctorInput({ request: fullRequest({ priority: null }) }), 'rt-priority')).toMatchObject({
      status: 'warn',
      found: 'SCHED_FIFO 80 granted on a trial thread (then restored); the config asks for no priority',
      fix: `add "priority": 80 to the config's "realtime" section`,
    });
  });

  it('root without CAP_SYS_NICE (a container): the capability is the fix', () => {
    const facts = healthyFacts({ uid: 0, capSysNice: false, rlimitRtprio: { soft: 0, hard: 0 } });
    const attempts = { ...doctorInput().attempts, priority: refused };
    expect(check(doctorInput({ facts, attempts }), 'rt-priority').fix).toBe(
      'give the process CAP_SYS_NICE: docker run --cap-add=SYS_NICE --ulimit rtprio=99 …, or sudo setcap cap_sys_nice+ep /usr/bin/node',
    );
  });

  it('a cgroup v1 without RT time: its cpu.rt_runtime_us is the fix', () => {
    const cgroup = {
      version: 1 as const,
      dir: '/sys/fs/cgroup/cpu/docker/abc',
      quotaUs: null,
      periodUs: null,
      quotaFile: null,
      rtRuntimeUs: 0,
      rtRuntimeFile: '/sys/fs/cgroup/cpu/docker/abc/cpu.rt_runtime_us',
    };
    const attempts = { ...doctorInput().attempts, priority: refused };
    expect(check(doctorInput({ facts: healthyFacts({ cgroup }), attempts }), 'rt-priority').fix).toBe(
      'echo 950000 | sudo tee /sys/fs/cgroup/cpu/docker/abc/cpu.rt_runtime_us (its cgroup has no RT time; in Docker: docker run --cpu-rt-runtime=950000 …)',
    );
  });

  it('RLIMIT_RTPRIO below the priority with a hard limit above: ulimit -r', () => {
    const facts = healthyFacts({ rlimitRtprio: { soft: 0, hard: 99 } });
    expect(check(doctorInput({ facts, request: fullRequest() }), 'rlimit-rtprio')).toMatchObject({
      status: 'warn',
      found: 'soft 0, hard 99: below 80, but the hard limit allows it',
      fix: 'ulimit -r 80 in the shell that starts hardtick',
    });
  });

  it('no native addon: a config that needs it fails native-addon and the priority', () => {
    const native = { available: false, reason: 'disabled by HARDTICK_NATIVE=0', path: null };
    const unavailable = {
      outcome: 'unavailable' as const,
      detail: 'native addon unavailable: disabled by HARDTICK_NATIVE=0',
    };
    const input = doctorInput({
      facts: healthyFacts({ native }),
      request: fullRequest(),
      attempts: { ...doctorInput().attempts, priority: unavailable },
    });
    expect(check(input, 'native-addon')).toMatchObject({
      status: 'fail',
      found: 'not loaded: disabled by HARDTICK_NATIVE=0; the config asks for steps that need it',
      fix: 'unset HARDTICK_NATIVE',
    });
    expect(check(input, 'rt-priority')).toMatchObject({
      status: 'fail',
      found:
        'SCHED_FIFO 80 unavailable: native addon unavailable: disabled by HARDTICK_NATIVE=0 (RLIMIT_RTPRIO 99, no CAP_SYS_NICE)',
      fix: 'unset HARDTICK_NATIVE',
    });
  });

  it('"timerSlackNs": false warns with the line to remove', () => {
    expect(check(doctorInput({ request: fullRequest({ timerSlackNs: null }) }), 'timer-slack')).toMatchObject(
      {
        status: 'warn',
        found: 'the config leaves it at the default (this thread: 50000 ns; "timerSlackNs": false)',
        fix: `remove "timerSlackNs": false from the config's "realtime" section`,
      },
    );
  });

  it('preflight: a step the run did not ask for warns with the config line', () => {
    const notTried = { outcome: 'not-tried' as const, detail: 'not requested by the config' };
    const input = doctorInput({
      mode: 'preflight',
      request: fullRequest({ priority: null, lockMemory: false, cpuDmaLatencyUs: null }),
      attempts: {
        ...doctorInput().attempts,
        priority: notTried,
        lockMemory: notTried,
        cpuDmaLatency: notTried,
      },
      stealWindow: null,
    });
    expect(check(input, 'rt-priority')).toMatchObject({
      status: 'warn',
      found: 'not requested: the loop runs at SCHED_OTHER',
      fix: `add "priority": 80 to the config's "realtime" section`,
    });
    expect(check(input, 'memory-lock')).toMatchObject({
      status: 'warn',
      found: 'not requested: the process memory is not locked',
      fix: `add "lockMemory": true to the config's "realtime" section`,
    });
    expect(check(input, 'cpu-dma-latency')).toMatchObject({
      status: 'warn',
      found: 'not requested: idle CPUs may sleep in deep C-states',
      fix: `add "cpuDmaLatency": 0 to the config's "realtime" section`,
    });
    expect(check(input, 'cpu-affinity')).toMatchObject({
      status: 'pass',
      found: 'CPU 3 applied to the loop thread (online: 0-3, allowed here: 0-3)',
    });
  });
});
