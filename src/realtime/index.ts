/**
 * Real-time setup (`realtime` in the config): SCHED_FIFO priority, CPU affinity and memory
 * lock through the native addon; `/dev/cpu_dma_latency`, timer slack and nice in plain
 * Node; the RT-throttling check. Every step is reported, none throws. Named exports only.
 */
export type {
  ApplyRealtimeOptions,
  RealtimeLoopTiming,
  RealtimeSetup,
  ThreadStepOptions,
} from './apply.js';
export {
  applyRealtime,
  applyRealtimeInThread,
  currentThreadId,
  mergeRealtimeSteps,
  realtimeWarning,
  requestedValue,
} from './apply.js';
export type { CpuDmaLatencyHold, CpuDmaLatencyOptions, CpuDmaLatencyResult } from './dma-latency.js';
export {
  CPU_DMA_LATENCY_PATH,
  encodeLatencyUs,
  readCpuDmaLatencyUs,
  tryHoldCpuDmaLatency,
} from './dma-latency.js';
export type { RtThrottlingCheck, RtThrottlingInput } from './throttling.js';
export { checkRtThrottling, RT_PERIOD_PATH, RT_RUNTIME_PATH, RT_THROTTLE_HEADROOM } from './throttling.js';
export type {
  RealtimeMechanism,
  RealtimeRequest,
  RealtimeStepName,
  RealtimeStepResult,
  RealtimeStepStatus,
} from './types.js';
export { REALTIME_STEPS } from './types.js';
