/** `io_lib:format` raised `badarg`: a control sequence that does not fit its argument, or a bad format. */
export class IoFormatError extends Error {
  readonly code = 'ERR_NODERL_IO_FORMAT';
  constructor(message: string) {
    super(message);
    this.name = 'IoFormatError';
  }
}
