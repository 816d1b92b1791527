// The answers produced while parsing one read, written with one syscall (FIN after them when the connection closes).

import type { Socket } from 'node:net';

/** After the write: keep the connection open. */
export const KEEP_OPEN = 0;
/**
 * After the write: FIN (shutdown); we keep reading and dropping until the peer closes (lingering close), so
 * unread input never turns our FIN into an RST that could destroy the answer before the peer reads it.
 */
export const END = 1;
/** Answers up to this size are copied into one buffer; larger ones go out as separate writes (writev). */
const COALESCE_BYTES = 64 * 1024;

export class OutputBatch {
  private readonly parts: Buffer[] = [];
  /** Bytes queued and not yet handed to the socket. */
  bytes = 0;

  get empty(): boolean {
    return this.parts.length === 0;
  }

  push(data: Buffer): void {
    this.parts.push(data);
    this.bytes += data.length;
  }

  /**
   * Hand everything to the socket: one write for a pipelined batch of small answers, then `after`.
   * `onFlushed`, when given, runs once the bytes have reached the kernel (used to resume after backpressure).
   */
  writeTo(socket: Socket, after: number, onFlushed: ((err?: Error | null) => void) | null): void {
    const parts = this.parts;
    const n = parts.length;
    const total = this.bytes;
    this.bytes = 0;
    if (!socket.writable) {
      // The peer is gone ('close' follows); drop the answers rather than provoke write-after-end errors.
      parts.length = 0;
      return;
    }
    if (n === 0) {
      if (after !== KEEP_OPEN) socket.end();
      return;
    }
    let data: Buffer;
    let corked = false;
    if (n === 1) data = parts[0]!;
    else if (total <= COALESCE_BYTES) data = Buffer.concat(parts, total);
    else {
      corked = true;
      socket.cork();
      for (let k = 0; k < n - 1; k++) socket.write(parts[k]!);
      data = parts[n - 1]!;
    }
    parts.length = 0;
    if (after === END) socket.end(data);
    else if (onFlushed !== null) socket.write(data, onFlushed);
    else socket.write(data);
    if (corked) socket.uncork();
  }
}
