// A reader that leaves early (`bench report x.json -o - | head`) closes our stdout: that is the reader's choice, not a
// failure, so EPIPE is dropped quietly and the command finishes its work (reports are written before anything is
// printed, so nothing measured is lost) and exits as it would have.

/** Drop EPIPE (and writes after it) on `stream`; any other stream error is still fatal. */
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // After EPIPE the stream is destroyed: later writes report EPIPE or ERR_STREAM_DESTROYED here too.
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
