// Packet capture with tcpdump as a child process: start, wait until it really listens, flush, stop by PID.

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { H1Error } from '../errors.js';

export interface CaptureOptions {
  /** pcap file tcpdump writes (overwritten). */
  readonly file: string;
  /** Capture `tcp port N` only. */
  readonly port: number;
  /** Interface; default `lo` (h1bench only loads loopback or namespace addresses). */
  readonly iface?: string;
  /**
   * Bytes kept per packet; default 256 (all TCP/IP headers, the start of the HTTP message). In
   * --immediate-mode libpcap uses a TPACKET_V2 ring whose slots are snap-length sized: with whole
   * 256 KiB loopback packets the ring holds a handful, and a busy machine then drops packets.
   */
  readonly snapLength?: number;
  /** Kernel capture buffer in KiB (tcpdump -B); default 32768. */
  readonly bufferKiB?: number;
  /** Executable; default `tcpdump` from PATH. */
  readonly tcpdump?: string;
  /** How long tcpdump may take to say it listens; default 10 s. */
  readonly startTimeoutMs?: number;
}

/** tcpdump's own end-of-capture counters (null when it did not print them). */
export interface CaptureStats {
  readonly captured: number | null;
  readonly receivedByFilter: number | null;
  /** Packets the kernel dropped because the capture ring was full: > 0 means wire counts are incomplete. */
  readonly droppedByKernel: number | null;
  /** False when the flush marker never reached the file: the last packets may be missing. */
  readonly flushed: boolean;
}

/** tcpdumps still running: SIGINTed if this process exits without stopping them (a crash mid-run). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const running of live) running.kill('SIGINT');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}

const MARKER_POLL_MS = 10;
const MARKER_TIMEOUT_MS = 5_000;
const EXIT_TIMEOUT_MS = 5_000;

/**
 * A running tcpdump. Its filter also matches one UDP port of our own: stop() sends a random token
 * there and waits until the token is in the file. The kernel hands packets to tcpdump in order, so
 * every TCP packet sent before stop() is then on disk; SIGINT alone may lose the packets still
 * queued in the capture buffer when tcpdump's loop breaks.
 */
