/**
 * A secret value (an ACL user's secret key) that cannot be printed by accident: `String()`,
 * template literals, `JSON.stringify` and `util.inspect` all give `[redacted]`, so a secret
 * that strays into an error message, an event, a summary or a console line shows as that.
 * The value itself comes out only through `reveal()`, which every caller that really needs it
 * (signing a request, a worker's config, a broker's own config file) names explicitly.
 */
import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
