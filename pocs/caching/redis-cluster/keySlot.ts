/** Redis Cluster's key space: 16384 hash slots (cluster spec, "Key distribution model"). */
export const SLOT_COUNT = 16384;

// #region crc16
/**
 * CRC16-CCITT in its XMODEM variant (polynomial 0x1021, initial value 0, no reflection), the checksum
 * the cluster spec names for key hashing. Written bit by bit rather than with a lookup table so the
 * algorithm stays visible; a real client would use the table (ioredis does, through `cluster-key-slot`).
 */
export function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}
// #endregion crc16

// #region hash-tag
/**
 * The part of a key that is hashed: the text between the first `{` and the first `}` after it, when
 * that text is not empty; otherwise the whole key. So `{user:42}:cart` hashes `user:42`, while `{}x`,
 * `a{` and `a}b{` hash the whole key, and `{a}{b}` hashes only `a`.
 */
export function hashedPart(key: Uint8Array): Uint8Array {
  const open = key.indexOf(0x7b); // '{'
  if (open === -1) return key;
  const close = key.indexOf(0x7d, open + 1); // '}'
  if (close === -1 || close === open + 1) return key;
  return key.subarray(open + 1, close);
}

export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  return crc16(hashedPart(bytes)) % SLOT_COUNT;
}
// #endregion hash-tag
