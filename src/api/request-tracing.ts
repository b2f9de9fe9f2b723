/**
 * A server span per API request when tracing is on (src/ops/tracing.ts): it continues the caller's
 * W3C trace context, carries the request id (X-Request-Id) as attribute and as baggage `request.id`
 * (so the workflow, its activities and their logs see it), and is the parent of everything the
 * request does — the Temporal client's calls, PostgreSQL queries. Off (no hook) without tracing.
 */
import { type Span, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { tracing } from '../ops/tracing.js';

const spans = new WeakMap<FastifyRequest, Span>();

export function installRequestTracing(app: FastifyInstance): void {
  if (!tracing()) return;
  const tracer = trace.getTracer('smog-response-api');
  app.addHook('onRequest', (req, _reply, done) => {
    const parent = propagation.extract(context.active(), req.headers);
    const route = req.routeOptions.url ?? req.url.split('?')[0];
    const span = tracer.startSpan(
      `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': req.method, 'http.route': route ?? '', 'request.id': req.id },
      },
      parent,
    );
    spans.set(req, span);
    const baggage = (propagation.getBaggage(parent) ?? propagation.createBaggage()).setEntry('request.id', {
      value: String(req.id),
    });
    // everything after this hook (handlers, client calls, queries) runs inside the span's context
    context.with(propagation.setBaggage(trace.setSpan(parent, span), baggage), done);
  });
  app.addHook('onResponse', async (req, reply) => {
    const span = spans.get(req);
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}
