/**
 * The request id (baggage `request.id`, from X-Request-Id) and trace id of the active OpenTelemetry
 * context, for log lines and the delivery log; empty while tracing is off (src/ops/tracing.ts).
 * Only the light @opentelemetry/api: the logger and the notifier import it.
 */
import { propagation, trace } from '@opentelemetry/api';

export function traceLogFields(): { trace_id?: string; request_id?: string } {
  const fields: { trace_id?: string; request_id?: string } = {};
  const span = trace.getActiveSpan();
  if (span?.isRecording()) fields.trace_id = span.spanContext().traceId;
  const requestId = propagation.getActiveBaggage()?.getEntry('request.id')?.value;
  if (requestId) fields.request_id = requestId;
  return fields;
}
