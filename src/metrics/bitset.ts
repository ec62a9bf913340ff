/**
 * A set of non-negative integers as bits, grown in fixed pages on demand so memory follows
 * the highest sequence seen (one bit per message), never one object per message.
 */
const PAGE_BITS = 1 << 16;
const PAGE_WORDS = PAGE_BITS / 32;

export class PagedBitset {
  private readonly pages: (Uint32Array | undefined)[] = [];
  private population = 0;

  /** Sets `index`; returns false when it was already set. */
  add(index: number): boolean {
    const pageIndex = Math.floor(index / PAGE_BITS);
    let page = this.pages[pageIndex];
    if (!page) {
      page = new Uint32Array(PAGE_WORDS);
      this.pages[pageIndex] = page;
    }
    const bit = index % PAGE_BITS;
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if ((page[word]! & mask) !== 0) return false;
    page[word] = page[word]! | mask;
    this.population++;
    return true;
  }

  has(index: number): boolean {
    const page = this.pages[Math.floor(index / PAGE_BITS)];
    if (!page) return false;
    const bit = index % PAGE_BITS;
    return (page[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  get size(): number {
    return this.population;
  }

  /** Bytes held by the pages (for the memory benchmark and the report). */
  get bytes(): number {
    return this.pages.reduce((sum, page) => sum + (page ? page.byteLength : 0), 0);
  }

  /** Counts members of this set that are not in `other`; optionally lists the first few. */
  countMissingFrom(other: PagedBitset, sample?: number[], sampleLimit = 0): number {
    let missing = 0;
    this.forEachMissingWord(other, (bits, first) => {
      missing += popcount(bits);
      for (let b = 0; b < 32 && sample && sample.length < sampleLimit; b++) if (bits & (1 << b)) sample.push(first + b);
    });
    return missing;
  }

  /** Calls `visit` with every member of this set that is not in `other`, in ascending order. */
  forEachMissingFrom(other: PagedBitset, visit: (index: number) => void): void {
    this.forEachMissingWord(other, (bits, first) => {
      for (let b = 0; b < 32; b++) if (bits & (1 << b)) visit(first + b);
    });
  }

  /** Each 32-bit word of "in this set, not in `other`" that is not empty, with the index of its bit 0. */
  private forEachMissingWord(other: PagedBitset, visit: (bits: number, first: number) => void): void {
    this.pages.forEach((page, pageIndex) => {
      if (!page) return;
      const otherPage = other.pages[pageIndex];
      for (let word = 0; word < PAGE_WORDS; word++) {
        const bits = page[word]! & ~(otherPage ? otherPage[word]! : 0);
        if (bits !== 0) visit(bits, pageIndex * PAGE_BITS + word * 32);
      }
    });
  }

  /** Counts members at or above `limit`. */
  countAtOrAbove(limit: number): number {
    let count = 0;
    this.pages.forEach((page, pageIndex) => {
      if (!page) return;
      const first = pageIndex * PAGE_BITS;
      if (first + PAGE_BITS <= limit) return;
      for (let bit = Math.max(0, limit - first); bit < PAGE_BITS; bit++) {
        if (page[bit >>> 5]! & (1 << (bit & 31))) count++;
      }
    });
    return count;
  }
}

function popcount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
