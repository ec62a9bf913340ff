/**
 * Tag subscriptions as Java's `FilterAPI.buildSubscriptionData` builds them. The broker
 * filters by `codeSet` (Java `String.hashCode` of each tag, compared with the tag hash in
 * the consume queue); hashes collide, so the client re-checks the tag string itself
 * (`PullAPIWrapper.processPullResult`). The JSON shape is `SubscriptionData`'s, because it
 * travels in heartbeats and consumer running info, where the broker and admin tools read it.
 */
import { type ExpressionType, SUB_ALL, parseTagExpression } from '../subscription.ts';

export interface SubscriptionData {
  classFilterMode: false;
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  /** Java uses the build time in ms; the broker rejects pulls whose subVersion is newer than what it holds. */
  subVersion: number;
  expressionType: ExpressionType;
}

/**
 * `type` SQL92 builds what Java's `FilterAPI.build(topic, sql, SQL92)` does: the expression as
 * `subString`, no tags or codes (the broker compiles the SQL from the heartbeat and filters by
 * it; the client has nothing to re-check, so acceptsTag lets every message through).
 */
export function buildSubscription(
  topic: string,
  expression: string,
  subVersion = Date.now(),
  type: ExpressionType = 'TAG',
): SubscriptionData {
  if (type === 'SQL92') {
    return {
      classFilterMode: false,
      topic,
      subString: expression,
      tagsSet: [],
      codeSet: [],
      subVersion,
      expressionType: 'SQL92',
    };
  }
  const tags = parseTagExpression(expression);
  if (tags === SUB_ALL) {
    return {
      classFilterMode: false,
      topic,
      subString: SUB_ALL,
      tagsSet: [],
      codeSet: [],
      subVersion,
      expressionType: 'TAG',
    };
  }
  return {
    classFilterMode: false,
    topic,
    subString: expression,
    tagsSet: tags,
    codeSet: [...new Set(tags.map(javaStringHashCode))],
    subVersion,
    expressionType: 'TAG',
  };
}

/** Client-side re-check after broker filtering: a tagged subscription drops untagged messages too. */
export function acceptsTag(subscription: SubscriptionData, tag: string | undefined): boolean {
  if (subscription.tagsSet.length === 0) return true;
  return tag !== undefined && subscription.tagsSet.includes(tag);
}

/** Java's `String.hashCode` over UTF-16 code units, with int32 overflow. */
export function javaStringHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}
