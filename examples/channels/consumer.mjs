/**
 * hardtick channels example, non-real-time side: what to do with the channels of
 * tasks.mjs. `setupChannels(hub, print)` registers a handler on 'samples' that keeps a
 * running mean of the filtered value and prints it once a second of samples, and sends a
 * new filter coefficient on 'filter' after 2 s. The handler sees the hub's one reused
 * record buffer: it reads it and keeps only numbers.
 */

/** Samples per status line (1 s at 1 kHz). */
const REPORT_EVERY = 1000;

/**
 * @param {import('hardtick/worker').ChannelHub} hub
 * @param {(line: string) => void} [print]
 * @returns {{ count: () => number, mean: () => number }}
 */
export function setupChannels(hub, print = (line) => console.log(line)) {
  let count = 0;
  let sum = 0;
  let lastIndex = -1;
  let gaps = 0;
  hub.on('samples', (record) => {
    const index = record[0];
    if (index !== lastIndex + 1) gaps++;
    lastIndex = index;
    count++;
    sum += record[2];
    if (count % REPORT_EVERY === 0) {
      print(
        `t=${((index + 1) / 1000).toFixed(1)}s samples=${count} mean(filtered)=${(sum / count).toFixed(4)} ` +
          `last=${record[2].toFixed(4)} lost=${hub.lost('samples')} gaps=${gaps}`,
      );
    }
    if (count === 2000 && hub.has('filter')) hub.send('filter', [0.02]);
  });
  return { count: () => count, mean: () => (count === 0 ? Number.NaN : sum / count) };
}
