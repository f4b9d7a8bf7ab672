-- Connections (EventBridge's shape) that an HTTP Task's Authentication.ConnectionArn names.
-- `public_parameters` holds what DescribeConnection may show (key names, user name, client id,
-- endpoint); `sealed_parameters` the whole AuthParameters sealed with AES-256-GCM under the
-- master key (engine/api/key-secrets.ts), bound to the connection's ARN.
CREATE TABLE connections (
  name                text PRIMARY KEY,
  arn                 text NOT NULL UNIQUE,
  description         text,
  authorization_type  text NOT NULL,
  public_parameters   jsonb NOT NULL,
  sealed_parameters   text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);
