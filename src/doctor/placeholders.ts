import { SETTING_NAMES } from '../config.js';

/**
 * .env.example ships values in the right format so the service starts from a copy of it; they are
 * not credentials. Every "replace-me" there is one, and so is the phone number id, which is the
 * example id from Meta's documentation. (Defaults such as PORT=3000 or a channel name are real
 * values and are not listed.)
 */
const EXAMPLE_VALUES: Record<string, string> = { WHATSAPP_PHONE_NUMBER_ID: '106540352242922' };

export function isPlaceholder(key: string, value: string): boolean {
  const v = value.trim();
  return /replace-me/i.test(v) || EXAMPLE_VALUES[key] === v;
}

/** One line per setting still holding a value from .env.example (the placeholder is shown: it is no secret). */
export function placeholderProblems(env: Record<string, string | undefined>): string[] {
  return SETTING_NAMES.flatMap((key) => {
    const value = env[key];
    return value !== undefined && isPlaceholder(key, value) ? [`${key} still has the placeholder from .env.example (${value.trim()})`] : [];
  });
}
