// Runs the shared path cases (common.case.ts) against the user-space delay line (TUN + socat + relay).

import { runPathCases } from './common.case.js';

runPathCases('delay-line');
