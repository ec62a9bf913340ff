/**
 * Request signing for brokers with authentication on (RocketMQ 5's ACL 2.0 and 4.x plain ACL
 * alike), as Java's AclClientRPCHook does it: add `AccessKey` to the header's extFields, then
 * `Signature` = Base64(HmacSHA1(secretKey, the extField values concatenated in key order
 * (without Signature) + the body)). Java orders keys with a TreeMap (UTF-16 code units), which
 * is JavaScript's default string sort. Checked against the Java class by
 * test/unit/protocol/acl-signature.test.ts.
 */
import { createHmac } from 'node:crypto';
import type { RemotingCommand } from './codec.ts';

/** An ACL user's keys (ACL 2.0: username and password; plain ACL: accessKey and secretKey). */
export interface AclCredentials {
  accessKey: string;
  secretKey: string;
}

export const ACCESS_KEY_FIELD = 'AccessKey';
export const SIGNATURE_FIELD = 'Signature';

/** Signs `request` in place; signing again (a retry) gives the same fields. */
export function signRequest(request: RemotingCommand, credentials: AclCredentials): void {
  const fields = request.extFields ?? {};
  request.extFields = fields;
  fields[ACCESS_KEY_FIELD] = credentials.accessKey;
  const text = Object.keys(fields)
    .filter((key) => key !== SIGNATURE_FIELD)
    .sort()
    .map((key) => fields[key])
    .join('');
  const content = request.body ? Buffer.concat([Buffer.from(text, 'utf8'), request.body]) : Buffer.from(text, 'utf8');
  fields[SIGNATURE_FIELD] = createHmac('sha1', Buffer.from(credentials.secretKey, 'utf8'))
    .update(content)
    .digest('base64');
}
