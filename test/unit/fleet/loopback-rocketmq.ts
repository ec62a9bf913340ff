/**
 * The smallest RocketMQ a remoting client can produce to and consume from, on 127.0.0.1: one
 * listener answering as both name server and broker ("broker-a", every topic with two
 * queues), storing what producers send and handing it to consumers' pulls (held until a
 * message arrives, as a broker's long polling does). Just enough for real worker processes to
 * exchange every kind of protocol message with the coordinator in a unit test, without a JVM.
 * Offsets are not kept (every consumer starts at 0); no retries, no filtering on the server.
 * Transactions: a half (prepared sysFlag) is held apart; END_TRANSACTION commits it to its queue,
 * drops it, or, when "not known", checks back at once on the connection it came from.
 */
import net from 'node:net';
import {
  FLAG_ONEWAY,
  FLAG_RESPONSE,
  FrameDecoder,
  encodeCommand,
  isResponse,
  type RemotingCommand,
} from '../../../src/protocol/remoting/codec.ts';
import { MESSAGE_MAGIC_CODE_V1 } from '../../../src/drivers/remoting/message-decoder.ts';
import { RequestCode, ResponseCode } from '../../../src/protocol/remoting/request-codes.ts';

const BROKER = 'broker-a';
const QUEUES = 2;
/** A held pull is answered "nothing new" after this long, well inside the client's pull timeout. */
const HOLD_MS = 1000;

interface Stored {
  queueOffset: number;
  commitLogOffset?: number;
  bornTimestamp: number;
  body: Buffer;
  properties: string;
}

interface HeldPull {
  request: RemotingCommand;
  reply: (answer: Partial<RemotingCommand>) => void;
  timer: NodeJS.Timeout;
}

type Answer = Partial<RemotingCommand> | 'held';

/** Pulls of this consumer group are answered NO_PERMISSION. */
export const NO_PERMISSION_GROUP = 'refused';

