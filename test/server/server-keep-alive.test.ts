// Runs the shared server cases (common.case.ts) against the 'keep-alive' mode.

import { runServerCases } from './common.case.js';

runServerCases('keep-alive');
