// Holds a line cut by the end of a read until the next read completes it (one reused buffer per parser).

export class LineStash {
  /** Grows by doubling, so a line arriving byte by byte costs amortised O(1) per byte. */
  buf: Buffer | null = null;
  length = 0;

  /** Append buf[start, end). */
  append(src: Buffer, start: number, end: number): void {
    const need = this.length + (end - start);
    let buf = this.buf;
    if (buf === null || need > buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 256, buf === null ? 0 : buf.length * 2));
      if (buf !== null) buf.copy(grown, 0, 0, this.length);
      this.buf = buf = grown;
    }
    src.copy(buf, this.length, start, end);
    this.length = need;
  }

  /** Replace the content with src[start, end) (src may be this stash's own buffer). */
  reset(src: Buffer, start: number, end: number): void {
    if (src === this.buf && start === 0) {
      this.length = end;
      return;
    }
    this.length = 0;
    this.append(src, start, end);
  }
}
