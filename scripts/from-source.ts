// `npm run drydock -- <command>`: the CLI from the TypeScript sources through tsx, for
// development (no bundle needed; worker threads start through build/render/ts-worker.mjs).
import { main } from '../cli/main';

process.exitCode = await main(process.argv.slice(2));
