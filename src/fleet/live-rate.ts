/**
 * The coordinator's `set-rate` commands, for a producer loop that started before any of them
 * arrived: the worker holds one, the loop subscribes to it once it has its schedule. A change
 * that comes before the loop subscribes is kept and handed over at subscription.
 */
export class LiveRate {
  private listener: ((ratePerSecond: number) => void) | undefined;
  private early: number | undefined;

  set(ratePerSecond: number): void {
    if (this.listener) this.listener(ratePerSecond);
    else this.early = ratePerSecond;
  }

  onChange(listener: (ratePerSecond: number) => void): void {
    this.listener = listener;
    if (this.early !== undefined) listener(this.early);
    this.early = undefined;
  }
}
