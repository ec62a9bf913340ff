/**
 * The shared token: read from a file or the environment (never from a plan or a command line,
 * where it would end up in shell history and reports), and used only to answer a challenge, so
 * it never crosses the wire.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UsageError } from '../util/errors.ts';
import { TOKEN_ENV } from './agent-protocol.ts';

/** A short token is guessable by whoever can reach the port. */
const MIN_TOKEN_LENGTH = 16;

export function readToken(file: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  let token: string | undefined;
  let from: string;
  if (file !== undefined) {
    from = file;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new UsageError(`cannot read the agent token file ${file}: ${(error as Error).message}`);
    }
  } else {
    from = `$${TOKEN_ENV}`;
    token = env[TOKEN_ENV]?.trim();
  }
  if (!token)
    throw new UsageError(
      `no agent token: ${from} is ${file === undefined ? 'not set' : 'empty'}`,
      `give coordinator and agents the same secret, e.g. export ${TOKEN_ENV}=$(openssl rand -hex 24), or --token-file`,
    );
  if (token.length < MIN_TOKEN_LENGTH)
    throw new UsageError(
      `the agent token from ${from} is ${token.length} characters; use at least ${MIN_TOKEN_LENGTH}`,
    );
  return token;
}

export function newNonce(): string {
  return randomBytes(24).toString('hex');
}

export function proofOf(token: string, nonce: string): string {
  return createHmac('sha256', token).update(nonce).digest('hex');
}

/** Constant-time: how long the check takes says nothing about how much of the proof was right. */
export function proofMatches(token: string, nonce: string, proof: string): boolean {
  const expected = Buffer.from(proofOf(token, nonce), 'hex');
  const given = Buffer.from(proof, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
