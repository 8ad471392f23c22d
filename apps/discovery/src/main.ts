/**
 * The discovery worker: serves notary.v1.discover over NATS in its queue group,
 * caching through Redis (libs/worker-host has the wiring; the work is libs/workers').
 * Environment: see the README's "Worker" and "Common" tables (NATS_URL is required).
 */
import { mainOfWorker } from '@notary-gate/worker-host';

mainOfWorker('discovery');
