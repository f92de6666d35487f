import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobStatus } from './core/store/queue.js';

export interface Metrics {
  registry: Registry;
  jobs: Counter<'kind' | 'outcome'>;
  jobDuration: Histogram<'kind'>;
  jobLatency: Histogram<'kind'>;
  /** Malformed items left out of an otherwise accepted webhook delivery (message, status, contact, metadata). */
  webhookItemsRejected: Counter<'kind'>;
  /** Set by the composition root: the store answers how deep the queue is at scrape time. */
  setQueueDepthSource(source: () => Promise<Record<JobStatus, number>>): void;
}

/** A registry per instance (not prom-client's global one), so tests can run several services. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let depthSource: (() => Promise<Record<JobStatus, number>>) | undefined;

  new Gauge({
    name: 'switchboard_queue_depth',
    help: 'Jobs in the queue by status (pending, running, dead)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      if (!depthSource) return;
      const depth = await depthSource();
      for (const status of ['pending', 'running', 'dead'] as const) this.set({ status }, depth[status]);
    },
  });

  return {
    registry,
    jobs: new Counter({
      name: 'switchboard_jobs_total',
      help: 'Jobs finished, by kind and outcome (done, retried, dead)',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'switchboard_job_duration_seconds',
      help: 'Time one attempt of a job took to run',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    jobLatency: new Histogram({
      name: 'switchboard_job_latency_seconds',
      help: 'Time from enqueue to successful completion of a job',
      labelNames: ['kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    webhookItemsRejected: new Counter({
      name: 'switchboard_webhook_items_rejected_total',
      help: 'Malformed items of a WhatsApp webhook delivery left out while the rest was recorded, by kind',
      labelNames: ['kind'],
      registers: [registry],
    }),
    setQueueDepthSource(source) {
      depthSource = source;
    },
  };
}
