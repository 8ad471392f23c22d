/** Injection tokens of the gateway. */

/** The jobs port the engine uses: the messaging module's JOBS_PORT, instrumented. */
export const GATEWAY_JOBS = Symbol('notary-gate.gateway.JOBS');
/** The engine's ConfigMapSource (cluster, directory, or none). */
export const GATEWAY_CONFIG_MAPS = Symbol('notary-gate.gateway.CONFIG_MAPS');
/** The validated GatewayConfig. */
export const GATEWAY_CONFIG = Symbol('notary-gate.gateway.CONFIG');
