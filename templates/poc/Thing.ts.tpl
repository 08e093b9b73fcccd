/** TODO: the reusable part of this POC — typed, with timeouts, AbortSignal and clean-up. */
export class {{className}} {
  async work(): Promise<void> {}
}
