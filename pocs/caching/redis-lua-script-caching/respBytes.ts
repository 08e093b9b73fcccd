// #region resp-bytes
/**
 * Bytes a client sends for one command in RESP, the Redis wire protocol: an array header
 * `*<count>\r\n`, then each argument as a bulk string `$<length>\r\n<bytes>\r\n`.
 * Exact, so "bytes per call" needs no packet capture (a test checks it against the server's own
 * `total_net_input_bytes`).
 */
export function respBytes(args: Array<string | number>): number {
  let bytes = `*${args.length}\r\n`.length;
  for (const arg of args) {
    const length = Buffer.byteLength(String(arg));
    bytes += `$${length}\r\n`.length + length + 2;
  }
  return bytes;
}
// #endregion resp-bytes
