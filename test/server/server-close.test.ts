// Runs the shared server cases (common.case.ts) against the 'close' mode.

import { runServerCases } from './common.case.js';

runServerCases('close');
