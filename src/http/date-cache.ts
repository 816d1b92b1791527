// The IMF-fixdate for the Date header (RFC 9110 §6.6.1), formatted at most once per second.

export class DateCache {
  private second = -1;
  private text = '';
  /** Bumped whenever the text changes, so pre-serialized responses know when to rebuild. */
  generation = 0;

  /** The Date value for wall-clock time `nowMs` (Date.now()). */
  get(nowMs: number): string {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = new Date(second * 1000).toUTCString();
      this.generation++;
    }
    return this.text;
  }
}