export class PacketCapture {
  private stderr = '';
  private exited: Promise<number | null>;
  private stopping: Promise<CaptureStats> | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly marker: Socket,
    private readonly markerPort: number,
    readonly file: string,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** PID of the tcpdump process (ours to signal). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Start tcpdump and resolve once it prints "listening on". Throws H1B_TOOL_MISSING, H1B_PERMISSION_DENIED, H1B_CAPTURE_FAILED. */
  static async start(options: CaptureOptions): Promise<PacketCapture> {
    const marker = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      marker.once('error', reject);
      marker.bind(0, '127.0.0.1', () => {
        marker.off('error', reject);
        resolve();
      });
    });
    const markerPort = marker.address().port;
    const args = [
      '-i', options.iface ?? 'lo',
      // Without --immediate-mode libpcap batches packets and loopback captures come back empty or late.
      '--immediate-mode',
      '-U',
      '-n',
      '-s', String(options.snapLength ?? 256),
      '-B', String(options.bufferKiB ?? 32_768),
      '-w', options.file,
      `tcp port ${options.port} or (udp and dst host 127.0.0.1 and dst port ${markerPort})`,
    ];
    const child = spawn(options.tcpdump ?? 'tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    track(child);
    const capture = new PacketCapture(child, marker, markerPort, options.file);
    try {
      await capture.waitListening(options.startTimeoutMs ?? 10_000);
    } catch (error) {
      marker.close();
      if (capture.child.exitCode === null && capture.child.signalCode === null) {
        capture.child.kill('SIGKILL');
        await capture.exited;
      }
      throw error;
    }
    return capture;
  }

  /** Flush (marker round trip), SIGINT tcpdump by PID, wait for it to exit. Idempotent: later calls get the same stats. */
  stop(): Promise<CaptureStats> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<CaptureStats> {
    let flushed = false;
    try {
      flushed = await this.flush();
    } finally {
      this.marker.close();
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    return parseStats(this.stderr, flushed);
  }

  private waitListening(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new H1Error('H1B_CAPTURE_FAILED', `tcpdump did not start listening within ${timeoutMs} ms: ${this.stderr.trim()}`)), timeoutMs);
      const onData = (): void => {
        // tcpdump prints this after the device is open and the filter installed.
        if (/listening on /.test(this.stderr)) finish(null);
      };
      const onError = (error: NodeJS.ErrnoException): void => {
        finish(
          error.code === 'ENOENT'
            ? new H1Error('H1B_TOOL_MISSING', 'tcpdump is not installed (Debian/Ubuntu: apt-get install tcpdump)', { cause: error })
            : new H1Error('H1B_CAPTURE_FAILED', `tcpdump could not be started: ${error.message}`, { cause: error }),
        );
      };
      const onExit = (code: number | null): void => finish(tcpdumpStartError(this.stderr, code));
      const finish = (error: Error | null): void => {
        clearTimeout(timer);
        this.child.stderr?.off('data', onData);
        this.child.off('error', onError);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve();
      };
      this.child.stderr?.on('data', onData);
      this.child.once('error', onError);
      this.child.once('exit', onExit);
    });
  }

  /** Send the token to our marker port and poll the file's new bytes until the token shows up. */
  private async flush(): Promise<boolean> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return false;
    const token = randomBytes(16);
    const handle = await open(this.file, 'r');
    try {
      // The marker can only land after what is on disk now: skip that (a long run's file is large).
      let offset = (await handle.stat()).size;
      await new Promise<void>((resolve, reject) => {
        this.marker.send(token, this.markerPort, '127.0.0.1', (error) => (error ? reject(error) : resolve()));
      });
      let tail = Buffer.alloc(0);
      const deadline = Date.now() + MARKER_TIMEOUT_MS;
      for (;;) {
        const { size } = await handle.stat();
        if (size > offset) {
          const chunk = Buffer.alloc(size - offset);
          await handle.read(chunk, 0, chunk.length, offset);
          offset = size;
          // Keep the last 15 bytes so a token split across two reads is still found.
          const window = Buffer.concat([tail, chunk]);
          if (window.includes(token)) return true;
          tail = window.subarray(Math.max(0, window.length - token.length + 1));
        }
        if (Date.now() > deadline) return false;
        // Bounded poll of an external condition (tcpdump writing its file); nothing to wait on instead.
        await new Promise((resolve) => setTimeout(resolve, MARKER_POLL_MS));
      }
    } finally {
      await handle.close();
    }
  }
}

/** Classify why tcpdump exited before listening, from its stderr (exported for tests). */
export function tcpdumpStartError(stderr: string, code: number | null): H1Error {
  const text = stderr.trim().replace(/\s*\n\s*/g, ' ') || `exit code ${String(code)}`;
  if (/permission|not permitted|operation not permitted/i.test(text)) {
    return new H1Error('H1B_PERMISSION_DENIED', `tcpdump may not capture on this interface (needs root or CAP_NET_RAW): ${text}`);
  }
  return new H1Error('H1B_CAPTURE_FAILED', `tcpdump exited before listening: ${text}`);
}

function parseStats(stderr: string, flushed: boolean): CaptureStats {
  const number = (pattern: RegExp): number | null => {
    const match = pattern.exec(stderr);
    return match ? Number(match[1]) : null;
  };
  return {
    captured: number(/(\d+) packets? captured/),
    receivedByFilter: number(/(\d+) packets? received by filter/),
    droppedByKernel: number(/(\d+) packets? dropped by kernel/),
    flushed,
  };
}

/**
 * Start and stop a throw-away capture, so a missing tcpdump or a missing permission is reported
 * before a run spends its warm-up (throws the same typed errors as PacketCapture.start).
 */
export async function preflightCapture(options: Pick<CaptureOptions, 'iface' | 'tcpdump'> = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'h1b-preflight-'));
  try {
    const capture = await PacketCapture.start({ ...options, file: join(dir, 'preflight.pcap'), port: 9 });
    await capture.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
