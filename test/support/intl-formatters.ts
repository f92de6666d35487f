/**
 * Counts the Intl formatters made (NumberFormat and DateTimeFormat, by that name) until `restore`:
 * making one reads its locale's ICU data, so the code under test should make each once, and late.
 */
export function countIntlFormatters(): { made: string[]; restore(): void } {
  const original = { NumberFormat: Intl.NumberFormat, DateTimeFormat: Intl.DateTimeFormat };
  const made: string[] = [];
  const counted = <C extends new (...args: never[]) => object>(name: string, Class: C) =>
    function (...args: ConstructorParameters<C>) {
      made.push(name);
      return new Class(...args);
    } as unknown as C;
  Object.assign(Intl, { NumberFormat: counted('number', original.NumberFormat), DateTimeFormat: counted('date', original.DateTimeFormat) });
  return { made, restore: () => Object.assign(Intl, original) };
}
