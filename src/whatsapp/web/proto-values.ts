/**
 * Protobuf values as Baileys hands them over: 64-bit fields are `Long` objects after decoding,
 * strings in protobuf's JSON form (recorded messages) and sometimes plain numbers; bytes are
 * Uint8Arrays, or base64 strings in the JSON form.
 */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value === 'object' && value !== null && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    // Unsigned reading: every field this bridge reads (timestamps, sizes) is positive.
    return high * 2 ** 32 + (low >>> 0);
  }
  return undefined;
}

export function base64Of(bytes: unknown): string | undefined {
  if (typeof bytes === 'string') return bytes || undefined;
  if (bytes instanceof Uint8Array && bytes.length > 0) return Buffer.from(bytes).toString('base64');
  return undefined;
}
