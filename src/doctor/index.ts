/**
 * `hardtick doctor`: what on this machine stands between it and a hard loop, each finding
 * with the command that fixes it. Named exports only.
 */

export type {
  DoctorCheck,
  DoctorCheckId,
  DoctorCounts,
  DoctorReport,
  DoctorStatus,
} from '../report/doctor-report.js';
export { DOCTOR_CHECK_IDS, DOCTOR_SCHEMA } from '../report/doctor-report.js';
export type { DoctorOptions, PreflightOptions } from './doctor.js';
export { DEFAULT_STEAL_WINDOW_MS, preflightDoctor, runDoctor } from './doctor.js';
export type { CgroupCpuFacts, LimitFacts, MachineFacts, VirtualizationFacts } from './facts.js';
export { collectMachineFacts, parseCpuList, parseLimit } from './facts.js';
export type { DoctorInput } from './judge.js';
export {
  DEFAULT_TRIAL_PRIORITY,
  judgeChecks,
  kernelArgsFix,
  MIN_NODE_MAJOR,
  STEAL_WARN_SHARE,
  WHY,
} from './judge.js';
export type { Attempt, StealWindow, ThreadAttempts, ThreadTrialRequest } from './trials.js';
export {
  attemptFromStep,
  errnoText,
  startStealWindow,
  tryCpuDmaLatency,
  tryMemoryLock,
  tryThreadSteps,
} from './trials.js';
