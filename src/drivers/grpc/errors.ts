/**
 * Typed failures of the grpc driver. Like the remoting driver's errors, every one carries a
 * short `reason` that load reports count by, so a run can say "412 sends failed with
 * proxy:TOO_MANY_REQUESTS(42900) while the broker was paused" instead of lumping failures:
 *
 * - `proxy:<CODE>(<n>)`  the proxy answered with a RocketMQ v2 status code (apache.rocketmq.v2.Code)
 * - `grpc:<STATUS>(<n>)` the call failed at the gRPC layer (no answer, deadline, connection refused)
 * - `timeout`            our own guard fired: a library call neither resolved nor failed in time
 * - `closed`             the client was closed before or while the call ran
 * - `client`             the library refused locally (message type not accepted by the topic, body too large)
 *
 * The library's own error types stay inside this folder; `toGrpcDriverError` turns whatever it
 * threw into a GrpcDriverError.
 */
import { ClientException } from 'rocketmq-client-nodejs';
import { HarnessError } from '../../util/errors.ts';

/** apache.rocketmq.v2.Code (definition.proto); numbers are the wire contract, names what reports show. */
const PROXY_CODES: Readonly<Record<number, string>> = {
  20000: 'OK',
  30000: 'MULTIPLE_RESULTS',
  40000: 'BAD_REQUEST',
  40001: 'ILLEGAL_ACCESS_POINT',
  40002: 'ILLEGAL_TOPIC',
  40003: 'ILLEGAL_CONSUMER_GROUP',
  40004: 'ILLEGAL_MESSAGE_TAG',
  40005: 'ILLEGAL_MESSAGE_KEY',
  40006: 'ILLEGAL_MESSAGE_GROUP',
  40007: 'ILLEGAL_MESSAGE_PROPERTY_KEY',
  40008: 'INVALID_TRANSACTION_ID',
  40009: 'ILLEGAL_MESSAGE_ID',
  40010: 'ILLEGAL_FILTER_EXPRESSION',
  40011: 'ILLEGAL_INVISIBLE_TIME',
  40012: 'ILLEGAL_DELIVERY_TIME',
  40013: 'INVALID_RECEIPT_HANDLE',
  40014: 'MESSAGE_PROPERTY_CONFLICT_WITH_TYPE',
  40015: 'UNRECOGNIZED_CLIENT_TYPE',
  40016: 'MESSAGE_CORRUPTED',
  40017: 'CLIENT_ID_REQUIRED',
  40018: 'ILLEGAL_POLLING_TIME',
  40019: 'ILLEGAL_OFFSET',
  40020: 'ILLEGAL_LITE_TOPIC',
  40100: 'UNAUTHORIZED',
  40200: 'PAYMENT_REQUIRED',
  40300: 'FORBIDDEN',
  40400: 'NOT_FOUND',
  40401: 'MESSAGE_NOT_FOUND',
  40402: 'TOPIC_NOT_FOUND',
  40403: 'CONSUMER_GROUP_NOT_FOUND',
  40404: 'OFFSET_NOT_FOUND',
  40800: 'REQUEST_TIMEOUT',
  41300: 'PAYLOAD_TOO_LARGE',
  41301: 'MESSAGE_BODY_TOO_LARGE',
  41302: 'MESSAGE_BODY_EMPTY',
  42800: 'PRECONDITION_FAILED',
  42900: 'TOO_MANY_REQUESTS',
  42901: 'LITE_TOPIC_QUOTA_EXCEEDED',
  42902: 'LITE_SUBSCRIPTION_QUOTA_EXCEEDED',
  43100: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
  43101: 'MESSAGE_PROPERTIES_TOO_LARGE',
  50000: 'INTERNAL_ERROR',
  50001: 'INTERNAL_SERVER_ERROR',
  50002: 'HA_NOT_AVAILABLE',
  50100: 'NOT_IMPLEMENTED',
  50400: 'PROXY_TIMEOUT',
  50401: 'MASTER_PERSISTENCE_TIMEOUT',
  50402: 'SLAVE_PERSISTENCE_TIMEOUT',
  50500: 'UNSUPPORTED',
  50501: 'VERSION_UNSUPPORTED',
  50502: 'VERIFY_FIFO_MESSAGE_UNSUPPORTED',
  60000: 'FAILED_TO_CONSUME_MESSAGE',
};

