// Starts a worker thread whose entry is TypeScript, through tsx: tests and
// `npm run drydock` run the sources, and `--import tsx` does not reach
// worker threads on Node 20. The bundle in dist/ never needs this.
import { pathToFileURL } from 'node:url';

const { register } = await import('tsx/esm/api');
register();
await import(pathToFileURL(process.argv[2]).href);
