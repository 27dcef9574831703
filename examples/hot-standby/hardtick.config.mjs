/**
 * hardtick hot-standby example: THE config both controllers run (`hardtick run` twice, on
 * two machines or two terminals), a 100 Hz actuator task and the `lease` that decides
 * which of them drives the actuator. A config is a module too: here the etcd endpoint, the
 * election key and the TTL may come from the environment (HOT_STANDBY_ETCD,
 * HOT_STANDBY_KEY, HOT_STANDBY_TTL), so one file serves every site and the demo's
 * throw-away etcd.
 */
import { defineConfig } from 'hardtick';

export default defineConfig({
  name: 'hot-standby-actuator',
  frame: 'auto',
  slicing: 'off',
  tasks: [{ name: 'actuate', period: '10ms', budget: '1ms', run: './tasks.mjs#actuate' }],
  catchUp: 'skip',
  alarms: { fatal: ['task-error'], releaseLate: '2ms', ratePerSecond: 2 },
  lease: {
    etcd: { endpoints: process.env.HOT_STANDBY_ETCD ?? '127.0.0.1:2379' },
    key: process.env.HOT_STANDBY_KEY ?? '/hardtick/hot-standby/leader',
    ttl: process.env.HOT_STANDBY_TTL ?? '1s',
    // margin (default TTL/10 = 100 ms), renewInterval (TTL/3), campaignInterval (100 ms),
    // rejoin (true, after one TTL): the defaults; candidate: `hardtick run --candidate`.
  },
});
