/**
 * Real local receivers for the notification tests: one node:http server playing the generic webhook,
 * the SMS gateway (both deduplicate on Idempotency-Key, as real gateways do), the WeCom robot and
 * the DingTalk robot (which do not deduplicate; DingTalk checks the signature); and an SMTP server
 * (smtp-server) that keeps one copy per Message-ID, like a mail store.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of several receiver formats, inspected by the tests
  body: any;
}

export interface HttpReceiver {
  url: string;
  /** Every request that reached the server. */
  requests: ReceivedRequest[];
  /** Deliveries that took effect (after deduplication where the receiver deduplicates). */
  delivered: ReceivedRequest[];
  /** Answer the next n requests to `path` with this status. */
  failNext(path: string, count: number, status: number, body?: unknown): void;
  close(): Promise<void>;
}

export const DINGTALK_SECRET = 'SECtest-secret';

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const delivered: ReceivedRequest[] = [];
  const seen = new Map<string, string>();
  const failures = new Map<string, { count: number; status: number; body: unknown }>();
  let counter = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      const r: ReceivedRequest = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
      };
      requests.push(r);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const f = failures.get(r.path);
      if (f && f.count > 0) {
        f.count--;
        return reply(f.status, f.body);
      }
      if (r.path === '/webhook' || r.path === '/sms') {
        const key = String(req.headers['idempotency-key'] ?? '');
        const earlier = seen.get(`${r.path} ${key}`);
        if (earlier) return reply(200, { id: earlier, duplicate: true });
        const id = `msg-${++counter}`;
        seen.set(`${r.path} ${key}`, id);
        delivered.push(r);
        return reply(200, { id });
      }
      if (r.path === '/wecom/send') {
        delivered.push(r);
        return reply(200, { errcode: 0, errmsg: 'ok' });
      }
      if (r.path === '/dingtalk/send') {
        const ts = r.query.get('timestamp') ?? '';
        const expected = createHmac('sha256', DINGTALK_SECRET)
          .update(`${ts}\n${DINGTALK_SECRET}`)
          .digest('base64');
        if (r.query.get('sign') !== expected || Math.abs(Date.now() - Number(ts)) > 3_600_000) {
          return reply(200, { errcode: 310000, errmsg: 'sign not match' });
        }
        delivered.push(r);
        return reply(200, { errcode: 0, errmsg: 'ok' });
      }
      reply(404, { error: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered,
    failNext(path, count, status, body = { error: 'injected' }) {
      failures.set(path, { count, status, body });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedMail {
  messageId: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  /** Every DATA transaction. */
  transactions: number;
  /** Stored mails, one per Message-ID. */
  mailbox: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mailbox: ReceivedMail[] = [];
  const state = { transactions: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject')) {
        const err = new Error('mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.transactions++;
        const raw = Buffer.concat(chunks).toString('utf8');
        const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';
        if (!mailbox.some((m) => m.messageId === messageId)) {
          mailbox.push({ messageId, to: session.envelope.rcptTo.map((r) => r.address), raw });
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    get transactions() {
      return state.transactions;
    },
    mailbox,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
