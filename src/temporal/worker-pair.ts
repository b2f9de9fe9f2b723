/**
 * The two Workers of one worker process run as one: the main Worker (workflows, projections,
 * documents, deadlines) and the message Worker (outgoing notifications on their own task queue,
 * with their own concurrency and rate limits). Runs, stops and fails together.
 */
import type { Worker } from '@temporalio/worker';

export class WorkerPair {
  constructor(
    readonly main: Worker,
    readonly messages: Worker,
  ) {}

  /** Runs both until both stop; if one fails, the other is shut down and the failure is thrown. */
  async run(): Promise<void> {
    const stopOther = (other: Worker) => (err: unknown) => {
      if (other.getState() === 'RUNNING') other.shutdown();
      throw err;
    };
    await Promise.all([
      this.main.run().catch(stopOther(this.messages)),
      this.messages.run().catch(stopOther(this.main)),
    ]);
  }

  /** Runs both until `fnOrPromise` settles, then shuts both down (the main Worker first). */
  runUntil<R>(fnOrPromise: Promise<R> | (() => Promise<R>)): Promise<R> {
    return this.messages.runUntil(() => this.main.runUntil(fnOrPromise));
  }

  shutdown(): void {
    for (const w of [this.main, this.messages]) if (w.getState() === 'RUNNING') w.shutdown();
  }

  /** The main Worker's state; 'FAILED' when either failed. */
  getState(): ReturnType<Worker['getState']> {
    return this.messages.getState() === 'FAILED' ? 'FAILED' : this.main.getState();
  }
}
