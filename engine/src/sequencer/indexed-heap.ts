// A binary heap of objects that know their own slot (`heapIndex`), so any element can be removed or
// re-keyed in O(log n) without a search. Used by the trigger books, the liquidation index and the
// dead-man switch. Owner: whichever structure holds it; an object lives in at most one heap at a time.
//
// Determinism: `before` must be a strict total order (ties broken by an id), so the element at the top
// depends only on the set of elements, never on the order they were pushed in. A heap rebuilt from a
// snapshot therefore pops exactly what the original would have.

export interface HeapItem {
  /** slot in the heap holding the item, −1 when in none */
  heapIndex: number;
}

export class IndexedHeap<T extends HeapItem> {
  private readonly a: T[] = [];

  /** `before(x, y)`: x comes out first. Must be a strict total order over the items. */
  constructor(private readonly before: (x: T, y: T) => boolean) {}

  get size(): number {
    return this.a.length;
  }

  peek(): T | undefined {
    return this.a[0];
  }

  has(x: T): boolean {
    return x.heapIndex >= 0 && this.a[x.heapIndex] === x;
  }

  push(x: T): void {
    if (x.heapIndex >= 0) throw new Error("item is already in a heap");
    x.heapIndex = this.a.length;
    this.a.push(x);
    this.up(x.heapIndex);
  }

  pop(): T | undefined {
    const top = this.a[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(x: T): void {
    const i = x.heapIndex;
    if (!this.has(x)) throw new Error("item is not in this heap");
    const last = this.a.pop()!;
    x.heapIndex = -1;
    if (last === x) return;
    this.a[i] = last;
    last.heapIndex = i;
    this.fix(i);
  }

  /** Restores the order after x's key changed. */
  update(x: T): void {
    if (!this.has(x)) throw new Error("item is not in this heap");
    this.fix(x.heapIndex);
  }

  /** Every item, in no particular order (snapshots sort what they write). */
  items(): readonly T[] {
    return this.a;
  }

  private fix(i: number): void {
    if (i > 0 && this.before(this.a[i]!, this.a[(i - 1) >> 1]!)) this.up(i);
    else this.down(i);
  }

  private up(i: number): void {
    const a = this.a;
    const x = a[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p]!;
      if (!this.before(x, parent)) break;
      a[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    a[i] = x;
    x.heapIndex = i;
  }

  private down(i: number): void {
    const a = this.a;
    const n = a.length;
    const x = a[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(a[r]!, a[l]!) ? r : l;
      const child = a[c]!;
      if (!this.before(child, x)) break;
      a[i] = child;
      child.heapIndex = i;
      i = c;
    }
    a[i] = x;
    x.heapIndex = i;
  }
}
