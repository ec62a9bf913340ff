/**
 * Request and response codes of the classic RocketMQ remoting protocol, as defined in
 * `org.apache.rocketmq.remoting.protocol.RequestCode` / `ResponseCode` (RocketMQ 5.3.x).
 * Only the codes the harness sends, answers or interprets are listed; the numbers are wire
 * constants and must never be renumbered.
 */

export const RequestCode = {
  SEND_MESSAGE: 10,
  PULL_MESSAGE: 11,
  QUERY_CONSUMER_OFFSET: 14,
  UPDATE_CONSUMER_OFFSET: 15,
  UPDATE_AND_CREATE_TOPIC: 17,
  UPDATE_BROKER_CONFIG: 25,
  GET_BROKER_CONFIG: 26,
  GET_MAX_OFFSET: 30,
  GET_MIN_OFFSET: 31,
  HEART_BEAT: 34,
  UNREGISTER_CLIENT: 35,
  CONSUMER_SEND_MSG_BACK: 36,
  /** Oneway: a transactional half's commit, rollback or "not known yet" (EndTransactionRequestHeader). */
  END_TRANSACTION: 37,
  GET_CONSUMER_LIST_BY_GROUP: 38,
  /** Broker → producer, oneway: what became of this half message? (answered with END_TRANSACTION). */
  CHECK_TRANSACTION_STATE: 39,
  NOTIFY_CONSUMER_IDS_CHANGED: 40,
  LOCK_BATCH_MQ: 41,
  UNLOCK_BATCH_MQ: 42,
  GET_ROUTEINFO_BY_TOPIC: 105,
  GET_BROKER_CLUSTER_INFO: 106,
  GET_ALL_SUBSCRIPTIONGROUP_CONFIG: 201,
  GET_CONSUMER_CONNECTION_LIST: 203,
  GET_CONSUME_STATS: 208,
  DELETE_TOPIC_IN_BROKER: 215,
  DELETE_TOPIC_IN_NAMESRV: 216,
  GET_CONSUMER_RUNNING_INFO: 307,
  CONSUME_MESSAGE_DIRECTLY: 309,
  SEND_MESSAGE_V2: 310,
  SEND_BATCH_MESSAGE: 320,
  QUERY_SUBSCRIPTION_BY_CONSUMER: 345,
  /** Plain ACL (4.x, 5.0-5.2): create or replace one account (CreateAccessConfigRequestHeader). */
  UPDATE_AND_CREATE_ACL_CONFIG: 50,
  /** ACL 2.0 (5.3+): a user (CreateUserRequestHeader `username`, body UserInfo JSON). */
  AUTH_CREATE_USER: 3001,
  /** ACL 2.0: merge policy entries into a subject's ACL, creating it (header `subject`, body AclInfo JSON). */
  AUTH_UPDATE_ACL: 3007,
  /** ACL 2.0: remove a subject's entry for one resource (header `subject`, `policyType`, `resource`). */
  AUTH_DELETE_ACL: 3008,
} as const;
export type RequestCode = (typeof RequestCode)[keyof typeof RequestCode];

export const ResponseCode = {
  SUCCESS: 0,
  SYSTEM_ERROR: 1,
  SYSTEM_BUSY: 2,
  REQUEST_CODE_NOT_SUPPORTED: 3,
  TRANSACTION_FAILED: 4,
  FLUSH_DISK_TIMEOUT: 10,
  SLAVE_NOT_AVAILABLE: 11,
  FLUSH_SLAVE_TIMEOUT: 12,
  MESSAGE_ILLEGAL: 13,
  SERVICE_NOT_AVAILABLE: 14,
  VERSION_NOT_SUPPORTED: 15,
  NO_PERMISSION: 16,
  TOPIC_NOT_EXIST: 17,
  TOPIC_EXIST_ALREADY: 18,
  PULL_NOT_FOUND: 19,
  PULL_RETRY_IMMEDIATELY: 20,
  PULL_OFFSET_MOVED: 21,
  QUERY_NOT_FOUND: 22,
  SUBSCRIPTION_PARSE_FAILED: 23,
  SUBSCRIPTION_NOT_EXIST: 24,
  SUBSCRIPTION_NOT_LATEST: 25,
  SUBSCRIPTION_GROUP_NOT_EXIST: 26,
  FILTER_DATA_NOT_EXIST: 27,
  FILTER_DATA_NOT_LATEST: 28,
  INVALID_PARAMETER: 29,
  NO_BUYER_ID: 204,
  NOT_IN_CURRENT_UNIT: 205,
  CONSUMER_NOT_ONLINE: 206,
  CONSUME_MSG_TIMEOUT: 207,
  NO_MESSAGE: 208,
  BROKER_NOT_EXIST: 211,
  FLOW_CONTROL: 215,
  NOT_LEADER_FOR_QUEUE: 501,
  ILLEGAL_OPERATION: 604,
  GO_AWAY: 1500,
} as const;
export type ResponseCode = (typeof ResponseCode)[keyof typeof ResponseCode];

const requestNames = new Map<number, string>(Object.entries(RequestCode).map(([k, v]) => [v, k]));
const responseNames = new Map<number, string>(Object.entries(ResponseCode).map(([k, v]) => [v, k]));

/** `PULL_MESSAGE(11)`; unknown codes print as the bare number so logs never lie. */
export function requestCodeName(code: number): string {
  const name = requestNames.get(code);
  return name ? `${name}(${code})` : String(code);
}

/** `TOPIC_NOT_EXIST(17)`; lets error counters group by a readable key. */
export function responseCodeName(code: number): string {
  const name = responseNames.get(code);
  return name ? `${name}(${code})` : String(code);
}

/**
 * Broker codes after which the Java producer retries on another broker
 * (`DefaultMQProducer.retryResponseCodes`); anything else fails the send at once.
 */
export const RETRYABLE_SEND_CODES: ReadonlySet<number> = new Set([
  ResponseCode.TOPIC_NOT_EXIST,
  ResponseCode.SERVICE_NOT_AVAILABLE,
  ResponseCode.SYSTEM_ERROR,
  ResponseCode.SYSTEM_BUSY,
  ResponseCode.NO_PERMISSION,
  ResponseCode.NO_BUYER_ID,
  ResponseCode.NOT_IN_CURRENT_UNIT,
  ResponseCode.GO_AWAY,
]);

/** Language codes (`LanguageCode`); the ROCKETMQ binary header carries them as one byte. */
export const LanguageCode = {
  JAVA: 0,
  CPP: 1,
  DOTNET: 2,
  PYTHON: 3,
  DELPHI: 4,
  ERLANG: 5,
  RUBY: 6,
  OTHER: 7,
  HTTP: 8,
  GO: 9,
  PHP: 10,
  OMS: 11,
  RUST: 12,
  NODE_JS: 13,
} as const;
export type LanguageName = keyof typeof LanguageCode;

/** `MQVersion.Version.V5_3_3.ordinal()`: what a 5.3.3 Java client puts in every request's `version`. */
export const CLIENT_VERSION_V5_3_3 = 479;
