/**
 * RocketMQ as every part of the harness that talks to it needs it. The classic remoting wire
 * protocol: the frame codec, request and response codes, connections, fastjson bodies, route
 * data, the Java queue orderings and allocation strategy, subscription data and the admin
 * requests. And the semantics both client protocols share: subscriptions and their tag
 * expressions, retry and dead-letter topic names. The `remoting` client driver is built on it;
 * the gRPC driver, the plan, observers, the cluster providers, `doctor` and the diagnoses use
 * it directly. This file is its public surface: import from here, never from the files beside
 * it, so what moves inside stays inside.
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
export { controllerLeader, controllerMetadata, syncStates, type SyncStates } from './remoting/controller-admin.ts';
export type { ConsumerConnection, ConsumerRunningInfo, QueueConsumeStats } from './remoting/admin-bodies.ts';
export {
  acceptsTag,
  buildSubscription,
  javaStringHashCode,
  type SubscriptionData,
} from './remoting/subscription-data.ts';
export { SYSTEM_PROPERTY_NAMES } from './remoting/system-properties.ts';

// RocketMQ semantics both client protocols share.
export {
  SUB_ALL,
  TAG_EXPRESSION,
  TAG_NAME,
  SubscriptionMapSchema,
  canonicalExpression,
  parseTagExpression,
  subscriptionMap,
  subscriptionsOf,
  type Subscription,
  type ExpressionType,
  type SubscriptionMap,
  type SubscriptionValue,
  type TagFilter,
} from './subscription.ts';
export {
  DLQ_GROUP_TOPIC_PREFIX,
  RETRY_GROUP_TOPIC_PREFIX,
  isRetryOrDlqTopic,
  isRetryTopic,
  retryTopic,
} from './group-topics.ts';
