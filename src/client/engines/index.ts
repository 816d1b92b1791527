// Engine registry: engine name → factory. Engines load lazily so `--engine native` never imports undici or autocannon.

import { H1Error } from '../../errors.js';
import type { EngineName } from '../../types.js';
import type { Engine } from '../engine.js';

/** Makes a fresh engine for one load (engines are single-use: run() once, then discard). */
export type EngineFactory = () => Engine;

const loaders: Partial<Record<EngineName, () => Promise<EngineFactory>>> = {
  native: async () => {
    const { NativeEngine } = await import('./native.js');
    return () => new NativeEngine();
  },
  undici: async () => {
    const { UndiciEngine } = await import('./undici.js');
    return () => new UndiciEngine();
  },
  autocannon: async () => {
    const { AutocannonEngine } = await import('./autocannon.js');
    return () => new AutocannonEngine();
  },
};

/** Names with a registered implementation, for --engine help and validation. */
export function availableEngines(): EngineName[] {
  return Object.keys(loaders) as EngineName[];
}

/** Resolve an engine name to its factory; H1B_INVALID_OPTION when that engine is not built in. */
export async function loadEngine(name: EngineName): Promise<EngineFactory> {
  const loader = loaders[name];
  if (!loader) {
    throw new H1Error(
      'H1B_INVALID_OPTION',
      `--engine ${name} is not available in this build (available: ${availableEngines().join(', ') || 'none'})`,
    );
  }
  return loader();
}
