/**
 * The transport module. `forRoot` gives the engine its `JOBS_PORT`: over NATS
 * when `natsUrl` is set, in-process around the worker functions otherwise —
 * the same engine, other providers. `forWorker` mounts the NATS handlers of a
 * worker role around the same functions (start the transport with
 * `natsWorkerOptions`).
 */
import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { Headers, Subjects, type Subject, type TierKeys } from '@notary-gate/contracts';
import { ErrorCode, headers as natsHeaders, type NatsError } from 'nats';
import { InProcessJobsPort } from './in-process-jobs-port';
import type { JobHandlers } from './job-handlers';
import { MessagingHealth } from './messaging-health';
import { NatsJobsPort } from './nats-jobs-port';
import { NatsLink } from './nats-link';
import type { NatsSecurity } from './nats-security';
import { JOB_CONTROLLERS } from './rpc/job-controllers';
import { checkSubjectPrefix, handlerName, wireSubject, workerName } from './subject-names';
import { JOB_HANDLERS, JOBS_PORT } from './tokens';

export interface MessagingModuleOptions {
  /** NATS server(s). Set: jobs go over NATS. Unset: in-process (then `handlers` or `imports` are required). */
  natsUrl?: string;
  /** Namespace for all subjects (`<prefix>.notary.v1.verify`); workers must use the same. */
  subjectPrefix?: string;
  /** NATS connection name (shown by the server). */
  connectionName?: string;
  /** Pause between NATS reconnect attempts; default 1000 ms. */
  reconnectTimeWaitMs?: number;
  /** NATS: the tier key sealing every job and reply (required with `natsUrl`). */
  tierKeys?: TierKeys;
  /** NATS: TLS and authentication files. */
  security?: NatsSecurity;
  /** NATS: client ping interval (ms). */
  pingIntervalMs?: number;
  /** NATS: silence after which the replica holding a job is taken for dead and the job re-sent once (ms). */
  progressTimeoutMs?: number;
  /** CLUSTER_NAME carried (sealed) in every job. */
  cluster?: string;
  /** NATS: reply inbox prefix (e.g. `_INBOX_<cluster>`, for per-cluster NATS permissions). */
  inboxPrefix?: string;
  /** In-process mode: the worker functions. */
  handlers?: JobHandlers;
  /** In-process mode: modules of which one exports `JOB_HANDLERS` (instead of `handlers`). */
  imports?: ModuleMetadata['imports'];
  /** Register the module globally. */
  global?: boolean;
}

export interface MessagingWorkerOptions {
  /** The subjects this worker serves, e.g. `[Subjects.verify]`. */
  subjects: Subject[];
  /** The worker functions for those subjects… */
  handlers?: Partial<JobHandlers>;
  /** …or modules of which one exports `JOB_HANDLERS`. */
  imports?: ModuleMetadata['imports'];
}

const KNOWN_SUBJECTS = new Set<string>(Object.values(Subjects));

@Module({})
export class MessagingModule {
  /** Provides `JOBS_PORT` and `MessagingHealth`. */
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const providers = options.natsUrl ? natsProviders(options) : inProcessProviders(options);
    return {
      module: MessagingModule,
      global: options.global ?? false,
      imports: options.natsUrl ? [] : (options.imports ?? []),
      providers,
      exports: [JOBS_PORT, MessagingHealth],
    };
  }

  /** Mounts the NATS handlers (`@JobHandler`) of the given subjects around the worker functions. */
  static forWorker(options: MessagingWorkerOptions): DynamicModule {
    if (!Array.isArray(options.subjects) || options.subjects.length === 0) {
      throw new TypeError('MessagingModule.forWorker: subjects must list at least one subject');
    }
    for (const subject of options.subjects) {
      if (!KNOWN_SUBJECTS.has(subject)) throw new TypeError(`MessagingModule.forWorker: unknown subject ${JSON.stringify(subject)}`);
      const name = handlerName(subject);
      if (options.handlers && typeof options.handlers[name] !== 'function') {
        throw new TypeError(`MessagingModule.forWorker: handlers.${name} is required to serve ${subject}`);
      }
    }
    if (!options.handlers && !options.imports) {
      throw new TypeError('MessagingModule.forWorker: give handlers, or imports exporting JOB_HANDLERS');
    }
    return {
      module: MessagingModule,
      imports: options.imports ?? [],
      controllers: [...new Set(options.subjects)].map((subject) => JOB_CONTROLLERS[subject]),
      providers: options.handlers ? [{ provide: JOB_HANDLERS, useValue: options.handlers }] : [],
    };
  }
}

