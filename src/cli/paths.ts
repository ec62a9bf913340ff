import { join } from 'node:path';
import { PROJECT_ROOT } from '../util/node-args.ts';

/** Plans are looked up here by name; `RMQ_CHAOS_PLANS` overrides (tests use a temp dir). */
export const PLANS_DIR = process.env.RMQ_CHAOS_PLANS ?? join(PROJECT_ROOT, 'plans');
/** Run output; `RMQ_CHAOS_REPORTS` overrides. */
export const REPORTS_DIR = process.env.RMQ_CHAOS_REPORTS ?? join(PROJECT_ROOT, 'reports');
