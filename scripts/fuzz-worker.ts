/**
 * The worker side of `scripts/fuzz.ts`: classifies each input it is sent (see
 * test/fuzz/harness.ts) and posts the outcome back. Runs in a worker so that a real hang
 * can be ended from outside (the main thread terminates it and starts another).
 */
import { parentPort } from 'node:worker_threads';
import {
  classifyConfigText,
  classifyReportText,
  classifySamplesText,
  makeProject,
} from '../test/fuzz/harness.js';

/** One input to classify. */
export interface FuzzJob {
  readonly kind: 'config' | 'report' | 'samples';
  readonly n: number;
  readonly text: string;
}

const project = makeProject();
parentPort!.on('message', async (job: FuzzJob) => {
  const outcome =
    job.kind === 'config'
      ? await classifyConfigText(job.text, project, job.n)
      : job.kind === 'report'
        ? classifyReportText(job.text, project.dir, job.n)
        : classifySamplesText(job.text);
  parentPort!.postMessage(outcome);
});
parentPort!.postMessage('ready');