function natsProviders(options: MessagingModuleOptions): Provider[] {
  const subjectPrefix = checkSubjectPrefix(options.subjectPrefix);
  const tierKeys = options.tierKeys;
  if (tierKeys === undefined) throw new TypeError('MessagingModule.forRoot: tierKeys are required with natsUrl: jobs on NATS travel sealed');
  return [
    {
      provide: NatsLink,
      useFactory: async () => {
        const link = NatsLink.start({
          url: options.natsUrl as string,
          name: options.connectionName,
          reconnectTimeWaitMs: options.reconnectTimeWaitMs,
          ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
          ...(options.security ? { security: options.security } : {}),
          ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
        });
        // Boot waits for the first attempt only: with NATS down the service starts unready and keeps trying.
        await link.settled();
        return link;
      },
    },
    {
      provide: JOBS_PORT,
      useFactory: (link: NatsLink) =>
        new NatsJobsPort(link, {
          subjectPrefix,
          tierKeys,
          ...(options.cluster !== undefined ? { cluster: options.cluster } : {}),
          ...(options.progressTimeoutMs !== undefined ? { progressTimeoutMs: options.progressTimeoutMs } : {}),
        }),
      inject: [NatsLink],
    },
    { provide: MessagingHealth, useFactory: (link: NatsLink): MessagingHealth => natsHealth(link, subjectPrefix), inject: [NatsLink] },
  ];
}

function inProcessProviders(options: MessagingModuleOptions): Provider[] {
  if (!options.handlers && !options.imports) {
    throw new TypeError('MessagingModule.forRoot: without natsUrl, give handlers (or imports exporting JOB_HANDLERS) for the in-process transport');
  }
  return [
    ...(options.handlers ? [{ provide: JOB_HANDLERS, useValue: options.handlers }] : []),
    { provide: JOBS_PORT, useFactory: (handlers: JobHandlers) => new InProcessJobsPort(handlers), inject: [JOB_HANDLERS] },
    { provide: MessagingHealth, useValue: { isConnected: () => true } satisfies MessagingHealth },
  ];
}

/** How long a probe result is reused (readiness probes come every few seconds, from several kubelets). */
const PROBE_REUSE_MS = 2_000;

/** NATS readiness: the link, and a worker answering a probe on every job subject. */
function natsHealth(link: NatsLink, subjectPrefix: string): MessagingHealth {
  let last: { at: number; result: Promise<{ ok: boolean; detail: string }> } | undefined;
  const probe = async (): Promise<{ ok: boolean; detail: string }> => {
    const down = link.unavailableReason();
    if (down !== undefined) return { ok: false, detail: down };
    const problems = await Promise.all(
      Object.values(Subjects).map(async (subject) => {
        const target = wireSubject(subjectPrefix, subject);
        const h = natsHeaders();
        h.set(Headers.probe, '1');
        try {
          await link.connection.request(target, new Uint8Array(0), { timeout: 1_000, headers: h });
          return undefined;
        } catch (error) {
          return (error as NatsError).code === ErrorCode.NoResponders
            ? `no ${workerName(subject)} worker serving ${target}`
            : `no ${workerName(subject)} worker answered a probe on ${target} within 1 s`;
        }
      }),
    );
    const found = problems.filter((problem) => problem !== undefined);
    return found.length === 0 ? { ok: true, detail: 'connected; a worker serves every job subject' } : { ok: false, detail: found.join('; ') };
  };
  return {
    isConnected: () => link.isConnected(),
    check: () => {
      if (!last || Date.now() - last.at > PROBE_REUSE_MS) last = { at: Date.now(), result: probe() };
      return last.result;
    },
  };
}
