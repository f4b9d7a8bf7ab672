-- API key secrets are no longer stored readable. `secret_hash` (hex SHA-256 of the secret)
-- verifies `Bearer <id>.<secret>`; `secret_sealed` (AES-256-GCM under a master key that is not
-- in the database, see engine/api/key-secrets.ts) lets the API recompute SigV4 signatures.
-- SQL has no master key, so the existing plaintext secrets are hashed here and sealed by the
-- API at start (or by `stepflow keys|auth`), which then clears `secret`; new rows never set it.
ALTER TABLE api_keys
  ADD COLUMN secret_hash text,
  ADD COLUMN secret_sealed text,
  ALTER COLUMN secret DROP NOT NULL;
UPDATE api_keys SET secret_hash = encode(sha256(convert_to(secret, 'UTF8')), 'hex');
ALTER TABLE api_keys ALTER COLUMN secret_hash SET NOT NULL;

-- Authentication, once on, stays on: the `api_auth` setting is 'on' from the first key on and
-- only `stepflow auth disable` turns it 'off' — revoking every key no longer reopens the API.
-- A deployment upgraded with active keys is on; one whose keys were all revoked stays open
-- until a key is created (as it was before this migration).
INSERT INTO settings (name, value)
SELECT 'api_auth', 'on' WHERE EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)
ON CONFLICT (name) DO UPDATE SET value = 'on';

-- Whatever inserts a key (CLI, bootstrap, plain SQL) turns authentication on in the same
-- transaction, so there is no moment where a key exists and the API is open.
CREATE FUNCTION api_keys_turn_auth_on() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO settings (name, value) VALUES ('api_auth', 'on')
  ON CONFLICT (name) DO UPDATE SET value = 'on';
  RETURN NULL;
END
$$;
CREATE TRIGGER api_keys_turn_auth_on AFTER INSERT ON api_keys
  FOR EACH ROW EXECUTE FUNCTION api_keys_turn_auth_on();
