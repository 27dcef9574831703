/**
 * `setupChannels` may return a teardown: the runner awaits it once the run has ended,
 * before `done` resolves (a channels module that opened a socket closes it there, or
 * `hardtick run` would never exit); one that throws is told as a channel warning, and the
 * run still resolves to its report. It also receives which run it serves (`run.config`,
 * `run.lease`: null without the config's `lease`).
 */
import { describe, expect, it } from 'vitest';
import { type ChannelRunInfo, type RunEvent, run } from '../src/index.js';
import { taskEntry, writeTinyConfig } from './helpers/tiny-config.js';

const { configFile } = writeTinyConfig({
  config: { name: 'teardown', tasks: [taskEntry('a', '10ms', '2ms')], alarms: { fatal: ['task-error'] } },
  tasks: 'export function a() {}',
});

describe('setupChannels teardown', () => {
  it('is awaited after the run, before done resolves; setupChannels is told the run', async () => {
    const order: string[] = [];
    let info: ChannelRunInfo | null = null;
    const report = await run(configFile, {
      duration: '100ms',
      warmup: 0,
      channels: (_hub, _print, r) => {
        info = r;
        return async () => {
          order.push('teardown start');
          await new Promise((resolve) => setTimeout(resolve, 50));
          order.push('teardown end');
        };
      },
      onReport: () => order.push('report'),
    });
    order.push('done');
    expect(order).toEqual(['report', 'teardown start', 'teardown end', 'done']);
    expect(info).toEqual({ config: 'teardown', lease: null });
    expect(report.config.name).toBe('teardown');
  }, 30_000);

  it('a teardown that throws is a channel warning; the run still resolves', async () => {
    const events: RunEvent[] = [];
    const report = await run(configFile, {
      duration: '100ms',
      warmup: 0,
      channels: () => () => {
        throw new Error('socket already gone');
      },
      onEvent: (e) => events.push(e),
    });
    expect(report.exitCode).toBe(0);
    expect(events.filter((e) => e.type === 'channel')).toEqual([
      { type: 'channel', level: 'warn', text: 'channels teardown failed: socket already gone' },
    ]);
  }, 30_000);
});
