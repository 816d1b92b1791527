// Runs the shared server cases (common.case.ts) over TLS in both modes: same bytes, same answers as over TCP.

import { TLS_TRANSPORT } from '../helpers/raw-tls.js';
import { runServerCases } from './common.case.js';

runServerCases('close', TLS_TRANSPORT);
runServerCases('keep-alive', TLS_TRANSPORT);
