/**
 * redlock 5 beta ships its types, but its package.json "exports" has no "types" condition, so
 * TypeScript's NodeNext resolution would not find them; tsconfig.json maps the import to the
 * package's own declarations ("paths"). This file names the types the POC uses in one place.
 */
import Redlock from 'redlock';

export { Redlock };
export type RedlockLock = Awaited<ReturnType<Redlock['acquire']>>;
