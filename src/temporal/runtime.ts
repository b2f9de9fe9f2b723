/**
 * How a process runs workflow code: the Temporal SDK runtime (installed once, quiet) and where the
 * workflows' entry is. Shared by the worker, the API's audit replay and the tests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';

/** The workflows' entry: the TypeScript source, or its compiled twin when running from dist/. */
export const workflowsPath = fileURLToPath(
  new URL(`../workflows/index${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

let runtimeInstalled = false;
/**
 * Quiets the Rust core's logs to warnings; call once per process before the first connection.
 * With `coreMetricsPort`, the core serves its runtime metrics (Prometheus) on that loopback port.
 */
export function installRuntime(coreMetricsPort?: number): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEMPORAL_SDK_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN'),
      // The launcher and worker.ts handle signals themselves and shut the worker down in order.
      shutdownSignals: [],
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) },
        ...(coreMetricsPort
          ? {
              metrics: {
                prometheus: { bindAddress: `127.0.0.1:${coreMetricsPort}`, countersTotalSuffix: true },
              },
            }
          : {}),
      },
    });
  } catch {
    // already installed by someone else in this process
  }
}
