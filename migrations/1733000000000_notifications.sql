-- Up Migration
-- Delivery log of every outgoing message, one row per (message, channel target).
-- The idempotency key (episode + step + recipient) is unique per channel target: a retried send
-- finds its row and never delivers a 'sent' message again.
CREATE TABLE notification_deliveries (
  id               bigserial PRIMARY KEY,
  idempotency_key  text NOT NULL,
  episode_id       text NOT NULL,
  step             text NOT NULL,
  recipient_id     text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('log', 'webhook', 'wecom', 'dingtalk', 'email', 'sms')),
  target           text NOT NULL,                 -- display form of the target (no secrets)
  title            text NOT NULL,
  body             text NOT NULL,
  exercise         boolean NOT NULL DEFAULT false,
  cap_xml          text,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  remote_id        text,                          -- receiver's id of the delivery, when it gives one
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz,
  CONSTRAINT notification_deliveries_key UNIQUE (idempotency_key, channel, target)
);
CREATE INDEX notification_deliveries_episode ON notification_deliveries (episode_id, created_at);
CREATE INDEX notification_deliveries_open ON notification_deliveries (status) WHERE status <> 'sent';

-- Down Migration
DROP TABLE notification_deliveries;
