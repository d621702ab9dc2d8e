/**
 * An exact sliding window: remembers the times of the last `capacity` hits in a ring, so "more than
 * `capacity` hits within `windowMs`" is one comparison with the oldest of them, whatever the alignment.
 */
export class HitWindow {
  private readonly times: number[];
  private next = 0;
  private filled = 0;

  constructor(private readonly capacity: number) {
    this.times = new Array<number>(Math.max(0, capacity)).fill(0);
  }

  /** Records a hit; true when it is the (capacity+1)-th hit within `windowMs` (a full window ending now). */
  hit(now: number, windowMs: number): boolean {
    if (this.capacity <= 0) return true;
    const exceeded = this.filled === this.capacity && now - this.times[this.next]! < windowMs;
    this.times[this.next] = now;
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
    if (this.filled < this.capacity) this.filled++;
    return exceeded;
  }
}