/** gRPC status codes (grpc/status.h). */
const GRPC_STATUSES: readonly string[] = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

export function proxyCodeName(code: number): string {
  return `${PROXY_CODES[code] ?? 'UNKNOWN_CODE'}(${code})`;
}

export function grpcStatusName(code: number): string {
  return `${GRPC_STATUSES[code] ?? 'UNKNOWN_STATUS'}(${code})`;
}

/** What the driver was doing; part of `code` so two failures of one kind stay apart. */
export type GrpcOperation = 'start' | 'send' | 'receive' | 'ack' | 'nack' | 'shutdown';

export class GrpcDriverError extends HarnessError {
  constructor(
    readonly operation: GrpcOperation,
    /** Stable, countable cause; see the file comment. */
    readonly reason: string,
    message: string,
    /** The proxy's RocketMQ status code, when the proxy answered. */
    readonly proxyCode?: number,
    cause?: unknown,
  ) {
    super(`grpc-${operation}-failed`, message, undefined, undefined, { cause });
  }
}

interface ServiceErrorLike {
  code: number;
  details: string;
  metadata: object;
}

/** @grpc/grpc-js rejects calls with a ServiceError: an Error with a numeric status `code`, `details` and `metadata`. */
function isServiceError(error: unknown): error is Error & ServiceErrorLike {
  if (!(error instanceof Error) || error instanceof ClientException) return false;
  const e = error as Partial<ServiceErrorLike>;
  return (
    typeof e.code === 'number' &&
    e.code >= 0 &&
    e.code <= 16 &&
    typeof e.details === 'string' &&
    typeof e.metadata === 'object'
  );
}

/** The library wraps startup failures (`Startup the rocketmq client failed`) in plain Errors; the cause says why. */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e !== undefined && e !== null && chain.length < 8; e = (e as { cause?: unknown }).cause)
    chain.push(e);
  return chain;
}

/** Maps anything the library threw to a GrpcDriverError with a countable reason. */
export function toGrpcDriverError(error: unknown, operation: GrpcOperation, what: string): GrpcDriverError {
  if (error instanceof GrpcDriverError) return error;
  const chain = causeChain(error);
  const proxy = chain.find((e): e is ClientException => e instanceof ClientException);
  if (proxy) {
    // ClientException messages start with "[request-id=…, response-code=…] "; the rest is the proxy's remark.
    const remark = firstLine(proxy.message.replace(/^\[[^\]]*\]\s*/, ''));
    return new GrpcDriverError(
      operation,
      `proxy:${proxyCodeName(proxy.code)}`,
      `${what} failed: ${proxyCodeName(proxy.code)} ${remark}`.trimEnd(),
      proxy.code,
      error,
    );
  }
  const transport = chain.find(isServiceError);
  if (transport) {
    return new GrpcDriverError(
      operation,
      `grpc:${grpcStatusName(transport.code)}`,
      `${what} failed: ${grpcStatusName(transport.code)} ${firstLine(transport.details)}`.trimEnd(),
      undefined,
      error,
    );
  }
  const last = chain[chain.length - 1];
  const text = last instanceof Error ? last.message : String(last);
  return new GrpcDriverError(operation, 'client', `${what} failed: ${firstLine(text)}`, undefined, error);
}

export function timeoutError(operation: GrpcOperation, what: string, ms: number): GrpcDriverError {
  return new GrpcDriverError(operation, 'timeout', `${what} did not settle within ${ms} ms`);
}

export function closedError(operation: GrpcOperation, what: string): GrpcDriverError {
  return new GrpcDriverError(operation, 'closed', `${what}: the client is closed`);
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
