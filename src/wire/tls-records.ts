// TLS record scanner for ladders: names the records in one direction of a TCP stream (RFC 8446 §5.1, RFC 5246 §6.2),
// and the handshake messages of the records still in clear text.
//
// Reassembled, not per segment: records do not align with segments. A TLS 1.3 server's first flight puts
// ServerHello, ChangeCipherSpec and several encrypted records into one segment, and a Certificate record can span
// several. The scanner is fed each direction's in-order payload and carries partial headers and bodies across
// segments; a gap (a segment not captured, or bytes cut by the snap length where a header should be) ends the
// scan for that direction rather than guessing.

/** TLSPlaintext.type (RFC 8446 §5.1). */
const CHANGE_CIPHER_SPEC = 20;
const ALERT = 21;
const HANDSHAKE = 22;
const APPLICATION_DATA = 23;
/** Largest record body: 2^14 + 256 (TLS 1.3) or + 2048 (TLS 1.2 ciphertext), RFC 8446 §5.2 / RFC 5246 §6.2.3. */
const MAX_RECORD = (1 << 14) + 2048;

/** HandshakeType (RFC 8446 §4, RFC 5246 §7.4). */
const HANDSHAKE_NAMES: Readonly<Record<number, string>> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  4: 'NewSessionTicket',
  5: 'EndOfEarlyData',
  8: 'EncryptedExtensions',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
  24: 'KeyUpdate',
};

/** AlertDescription names a user meets (RFC 8446 §6). */
const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  40: 'handshake_failure',
  42: 'bad_certificate',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  48: 'unknown_ca',
  70: 'protocol_version',
  80: 'internal_error',
  90: 'user_canceled',
  112: 'unrecognized_name',
  120: 'no_application_protocol',
};

type State = 'unknown' | 'tls' | 'not-tls' | 'lost';

/**
 * One direction's scanner. `feed` takes the next in-order payload (what was captured of it, and the length the
 * segment really had) and returns the labels of the records that start in it, or null when the stream is not TLS
 * (its first bytes are no record header) or the scan lost its place.
 */
export class TlsRecordScanner {
  private state: State = 'unknown';
  /** Header bytes of the record being read (5), then its body while it is a clear-text record we parse. */
  private header = new Uint8Array(5);
  private headerFill = 0;
  /** Body bytes still to come of the current record. */
  private remaining = 0;
  private type = 0;
  /** Clear-text handshake or alert body being collected (null while skipping an encrypted body). */
  private body: Uint8Array | null = null;
  private bodyFill = 0;
  /** A ChangeCipherSpec went this way: what follows is encrypted, whatever its outer type says. */
  private encrypted = false;

  /** True once the first record header proved this direction to be TLS. */
  get isTls(): boolean {
    return this.state === 'tls';
  }

  feed(captured: Uint8Array, length: number): string[] | null {
    if (this.state === 'not-tls' || this.state === 'lost') return null;
    const labels: string[] = [];
    let at = 0;
    while (at < length) {
      if (this.remaining === 0 && this.headerFill < 5) {
        if (at >= captured.length) return this.lose();
        this.header[this.headerFill++] = captured[at++]!;
        if (this.headerFill === 5) {
          if (!this.startRecord()) return this.lose();
          if (this.remaining === 0) {
            labels.push(...this.finishRecord());
            this.headerFill = 0;
          }
        }
        continue;
      }
      const take = Math.min(this.remaining, length - at);
      if (this.body !== null) {
        if (at + take > captured.length) return this.lose();
        this.body.set(captured.subarray(at, at + take), this.bodyFill);
        this.bodyFill += take;
      }
      at += take;
      this.remaining -= take;
      if (this.remaining === 0) {
        labels.push(...this.finishRecord());
        this.headerFill = 0;
      }
    }
    return labels;
  }

  /** A full header: check it, decide whether its body is read (clear text) or skipped. */
  private startRecord(): boolean {
    const type = this.header[0]!;
    const major = this.header[1]!;
    const bodyLength = (this.header[3]! << 8) | this.header[4]!;
    if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA || major !== 3 || bodyLength > MAX_RECORD) {
      // Not a record header: on the first bytes, the stream is not TLS (plain HTTP); later, we lost our place.
      if (this.state === 'unknown') this.state = 'not-tls';
      return false;
    }
    this.state = 'tls';
    this.type = type;
    this.remaining = bodyLength;
    const clear = !this.encrypted && (type === HANDSHAKE || type === ALERT || type === CHANGE_CIPHER_SPEC);
    this.body = clear ? new Uint8Array(bodyLength) : null;
    this.bodyFill = 0;
    return true;
  }

  private finishRecord(): string[] {
    const type = this.type;
    const body = this.body;
    this.body = null;
    if (type === CHANGE_CIPHER_SPEC) {
      this.encrypted = true;
      return ['ChangeCipherSpec'];
    }
    if (type === APPLICATION_DATA) return ['Application Data (encrypted)'];
    if (body === null) return [type === HANDSHAKE ? 'Handshake (encrypted)' : 'Alert (encrypted)'];
    if (type === ALERT) {
      const level = body[0] === 2 ? 'fatal' : 'warning';
      const description = body[1] === undefined ? '?' : (ALERT_NAMES[body[1]] ?? String(body[1]));
      return [`Alert ${level} ${description}`];
    }
    return handshakeMessages(body);
  }

  /** Bytes of this direction went missing (a segment not captured): the record boundaries are lost. */
  gap(): null {
    return this.lose();
  }

  private lose(): null {
    if (this.state !== 'not-tls') this.state = 'lost';
    return null;
  }
}

/** Names of the handshake messages in one clear-text record body (a TLS 1.2 server packs several into one). */
function handshakeMessages(body: Uint8Array): string[] {
  const names: string[] = [];
  let at = 0;
  while (at + 4 <= body.length) {
    const type = body[at]!;
    const length = (body[at + 1]! << 16) | (body[at + 2]! << 8) | body[at + 3]!;
    names.push(HANDSHAKE_NAMES[type] ?? `Handshake type ${type}`);
    at += 4 + length;
  }
  // A message continued in the next record (fragmentation): its name was taken from the first fragment.
  return names.length > 0 ? names : ['Handshake (fragment)'];
}

/** `["Application Data (encrypted)", "Application Data (encrypted)"]` → `["Application Data (encrypted) ×2"]`. */
export function compactLabels(labels: readonly string[]): string[] {
  const out: string[] = [];
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    count++;
    if (labels[i + 1] !== labels[i]) {
      out.push(count > 1 ? `${labels[i]} ×${count}` : labels[i]!);
      count = 0;
    }
  }
  return out;
}
