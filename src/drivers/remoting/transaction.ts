/**
 * The wire side of transactional messages (Java's MessageSysFlag transaction bits and
 * EndTransactionRequestHeader), shared by the producer's END_TRANSACTION and the client
 * instance's answer to a check-back.
 */
import { RequestCode, createRequest, type RemotingCommand } from '../../protocol/index.ts';
import type { TransactionOutcome } from '../driver.ts';

/** MessageSysFlag: bits 2-3 carry the transaction type. */
export const TransactionSysFlag = {
  /** TRANSACTION_NOT_TYPE: END_TRANSACTION with "not known yet" (Java's UNKNOW). */
  NOT: 0,
  PREPARED: 0x1 << 2,
  COMMIT: 0x2 << 2,
  ROLLBACK: 0x3 << 2,
} as const;

const OUTCOME_FLAG: Record<TransactionOutcome, number> = {
  commit: TransactionSysFlag.COMMIT,
  rollback: TransactionSysFlag.ROLLBACK,
  unknown: TransactionSysFlag.NOT,
};

export interface EndTransactionFields {
  topic: string;
  producerGroup: string;
  /** The half's queue offset (the send result's queueOffset). */
  tranStateTableOffset: number;
  commitLogOffset: number;
  outcome: TransactionOutcome;
  fromTransactionCheck: boolean;
  /** The message's unique id. */
  msgId: string;
  transactionId: string;
  brokerName: string;
}

/** END_TRANSACTION, sent oneway as Java's endTransactionOneway does; `bname` is RpcRequestHeader's broker name. */
export function endTransactionRequest(fields: EndTransactionFields): RemotingCommand {
  return createRequest(RequestCode.END_TRANSACTION, {
    topic: fields.topic,
    producerGroup: fields.producerGroup,
    tranStateTableOffset: fields.tranStateTableOffset,
    commitLogOffset: fields.commitLogOffset,
    commitOrRollback: OUTCOME_FLAG[fields.outcome],
    fromTransactionCheck: fields.fromTransactionCheck,
    msgId: fields.msgId,
    transactionId: fields.transactionId,
    bname: fields.brokerName,
  });
}

/**
 * The commit-log offset in an offset message id (Java's MessageDecoder.decodeMessageId): the
 * store host (4 or 16 address bytes, 4 port bytes) then the offset, 8 bytes, as upper-case hex.
 */
export function commitLogOffsetOf(offsetMsgId: string): number {
  if (!/^[0-9A-Fa-f]{32}$|^[0-9A-Fa-f]{56}$/.test(offsetMsgId))
    throw new Error(`not an offset message id: ${JSON.stringify(offsetMsgId)}`);
  return Number(BigInt(`0x${offsetMsgId.slice(-16)}`));
}
