import { buildCheck } from './build';
import { cacheHitCheck } from './cache-hit';
import { distrolessCheck } from './distroless';
import { execEntrypointCheck } from './exec-entrypoint';
import { gracefulStopCheck } from './graceful-stop';
import { sizeCheck } from './size';
import type { Check } from './types';
import { userCheck } from './user';

/** Every check, in report order. */
export const CHECKS: Check[] = [buildCheck, sizeCheck, distrolessCheck, userCheck, execEntrypointCheck, gracefulStopCheck, cacheHitCheck];
