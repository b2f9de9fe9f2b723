/** Shapes shared by the notification channels and the notifier. */

export const CHANNEL_KINDS = ['log', 'webhook', 'wecom', 'dingtalk', 'email', 'sms'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** One message to one plan recipient; the notifier fans it out to the recipient's channel targets. */
export interface OutgoingMessage {
  /** episodeId + step + recipient: the business key that makes a retried send a no-op. */
  idempotencyKey: string;
  episodeId: string;
  step: string;
  /** Plan unit id ('branch.beipiao', 'public', 'office.director', …). */
  recipientId: string;
  title: string;
  /** Chinese text; robots render it as markdown. */
  body: string;
  exercise: boolean;
  /** CAP 1.2 XML of a public warning, carried by webhooks and email. */
  capXml?: string;
  /** The provider-approved SMS template and its variables (public warnings; SMS providers take only these). */
  smsTemplate?: SmsTemplateMessage;
}

export interface SmsTemplateMessage {
  templateId: string;
  /** In the template's order: Tencent Cloud takes the values in order, Aliyun by name. */
  params: Array<{ name: string; value: string }>;
}

/** The recipient of public warnings (the public channels: feed receivers, WeChat/Weibo webhooks, SMS). */
export const PUBLIC_RECIPIENT = 'public';

/**
 * `exercises: true` lets a target of the public recipient receive exercise warnings; without it an
 * exercise never reaches a public channel (it is recorded on the log channel instead).
 */
export type ChannelTarget = (
  | { channel: 'log' }
  | { channel: 'webhook'; url: string; headers?: Record<string, string> }
  | { channel: 'wecom'; url: string; mentionedMobiles?: string[] }
  | { channel: 'dingtalk'; url: string; secret?: string; atMobiles?: string[] }
  | { channel: 'email'; to: string }
  | { channel: 'sms'; phone: string }
) & { exercises?: boolean };

/** Who sends: the CAP sender, the display name of e-mails and robot messages, the SMS signature. */
export interface SenderIdentity {
  id: string;
  name: string;
  smsSignature: string;
  emailFrom: string;
}

/** The message as a channel sees it: exercise marks already applied. */
export interface PreparedMessage extends OutgoingMessage {
  /** Stable key per (message, target), sent to receivers that deduplicate. */
  deliveryKey: string;
}

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface DeliveryRecord {
  id: number;
  idempotencyKey: string;
  recipientId: string;
  channel: ChannelKind;
  target: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  remoteId: string | null;
  sentAt: string | null;
}

/** What a channel reports after the receiver accepted the message. */
export interface DeliveryReceipt {
  remoteId?: string;
}

export interface Channel<T extends ChannelTarget = ChannelTarget> {
  readonly kind: T['channel'];
  /** Delivers, or throws a `DeliveryError` (transient or permanent). */
  deliver(target: T, message: PreparedMessage, sender: SenderIdentity): Promise<DeliveryReceipt>;
}

export type ChannelSet = { [K in ChannelKind]: Channel<Extract<ChannelTarget, { channel: K }>> };

/** A failure at a receiver. Transient failures are retried by the activity; permanent ones are not. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}
