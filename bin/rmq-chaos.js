#!/usr/bin/env node
// Entry point: runs the TypeScript sources through tsx so `npm ci && npm run plan smoke`
// needs no build step. The CLI sets process.exitCode; nothing here calls exit().
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
