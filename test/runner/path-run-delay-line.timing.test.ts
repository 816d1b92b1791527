// Runs the shared end-to-end path cases (path-run.case.ts) across the user-space delay line (TUN + socat + relay).

import { runPathRunCases } from './path-run.case.js';

runPathRunCases('delay-line');
