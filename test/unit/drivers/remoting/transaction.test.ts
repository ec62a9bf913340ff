/** END_TRANSACTION's header as Java's EndTransactionRequestHeader names it, and offset message ids. */
import { describe, expect, it } from 'vitest';
import {
  TransactionSysFlag,
  commitLogOffsetOf,
  endTransactionRequest,
} from '../../../../src/drivers/remoting/transaction.ts';
import { RequestCode } from '../../../../src/protocol/index.ts';

describe('END_TRANSACTION', () => {
  const fields = {
    topic: 'payments',
    producerGroup: 'payments',
    tranStateTableOffset: 41,
    commitLogOffset: 123_456_789_012,
    fromTransactionCheck: false,
    msgId: 'AC1100017F0A0000',
    transactionId: 'tx-1',
    brokerName: 'broker-a',
  };

  it('carries MessageSysFlag commit (8), rollback (12) and "not known" (0) with the half named three ways', () => {
    const flags = (['commit', 'rollback', 'unknown'] as const).map(
      (outcome) => endTransactionRequest({ ...fields, outcome }).extFields?.['commitOrRollback'],
    );
    expect(flags).toEqual(['8', '12', '0']);
    expect([TransactionSysFlag.COMMIT, TransactionSysFlag.ROLLBACK, TransactionSysFlag.NOT]).toEqual([8, 12, 0]);
    const request = endTransactionRequest({ ...fields, outcome: 'commit', fromTransactionCheck: true });
    expect(request.code).toBe(RequestCode.END_TRANSACTION);
    expect(RequestCode.END_TRANSACTION).toBe(37);
    expect(request.extFields).toEqual({
      topic: 'payments',
      producerGroup: 'payments',
      tranStateTableOffset: '41',
      commitLogOffset: '123456789012',
      commitOrRollback: '8',
      fromTransactionCheck: 'true',
      msgId: 'AC1100017F0A0000',
      transactionId: 'tx-1',
      bname: 'broker-a',
    });
  });

  it('reads the commit log offset from an IPv4 or IPv6 offset message id, and refuses anything else', () => {
    expect(commitLogOffsetOf('7F00000100002A9F000000000001E240')).toBe(123_456);
    expect(commitLogOffsetOf(`${'0'.repeat(32)}00002A9F00000000000000FF`)).toBe(255);
    expect(() => commitLogOffsetOf('LOOPBACK')).toThrow(/not an offset message id/);
  });
});
