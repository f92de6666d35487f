/**
 * A formatter made the first time it is used. Making an Intl formatter reads its locale's ICU data
 * from the node binary: about 7 MiB more resident, for a service whose page nobody may open.
 */
export function onFirstUse<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
