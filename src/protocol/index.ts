/**
 * RocketMQ's classic remoting wire protocol, as every part of the harness that talks to a
 * name server or broker needs it: the frame codec, request and response codes, connections,
 * fastjson bodies, route data, the Java queue orderings and allocation strategy, and the admin
 * requests. The `remoting` client driver is built on it; observers, the cluster providers,
 * `doctor` and the diagnoses use it directly. This file is its public surface: import from
 * here, never from the files under `remoting/`, so what moves inside stays inside.
 *
 * It depends on nothing of the harness but `util/`, so any layer may use it.
 */

export { encodeCommand, decodeCommand, FrameDecoder, type RemotingCommand } from './remoting/codec.ts';
export {
  RequestCode,
  ResponseCode,
  RETRYABLE_SEND_CODES,
  requestCodeName,
  responseCodeName,
} from './remoting/request-codes.ts';
export {
  RemotingError,
  RemotingResponseError,
  RemotingTimeoutError,
  RemotingConnectError,
  RemotingClosedError,
  RemotingProtocolError,
} from './remoting/errors.ts';
export { RemotingConnection, createRequest, expectCode, type HeaderFields } from './remoting/connection.ts';
export { RemotingClient, type RemotingClientOptions } from './remoting/remoting-client.ts';
export { stringifyFastjson, type FastjsonValue } from './remoting/lenient-json.ts';
export {
  Perm,
  masterAddr,
  parseBody,
  publishQueues,
  subscribeQueues,
  type ClusterInfo,
  type TopicRoute,
} from './remoting/route.ts';
export { compareJava, compareQueues, queueKey, type MessageQueueRef } from './remoting/message-queue.ts';
export { allocateAveragely } from './remoting/allocate-averagely.ts';
export { RemotingAdmin, consumerIdList, type CreateTopicOptions } from './remoting/admin.ts';
export type { ConsumerConnection, ConsumerRunningInfo, QueueConsumeStats } from './remoting/admin-bodies.ts';
