/**
 * The shared flag parser of every command (src/cli/args.ts): unknown flags get a
 * did-you-mean, a flag given twice is an error, a value starting with '-' is a value, a
 * missing value names the flag. Messages are pinned exactly.
 */
import { describe, expect, it } from 'vitest';
import { type FlagSpecs, parseFlags } from '../src/cli/args.js';
import { HardtickError } from '../src/errors.js';

const SPECS = {
  duration: { type: 'string' },
  report: { type: 'string' },
  output: { type: 'string', short: 'o' },
  allow: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

function usageMessage(argv: string[]): string {
  try {
    parseFlags(argv, SPECS);
  } catch (error) {
    expect(error).toBeInstanceOf(HardtickError);
    expect((error as HardtickError).code).toBe('usage');
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseFlags', () => {
  it('parses string, boolean, short, inline and repeatable flags and positionals', () => {
    const { values, positionals } = parseFlags(
      ['run.json', '--duration', '2s', '-o', 'out.md', '--json', '--allow', 'a', '--allow=b', '--', '--x'],
      SPECS,
    );
    expect(values).toEqual({ duration: '2s', output: 'out.md', json: true, allow: ['a', 'b'] });
    expect(positionals).toEqual(['run.json', '--x']);
  });

  it('takes a value that starts with "-" as the value, so the value check can name it', () => {
    expect(parseFlags(['--duration', '-5s'], SPECS).values.duration).toBe('-5s');
    expect(parseFlags(['-o', '-'], SPECS).values.output).toBe('-');
  });

  const REFUSED: Array<[string[], string]> = [
    [['--durration', '2s'], 'unknown option --durration (did you mean --duration?)'],
    [['--jsn'], 'unknown option --jsn (did you mean --json?)'],
    [['-x'], 'unknown option -x; the options are --duration, --report, --output, --allow, --json, --help'],
    [
      ['--constructor'],
      'unknown option --constructor; the options are --duration, --report, --output, --allow, --json, --help',
    ],
    [['--duration', '1s', '--duration', '2s'], '--duration given twice (1s, then 2s); give it once'],
    [['--report', 'a.json', '--report=b.json'], '--report given twice (a.json, then b.json); give it once'],
    [['-o', 'a', '--output', 'b'], '--output given twice (a, then b); give it once'],
    [['--json', '--json'], '--json given twice; give it once'],
    [['--json=yes'], '--json takes no value, got --json=yes'],
    [['--duration'], '--duration needs a value'],
    [['-o'], '--output needs a value (-o)'],
    [['--report', '--json'], '--report needs a value, got the flag --json'],
    [['--report', '-h'], '--report needs a value, got the flag -h'],
  ];
  for (const [argv, message] of REFUSED) {
    it(`refuses ${argv.join(' ')}`, () => {
      expect(usageMessage(argv)).toBe(message);
    });
  }

  it('does not run a did-you-mean over a huge flag', () => {
    const started = performance.now();
    const message = usageMessage([`--${'d'.repeat(1_000_000)}`]);
    expect(message.startsWith(`unknown option --${'d'.repeat(62)}…; the options are --duration`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
