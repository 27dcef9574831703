/**
 * The vitest projects. `unit`: in-process and deterministic (ManualClock, fixtures, pure
 * functions): no child process, no worker thread, no real clock, no socket, no browser.
 * `integration`: child processes, workers, sockets, etcd, a browser, real runs whose
 * assertions hold on a shared machine. Both run together, a file per core. `timing`, after
 * them and one file at a time: real-clock tests whose bounds need the CPU (lateness,
 * detection latency, frames a loop must run, pause attribution, takeovers). `timing-pairs`,
 * last, two files at a time: real runs whose bounds are generous enough for one light
 * neighbour (mostly waiting: signals, stops, pauses, start-up). A new file is a unit test
 * unless listed; test/test-projects.test.ts checks that unit files keep to that.
 */

/** Test files of the `integration` project (globs relative to the repository root). */
export const INTEGRATION_TESTS: readonly string[] = [
  // Allocation gates of in-process subjects: child-process probes; they measure allocation,
  // which another process does not change.
  'test/channels-zero-allocation.test.ts',
  'test/isolate-zero-allocation.test.ts',
  'test/lease-zero-allocation.test.ts',
  'test/memory-zero-allocation.test.ts',
  'test/runtime-zero-allocation.test.ts',
  'test/stats-exec-samples-zero-allocation.test.ts',
  'test/watchdog-zero-allocation.test.ts',
  // The CLI and real runs asserting exit codes, reports and output, not timing.
  'test/check-cli.test.ts',
  'test/check-environment-fingerprint.test.ts',
  'test/check-example-ci.test.ts',
  'test/cli-run*.test.ts',
  'test/demo-*.test.ts',
  'test/examples-motor-pid.test.ts',
  'test/examples-pi-sensor-loop.test.ts',
  'test/isolate-cli.test.ts',
  'test/report-render-trace.test.ts',
  'test/restart-planned-example.test.ts',
  'test/run-metrics.test.ts',
  'test/worker-run.test.ts',
  'test/worker-trace.test.ts',
  'test/run-library.test.ts',
  'test/run-typescript-tasks.test.ts',
  'test/package-types.test.ts',
  'test/run-task-returns-promise.test.ts',
  // Waiters learning their margin: scripted clocks (exact margins), but real short sleeps.
  'test/time-waiter-adaptive-margin.test.ts',
  // Worker threads (the SPSC stress spins two flat out: its neighbours here tolerate that).
  'test/memory-spsc-stress.test.ts',
  'test/channels-package-example.test.ts',
  'test/channels-worker-roundtrip.test.ts',
  'test/memory-ring-model.test.ts',
  'test/native-thread-scope.test.ts',
  'test/realtime-apply.test.ts',
  // Input hardening: work bounded in real time, the fuzz harness and the hostile corpus
  // (child processes), the CLI's arguments and trust rules through the built CLI.
  'test/cli-args.test.ts',
  'test/config-bounds.test.ts',
  'test/config-trust.test.ts',
  'test/fuzz-hostile-inputs.test.ts',
  'test/hostile-corpus.test.ts',
  'test/plan-limits.test.ts',
  'test/report-consistency.test.ts',
  'test/report-write.test.ts',
  'test/doctor-cli.test.ts',
  'test/memory-doc-pattern.test.ts',
  // Sockets, etcd, a browser.
  'test/etcd-election.test.ts',
  'test/run-lease.test.ts',
  'test/run-channels-teardown.test.ts',
  'test/fencing-sink.test.ts',
  'test/metrics-server.test.ts',
  'test/report-html-browser.test.ts',
];

/** Test files of the `timing` project. */
export const TIMING_TESTS: readonly string[] = [
  // Real loops that must run most of their frames, and GC governance in real slack.
  'test/worker-loop-allocation.test.ts',
  'test/gc-zero-allocation.test.ts',
  'test/gc-planned-run.test.ts',
  'test/soak-ci.test.ts',
  // Pauses, stuck slots, kills and takeovers detected within bounds.
  'test/run-main-pauses.test.ts',
  'test/run-main-watchdog.test.ts',
  'test/run-watchdog-stuck.test.ts',
  'test/run-stuck-evidence.test.ts',
  'test/watchdog-exit-code.test.ts',
  'test/watchdog-heartbeat.test.ts',
  'test/watchdog-stuck-task.test.ts',
  'test/isolate-workers.test.ts',
  'test/lease-keeper.test.ts',
  'test/lease-guard.test.ts',
  'test/etcd-hot-standby.test.ts',
  'test/examples-hot-standby-demo.test.ts',
  // Clocks and waiters on the real clock.
  'test/time-clock.test.ts',
  'test/time-hybrid-waiter.test.ts',
  'test/time-jitter.test.ts',
  'test/time-timer-slack.test.ts',
  'test/time-waiter-allocation.test.ts',
  'test/native-addon.test.ts',
  // Its real short waits must find their deadlines still ahead.
  'test/native-zero-allocation.test.ts',
  'test/cli-jitter.test.ts',
  'test/gc-monitor-classify.test.ts',
];

/**
 * Test files of the `timing-pairs` project: real runs of a few seconds that mostly wait
 * (for a signal, a status line, a stop, a SIGSTOP, the end of a short run) and assert
 * exact report fields or bounds of seconds, so one neighbour doing the same does not move
 * them. Two at a time, after `timing`.
 */
export const TIMING_PAIR_TESTS: readonly string[] = [
  'test/run-signals-and-status.test.ts',
  'test/watchdog-keep-running-cli.test.ts',
  'test/run-pause-sigstop.test.ts',
  'test/pwcet-run-report.test.ts',
  'test/run-realtime.test.ts',
  'test/run-startup.test.ts',
];

/** Every test file. */
export const ALL_TESTS = 'test/**/*.test.ts';
