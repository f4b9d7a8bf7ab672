-- API keys: `id` is the public key id (the AWS SDK's access key id), `secret` the shared secret
-- (SigV4 needs it to recompute signatures; REST sends `Bearer <id>.<secret>`). Scopes: read,
-- execute, admin. A revoked key stays for the record.
CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  secret      text NOT NULL,
  name        text NOT NULL,
  scopes      text[] NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);
