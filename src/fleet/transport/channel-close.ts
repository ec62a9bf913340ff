/**
 * The "closes once" part every transport shares: the channel is marked closed from whichever
 * side notices first, and the one close handler runs exactly once, also when it is registered
 * after the close (on the next microtask, so a caller can finish wiring up first).
 */
export class ChannelClose {
  private handler: (() => void) | undefined;
  private isClosed = false;
  private fired = false;

  get closed(): boolean {
    return this.isClosed;
  }

  onClose(handler: () => void): void {
    this.handler = handler;
    if (this.isClosed) queueMicrotask(() => this.fire());
  }

  /** Marks the channel closed; the handler runs if it is registered. Safe to call again. */
  mark(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.fire();
  }

  private fire(): void {
    if (this.fired || !this.handler) return;
    this.fired = true;
    this.handler();
  }
}
