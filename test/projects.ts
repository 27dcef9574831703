/**
 * The two vitest projects. `unit`: in-process and deterministic (ManualClock, fixtures,
 * pure functions): no child process, no worker thread, no real clock, no socket, no
 * browser. `integration`: everything that needs one of those. A new test file is a unit
 * test unless listed here; test/test-projects.test.ts checks that unit files keep to that.
 */

/** Test files of the `integration` project (globs relative to the repository root). */
export const INTEGRATION_TESTS: readonly string[] = [
  // Allocation gates: child-process probes.
  'test/*-zero-allocation.test.ts',
  'test/*-loop-allocation.test.ts',
  'test/time-waiter-allocation.test.ts',
  // The CLI, real runs and the examples: child processes or the real clock.
  'test/check-cli.test.ts',
  'test/check-environment-fingerprint.test.ts',
  'test/check-example-ci.test.ts',
  'test/cli-jitter.test.ts',
  'test/cli-run*.test.ts',
  'test/run-*.test.ts',
  'test/worker-*.test.ts',
  'test/demo-*.test.ts',
  'test/examples-*.test.ts',
  'test/restart-planned-example.test.ts',
  'test/gc-planned-run.test.ts',
  'test/isolate-cli.test.ts',
  'test/pwcet-run-report.test.ts',
  'test/report-render-trace.test.ts',
  'test/soak-ci.test.ts',
  'test/watchdog-exit-code.test.ts',
  'test/watchdog-keep-running-cli.test.ts',
  // Worker threads.
  'test/channels-package-example.test.ts',
  'test/channels-worker-roundtrip.test.ts',
  'test/isolate-workers.test.ts',
  'test/memory-spsc-stress.test.ts',
  'test/native-thread-scope.test.ts',
  'test/realtime-apply.test.ts',
  'test/watchdog-heartbeat.test.ts',
  'test/watchdog-stuck-task.test.ts',
  // The real clock, waiters and collector.
  'test/gc-monitor-classify.test.ts',
  'test/lease-guard.test.ts',
  'test/lease-keeper.test.ts',
  'test/memory-ring-model.test.ts',
  'test/native-addon.test.ts',
  'test/time-clock.test.ts',
  'test/time-hybrid-waiter.test.ts',
  'test/time-jitter.test.ts',
  'test/time-timer-slack.test.ts',
  // Sockets, etcd, a browser.
  'test/etcd-*.test.ts',
  'test/fencing-sink.test.ts',
  'test/metrics-server.test.ts',
  'test/report-html-browser.test.ts',
];

/** Every test file. */
export const ALL_TESTS = 'test/**/*.test.ts';
