// The package version, bundled at build time (a lazy chunk reads no file at run time).
import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = (pkg as { version: string }).version;
