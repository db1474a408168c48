/**
 * Lines from a stream (stdin) for the terminal I/O server, one at a time, after a prompt. On a TTY
 * node:readline edits the line and shows the prompt; on a pipe the prompt is written as output
 * and the lines are read as they come, as erl's "dumb" terminal does.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export class LineInput {
  private readonly rl: Interface;
  private readonly lines: string[] = [];
  private ended = false;
  private waiting?: (line: string | null) => void;
  private readonly tty: boolean;
  /** What ^C does while no line is being read (set by the shell that reads from this input). */
  onInterrupt: (() => void) | undefined;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {
    this.tty = (input as { isTTY?: boolean }).isTTY === true && (output as { isTTY?: boolean }).isTTY === true;
    this.rl = createInterface({ input, output: this.tty ? output : undefined, terminal: this.tty });
    this.rl.on('line', (line) => this.arrived(line));
    this.rl.on('close', () => {
      this.ended = true;
      this.arrived(null);
    });
    // ^C on a terminal: at the prompt it ends input, as ^G q does in erl; while an input is being
    // evaluated it abandons that evaluation, as ^G i does (the node and the shell go on).
    this.rl.on('SIGINT', () => {
      if (this.waiting || !this.onInterrupt) this.rl.close();
      else this.onInterrupt();
    });
  }

  /** The terminal's width, when there is a terminal. */
  get columns(): number | undefined {
    return this.tty ? (this.output as { columns?: number }).columns : undefined;
  }

  get rows(): number | undefined {
    return this.tty ? (this.output as { rows?: number }).rows : undefined;
  }

  /** Shows `prompt` and resolves to the next line without its newline, or null at the end of input. */
  next(prompt: string): Promise<string | null> {
    if (this.waiting) return Promise.reject(new Error('one line at a time'));
    const queued = this.lines.shift();
    if (queued !== undefined) {
      if (!this.tty) this.output.write(prompt);
      return Promise.resolve(queued);
    }
    if (this.tty) {
      if (this.ended) return Promise.resolve(null);
      this.rl.setPrompt(prompt);
      this.rl.prompt(true);
    } else {
      this.output.write(prompt); // erl shows the prompt even when the input has ended
      if (this.ended) return Promise.resolve(null);
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Stops reading: the input stream is released so the process can exit while it is still open. */
  close(): void {
    this.rl.close();
    this.input.destroy();
  }

  private arrived(line: string | null): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      w(line);
    } else if (line !== null) {
      this.lines.push(line);
    }
  }
}
