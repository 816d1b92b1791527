// Runs the timing and loss cases of path-run.case.ts across netem, where the kernel has sch_netem; elsewhere each skips with the reason.

import { runPathRunCases } from './path-run.case.js';

runPathRunCases('netem');
