// #region parse
/** What a script's error reply tells the client, split into parts code can act on. */
export interface ScriptErrorInfo {
  /** First word of the reply: `INSUFFICIENT_FUNDS` from redis.error_reply, `ERR` from error() or a bug, `WRONGTYPE` … from redis.call. */
  code: string;
  /** The rest, without the code and without the script location Redis appends. */
  detail: string;
  /** `script: <sha>, on @user_script:<line>.` when Redis added it: the error came from error(), a bug or a raising redis.call. */
  location: string | undefined;
}

const LOCATION = / script: [0-9a-f]{40}, on @user_script:\d+\.$/;

export function parseScriptError(error: unknown): ScriptErrorInfo {
  const message = error instanceof Error ? error.message : String(error);
  const location = LOCATION.exec(message)?.[0].trim();
  const body = location ? message.replace(LOCATION, '') : message;
  const space = body.indexOf(' ');
  return {
    code: space === -1 ? body : body.slice(0, space),
    detail: space === -1 ? '' : body.slice(space + 1).replace(/^user_script:\d+: /, ''),
    location,
  };
}
// #endregion parse

export type TransferRefusal =
  | 'BAD_AMOUNT'
  | 'FROM_MISSING'
  | 'FROM_NOT_INTEGER'
  | 'TO_NOT_INTEGER'
  | 'INSUFFICIENT_FUNDS';
const REFUSALS = new Set<string>([
  'BAD_AMOUNT',
  'FROM_MISSING',
  'FROM_NOT_INTEGER',
  'TO_NOT_INTEGER',
  'INSUFFICIENT_FUNDS',
]);

/** The validate-first transfer said no. Nothing was written. */
export class TransferRefusedError extends Error {
  override readonly name = 'TransferRefusedError';
  readonly code: TransferRefusal;

  constructor(code: TransferRefusal, detail: string, options?: { cause?: unknown }) {
    super(`transfer refused, nothing was written: ${code} ${detail}`, options);
    this.code = code;
  }

  /** The typed error when `error` is one of the script's coded replies, else undefined. */
  static from(error: unknown): TransferRefusedError | undefined {
    const { code, detail, location } = parseScriptError(error);
    if (location || !REFUSALS.has(code)) return undefined;
    return new TransferRefusedError(code as TransferRefusal, detail, { cause: error });
  }
}
