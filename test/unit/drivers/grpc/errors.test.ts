import {
  BadRequestException,
  InternalErrorException,
  NotFoundException,
  TooManyRequestsException,
} from 'rocketmq-client-nodejs';
import { describe, expect, it } from 'vitest';
import {
  GrpcDriverError,
  closedError,
  grpcStatusName,
  proxyCodeName,
  timeoutError,
  toGrpcDriverError,
} from '../../../../src/drivers/grpc/errors.ts';
import { HarnessError } from '../../../../src/util/errors.ts';

/** What @grpc/grpc-js rejects a call with. */
function serviceError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe('grpc error mapping', () => {
  it('names proxy codes and gRPC statuses with their numbers, unknown ones too', () => {
    expect(proxyCodeName(42900)).toBe('TOO_MANY_REQUESTS(42900)');
    expect(proxyCodeName(40402)).toBe('TOPIC_NOT_FOUND(40402)');
    expect(proxyCodeName(12345)).toBe('UNKNOWN_CODE(12345)');
    expect(grpcStatusName(14)).toBe('UNAVAILABLE(14)');
    expect(grpcStatusName(4)).toBe('DEADLINE_EXCEEDED(4)');
    expect(grpcStatusName(99)).toBe('UNKNOWN_STATUS(99)');
  });

  it('a proxy status becomes proxy:<CODE>(n) with the remark and no request-id noise', () => {
    const error = toGrpcDriverError(
      new TooManyRequestsException(42900, 'flow control: too many requests\nsecond line', 'rid-1'),
      'send',
      'send to T',
    );
    expect(error).toBeInstanceOf(GrpcDriverError);
    expect(error).toBeInstanceOf(HarnessError);
    expect(error.reason).toBe('proxy:TOO_MANY_REQUESTS(42900)');
    expect(error.code).toBe('grpc-send-failed');
    expect(error.proxyCode).toBe(42900);
    expect(error.message).toBe('send to T failed: TOO_MANY_REQUESTS(42900) flow control: too many requests');
    expect(
      toGrpcDriverError(new NotFoundException(40402, 'CODE: 17  DESC: No topic route info', undefined), 'send', 's')
        .reason,
    ).toBe('proxy:TOPIC_NOT_FOUND(40402)');
    expect(
      toGrpcDriverError(new BadRequestException(40011, 'the invisibleTime is too small', undefined), 'receive', 'r')
        .reason,
    ).toBe('proxy:ILLEGAL_INVISIBLE_TIME(40011)');
    expect(toGrpcDriverError(new InternalErrorException(50001, 'x', undefined), 'ack', 'a').code).toBe(
      'grpc-ack-failed',
    );
  });

  it('a gRPC transport failure becomes grpc:<STATUS>(n)', () => {
    const error = toGrpcDriverError(
      serviceError(14, 'No connection established. Last error: connect ECONNREFUSED'),
      'receive',
      'receive for g',
    );
    expect(error.reason).toBe('grpc:UNAVAILABLE(14)');
    expect(error.proxyCode).toBeUndefined();
    expect(error.message).toBe(
      'receive for g failed: UNAVAILABLE(14) No connection established. Last error: connect ECONNREFUSED',
    );
    expect(toGrpcDriverError(serviceError(4, 'Deadline exceeded after 3.000s'), 'send', 's').reason).toBe(
      'grpc:DEADLINE_EXCEEDED(4)',
    );
  });

  it('looks through the wrappers the library puts around startup failures', () => {
    const wrapped = new Error('Startup the rocketmq client failed, clientId=x, error=...', {
      cause: new Error('Failed to fetch topic routes after 3 attempts', {
        cause: serviceError(14, 'connect ECONNREFUSED'),
      }),
    });
    expect(toGrpcDriverError(wrapped, 'start', 'consumer c').reason).toBe('grpc:UNAVAILABLE(14)');
    const proxyWrapped = new Error('Startup failed', { cause: new NotFoundException(40402, 'no route', undefined) });
    expect(toGrpcDriverError(proxyWrapped, 'start', 'consumer c').reason).toBe('proxy:TOPIC_NOT_FOUND(40402)');
  });

  it(
    'a local refusal of the library is `client`; an error with a ' +
      'numeric code but no gRPC shape is not taken for one',
    () => {
      const error = toGrpcDriverError(
        new TypeError('Current message type not match with topic accept message types'),
        'send',
        'send to T',
      );
      expect(error.reason).toBe('client');
      expect(error.message).toBe('send to T failed: Current message type not match with topic accept message types');
      expect(toGrpcDriverError(Object.assign(new Error('odd'), { code: 14 }), 'send', 's').reason).toBe('client');
      expect(toGrpcDriverError('a string', 'send', 's').reason).toBe('client');
    },
  );

  it('keeps its own errors as they are; timeout and closed have fixed reasons', () => {
    const timeout = timeoutError('start', 'consumer c', 15_000);
    expect(toGrpcDriverError(timeout, 'send', 'other')).toBe(timeout);
    expect(timeout.reason).toBe('timeout');
    expect(timeout.message).toBe('consumer c did not settle within 15000 ms');
    expect(closedError('send', 'send to T')).toMatchObject({ reason: 'closed', code: 'grpc-send-failed' });
  });
});
