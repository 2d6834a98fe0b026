import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | null = null;

/**
 * prom-client's default metrics (CPU, memory, heap, GC, event-loop lag, handles), in a registry of their
 * own made once per process: they describe the process, however many apps it builds (the tests build
 * many), and each collection starts observers that are never stopped.
 */
export function processMetrics(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}
