/**
 * Request signing matches Java's AclClientRPCHook byte for byte: the signatures below were
 * printed by RocketMQ 5.3.3's client (test/fixtures/remoting/acl-signature.jsh, run with jshell
 * on a built Java worker's lib/*) for the same requests, with non-ASCII in the secret and a
 * value, a key that sorts before the lowercase ones, a body, and a request without one.
 */
import { describe, expect, it } from 'vitest';
import { createRequest } from '../../../src/protocol/index.ts';
import { signRequest } from '../../../src/protocol/remoting/acl-signature.ts';

const credentials = { accessKey: 'app', secretKey: 's3cret-ü' };

describe('ACL request signing', () => {
  it('signs as AclClientRPCHook does: sorted extField values, then the body, HmacSHA1, Base64', () => {
    const request = createRequest(
      10,
      { topic: 'orders', queueId: 3, properties: 'KEYS\u0001a\u0002zé', Zeta: '1' },
      Buffer.from('body bytes'),
    );
    signRequest(request, credentials);
    expect(request.extFields).toMatchObject({ AccessKey: 'app', Signature: '7owcA9JsMx2hP750lt/7cv+H90k=' });
  });

  it('signs a request without a body, and signing twice gives the same signature', () => {
    const request = createRequest(34, { clientID: 'x@y' });
    signRequest(request, credentials);
    signRequest(request, credentials);
    expect(request.extFields?.Signature).toBe('t/2VBUtIddAqOA5Kj6kd1F+vu50=');
  });

  it('a different secret or field gives a different signature', () => {
    const a = createRequest(34, { clientID: 'x@y' });
    const b = createRequest(34, { clientID: 'x@z' });
    signRequest(a, { ...credentials, secretKey: 'other' });
    signRequest(b, credentials);
    expect(a.extFields?.Signature).not.toBe('t/2VBUtIddAqOA5Kj6kd1F+vu50=');
    expect(b.extFields?.Signature).not.toBe('t/2VBUtIddAqOA5Kj6kd1F+vu50=');
  });
});
