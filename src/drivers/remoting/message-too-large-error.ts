/**
 * A message (or batch) over the client's size limit, refused before it leaves, as Java's
 * `Validators.checkMessage` does ("the message body size over max value"): a send outcome the
 * load counts under its own reason, `message-too-large`, never a crash.
 */
import { RemotingError } from '../../protocol/index.ts';

/** Java's `DefaultMQProducer.maxMessageSize` default: 4 MiB. */
export const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

export class MessageTooLargeError extends RemotingError {
  readonly reason = 'message-too-large';
  constructor(
    readonly bytes: number,
    readonly limit: number,
    what: 'message body' | 'batch body',
  ) {
    super('message-too-large', `${what} is ${bytes} bytes, over the limit of ${limit} (maxMessageSize)`);
  }
}
