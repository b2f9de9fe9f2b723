/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
 * is set: one process-wide tracer provider exporting over OTLP/HTTP, W3C trace context and baggage,
 * and the instrumentation of PostgreSQL (pg) and outgoing HTTP (fetch/undici: the notification
 * channels, the power company). The API adds its request spans (src/api/request-tracing.ts), the
 * Temporal client and worker their interceptors (temporalTracing below), so one trace runs from the
 * HTTP request through the workflow to its activities, their queries and their deliveries. The
 * request id (X-Request-Id) travels as baggage `request.id` and is written into the logs.
 */
import { createRequire } from 'node:module';
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';

export interface Tracing {
  readonly resource: Resource;
  readonly spanProcessor: SpanProcessor;
  /** Flushes what is buffered (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/** The process's tracing, if started. */
export const tracing = (): Tracing | null => active;

/**
 * Starts tracing once per process (the stack runs API and worker together): with `exporter` (tests)
 * spans go to it at once; else to the OTLP endpoint of the environment, batched. Neither → off (null).
 */
export function startTracing(opts: {
  serviceName: string;
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}): Tracing | null {
  if (active) return active;
  const env = opts.env ?? process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!opts.exporter && !endpoint) return null;
  // OTLPTraceExporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT and _HEADERS itself
  const exporter = opts.exporter ?? new OTLPTraceExporter();
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || opts.serviceName });
  const spanProcessor = opts.exporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register(); // AsyncLocalStorage context, W3C trace context + baggage propagation
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new PgInstrumentation({ requireParentSpan: true }), new UndiciInstrumentation()],
  });
  // pg is loaded by ESM imports, which the require hook does not see: a require patches its classes
  createRequire(import.meta.url)('pg');
  active = {
    resource,
    spanProcessor,
    flush: () => provider.forceFlush(),
    async shutdown() {
      unregister();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      active = null;
    },
  };
  return active;
}

/** The Temporal client's interceptors: the workflow start, updates and queries carry the trace. */
export function temporalClientInterceptors() {
  return active ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/** The workflow interceptor module (goes into the workflow bundle when tracing is on). */
export const WORKFLOW_TRACING_MODULE = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/**
 * Worker options for tracing: workflow spans (exported from the sandbox through a sink), activity
 * spans continuing the workflow's trace, and trace ids in the activities' log attributes.
 */
export function temporalWorkerTracing(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  if (!active) return {};
  const { spanProcessor, resource } = active;
  return {
    interceptors: {
      workflowModules: [WORKFLOW_TRACING_MODULE],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
  };
}
