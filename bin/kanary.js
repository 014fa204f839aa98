#!/usr/bin/env node
// Kanary runs from its TypeScript sources through tsx's loader: `npm ci` leaves nothing to build but the dashboard.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
