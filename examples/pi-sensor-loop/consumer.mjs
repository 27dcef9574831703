/**
 * pi-sensor-loop, non-real-time side (`hardtick run … --channels consumer.mjs`): prints one
 * line a second from the 'readings' channel (every 10th record: the loop publishes at 10 Hz).
 */

/**
 * @param {import('hardtick/worker').ChannelHub} hub
 * @param {(line: string) => void} [print]
 */
export function setupChannels(hub, print = (line) => console.log(line)) {
  let count = 0;
  hub.on('readings', (r) => {
    count++;
    if (count % 10 !== 0) return;
    print(
      `t=${r[0].toFixed(1)}s ${r[1].toFixed(2)} °C ${r[2].toFixed(2)} hPa ${r[3].toFixed(1)} %RH ` +
        `fan ${r[4] === 1 ? 'on ' : 'off'} (switches ${r[5]}, read errors ${r[6]})`,
    );
  });
}