export class LoopbackRocketMQ {
  addr = '';
  /** Every request code received, in order (for a failing test's message). */
  readonly codes: number[] = [];
  private readonly queues = new Map<string, Stored[]>();
  private readonly held = new Map<string, Set<HeldPull>>();
  private readonly consumers = new Map<string, Set<string>>();
  private readonly sockets = new Set<net.Socket>();
  /** Halves waiting for END_TRANSACTION, by commit log offset. */
  private readonly halves = new Map<number, { topic: string; queueId: number; stored: Stored }>();
  private nextCommitLogOffset = 1000;
  private nextCheckOpaque = 50_000;
  private readonly server = net.createServer((socket) => this.serve(socket));

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.addr = `127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const pulls of this.held.values()) for (const pull of pulls) clearTimeout(pull.timer);
    this.held.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk) => {
      for (const request of decoder.push(chunk)) {
        if (isResponse(request)) continue;
        this.codes.push(request.code);
        const reply = (answer: Partial<RemotingCommand>) => {
          if (request.flag & FLAG_ONEWAY || socket.destroyed) return;
          socket.write(
            encodeCommand({
              code: ResponseCode.SUCCESS,
              language: 'JAVA',
              version: 479,
              ...answer,
              opaque: request.opaque,
              flag: FLAG_RESPONSE,
            }),
          );
        };
        const answer = this.answer(request, reply, socket);
        if (answer !== 'held') reply(answer);
      }
    });
  }

  private answer(
    request: RemotingCommand,
    reply: (answer: Partial<RemotingCommand>) => void,
    socket: net.Socket,
  ): Answer {
    const ext = request.extFields ?? {};
    switch (request.code) {
      case RequestCode.GET_ROUTEINFO_BY_TOPIC:
        return {
          body: json({
            brokerDatas: [{ brokerName: BROKER, cluster: 'loopback', brokerAddrs: { 0: this.addr } }],
            queueDatas: [{ brokerName: BROKER, perm: 6, readQueueNums: QUEUES, writeQueueNums: QUEUES }],
          }),
        };
      case RequestCode.HEART_BEAT: {
        const heartbeat = JSON.parse(request.body?.toString('utf8') ?? '{}') as {
          clientID: string;
          consumerDataSet?: Array<{ groupName: string }>;
        };
        for (const { groupName } of heartbeat.consumerDataSet ?? []) this.group(groupName).add(heartbeat.clientID);
        return {};
      }
      case RequestCode.UNREGISTER_CLIENT:
        if (ext['consumerGroup']) this.group(ext['consumerGroup']).delete(ext['clientID'] ?? '');
        return {};
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP:
        return { body: json({ consumerIdList: [...this.group(ext['consumerGroup'] ?? '')].sort() }) };
      case RequestCode.QUERY_CONSUMER_OFFSET:
        return { code: ResponseCode.QUERY_NOT_FOUND, remark: 'no offset yet' };
      case RequestCode.SEND_MESSAGE_V2:
        if (Number(ext['f']) & TRANSACTION_PREPARED) return this.storeHalf(ext, request.body);
        return this.store(ext['b'] ?? '', Number(ext['e']), Number(ext['g']), ext['i'] ?? '', request.body);
      case RequestCode.END_TRANSACTION:
        this.endTransaction(ext, socket);
        return {};
      case RequestCode.PULL_MESSAGE:
        return this.pull(request, reply);
      default:
        return {};
    }
  }

  private storeHalf(ext: Record<string, string>, body?: Buffer): Answer {
    const commitLogOffset = this.nextCommitLogOffset++;
    const queueId = Number(ext['e']);
    const stored = {
      queueOffset: this.halves.size,
      commitLogOffset,
      bornTimestamp: Number(ext['g']),
      properties: ext['i'] ?? '',
      body: body ?? Buffer.alloc(0),
    };
    this.halves.set(commitLogOffset, { topic: ext['b'] ?? '', queueId, stored });
    return {
      extFields: {
        queueId: String(queueId),
        queueOffset: String(stored.queueOffset),
        msgId: offsetMsgId(commitLogOffset),
      },
    };
  }

  /** Commit (8) stores the half, rollback (12) drops it, "not known" (0) checks back on `socket`. */
  private endTransaction(ext: Record<string, string>, socket: net.Socket): void {
    const commitLogOffset = Number(ext['commitLogOffset']);
    const half = this.halves.get(commitLogOffset);
    if (!half) return;
    const outcome = Number(ext['commitOrRollback']);
    if (outcome === 0) {
      socket.write(
        encodeCommand({
          code: RequestCode.CHECK_TRANSACTION_STATE,
          language: 'JAVA',
          version: 479,
          opaque: this.nextCheckOpaque++,
          flag: FLAG_ONEWAY,
          extFields: {
            topic: half.topic,
            tranStateTableOffset: String(half.stored.queueOffset),
            commitLogOffset: String(commitLogOffset),
            msgId: ext['msgId'] ?? '',
            transactionId: ext['transactionId'] ?? '',
            bname: BROKER,
          },
          body: storeRecord(half.topic, half.queueId, half.stored),
        }),
      );
      return;
    }
    this.halves.delete(commitLogOffset);
    if (outcome === 8) {
      const { topic, queueId, stored } = half;
      this.store(topic, queueId, stored.bornTimestamp, stored.properties, stored.body);
    }
  }

  private store(topic: string, queueId: number, bornTimestamp: number, properties: string, body?: Buffer): Answer {
    const key = `${topic}/${queueId}`;
    const log = this.queues.get(key) ?? [];
    this.queues.set(key, log);
    log.push({ queueOffset: log.length, bornTimestamp, properties, body: body ?? Buffer.alloc(0) });
    for (const pull of this.held.get(key) ?? []) {
      clearTimeout(pull.timer);
      pull.reply(this.pullAnswer(pull.request));
    }
    this.held.delete(key);
    return {
      extFields: {
        queueId: String(queueId),
        queueOffset: String(log.length - 1),
        msgId: offsetMsgId(this.nextCommitLogOffset++),
      },
    };
  }

  private pull(request: RemotingCommand, reply: (answer: Partial<RemotingCommand>) => void): Answer {
    // A group the broker's ACL would refuse (as a revoked permission does): every pull is refused.
    if (request.extFields?.['consumerGroup'] === NO_PERMISSION_GROUP)
      return { code: ResponseCode.NO_PERMISSION, remark: 'no permission to pull' };
    const answer = this.pullAnswer(request);
    if (answer.code !== ResponseCode.PULL_NOT_FOUND) return answer;
    const key = `${request.extFields?.['topic']}/${request.extFields?.['queueId']}`;
    const pulls = this.held.get(key) ?? new Set<HeldPull>();
    this.held.set(key, pulls);
    const pull: HeldPull = {
      request,
      reply,
      timer: setTimeout(() => {
        pulls.delete(pull);
        reply(answer);
      }, HOLD_MS),
    };
    pulls.add(pull);
    return 'held';
  }

  private pullAnswer(request: RemotingCommand): Partial<RemotingCommand> {
    const ext = request.extFields ?? {};
    const topic = ext['topic'] ?? '';
    const queueId = Number(ext['queueId']);
    const from = Number(ext['queueOffset']);
    const log = this.queues.get(`${topic}/${queueId}`) ?? [];
    const batch = log.slice(from, from + Number(ext['maxMsgNums'] ?? 32));
    const offsets = { minOffset: '0', maxOffset: String(log.length), suggestWhichBrokerId: '0' };
    if (batch.length === 0)
      return { code: ResponseCode.PULL_NOT_FOUND, extFields: { ...offsets, nextBeginOffset: String(from) } };
    return {
      extFields: { ...offsets, nextBeginOffset: String(from + batch.length) },
      body: Buffer.concat(batch.map((m) => storeRecord(topic, queueId, m))),
    };
  }

  private group(name: string): Set<string> {
    const ids = this.consumers.get(name) ?? new Set<string>();
    this.consumers.set(name, ids);
    return ids;
  }
}

/** MessageSysFlag.TRANSACTION_PREPARED_TYPE. */
const TRANSACTION_PREPARED = 0x1 << 2;

/** An offset message id as a broker makes it: store host 127.0.0.1:10911, then the commit log offset. */
function offsetMsgId(commitLogOffset: number): string {
  const b = Buffer.alloc(16);
  b.set([127, 0, 0, 1]);
  b.writeInt32BE(10911, 4);
  b.writeBigInt64BE(BigInt(commitLogOffset), 8);
  return b.toString('hex').toUpperCase();
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** One message in the broker's store format (v1: one-byte topic length, IPv4 hosts). */
function storeRecord(topic: string, queueId: number, m: Stored): Buffer {
  const host = (port: number) => {
    const b = Buffer.alloc(8);
    b.set([127, 0, 0, 1]);
    b.writeInt32BE(port, 4);
    return b;
  };
  const head = Buffer.alloc(36);
  head.writeInt32BE(MESSAGE_MAGIC_CODE_V1, 4);
  head.writeInt32BE(queueId, 12);
  head.writeBigInt64BE(BigInt(m.queueOffset), 20);
  head.writeBigInt64BE(BigInt(m.commitLogOffset ?? m.queueOffset * 1000), 28);
  const mid = Buffer.alloc(12); // sysFlag 0, born timestamp
  mid.writeBigInt64BE(BigInt(m.bornTimestamp), 4);
  const stored = Buffer.alloc(8);
  stored.writeBigInt64BE(BigInt(Date.now()), 0);
  const tail = Buffer.alloc(16); // reconsume times 0, prepared transaction offset 0, body length
  tail.writeInt32BE(m.body.length, 12);
  const topicBytes = Buffer.from(topic);
  const props = Buffer.from(m.properties);
  const propsLength = Buffer.alloc(2);
  propsLength.writeInt16BE(props.length, 0);
  const record = Buffer.concat([
    head,
    mid,
    host(50000),
    stored,
    host(10911),
    tail,
    m.body,
    Buffer.from([topicBytes.length]),
    topicBytes,
    propsLength,
    props,
  ]);
  record.writeInt32BE(record.length, 0);
  return record;
}
