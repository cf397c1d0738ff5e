import type { INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

const HOOKS = ['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown'] as const;
type Hook = (typeof HOOKS)[number];
type Closable = Partial<Record<Hook, (...args: unknown[]) => unknown>>;

/**
 * What is still closing while an application shuts down, so that a shutdown cut short by its time limit can say
 * what hung (a BullMQ worker waiting for a job, a database pool, HTTP requests in flight…). Nest exposes no such
 * thing: every shutdown hook of every provider is wrapped to record when it starts and ends.
 */
export class ClosingTracker {
  private readonly pending = new Set<string>();

  constructor(app: INestApplicationContext) {
    const wrapped = new WeakSet<object>();
    for (const module of app.get(ModulesContainer, { strict: false }).values()) {
      const wrappers = [...module.providers.values(), ...module.controllers.values(), ...module.injectables.values()];
      for (const wrapper of wrappers) {
        const instance: unknown = wrapper.instance;
        if (typeof instance !== 'object' || instance === null || wrapped.has(instance)) continue;
        if (Object.isFrozen(instance)) continue;
        wrapped.add(instance);
        const name = typeof wrapper.name === 'string' ? wrapper.name : module.name;
        for (const hook of HOOKS) this.wrap(instance, hook, `${name}.${hook}`);
      }
    }
  }

  /** Marks `label` as closing until `done` is called. */
  begin(label: string): () => void {
    this.pending.add(label);
    return () => this.pending.delete(label);
  }

  stillClosing(): string[] {
    return [...this.pending];
  }

  private wrap(instance: Closable, hook: Hook, label: string): void {
    const original = instance[hook];
    if (typeof original !== 'function') return;
    instance[hook] = async (...args: unknown[]) => {
      const done = this.begin(label);
      try {
        return await original.apply(instance, args);
      } finally {
        done();
      }
    };
  }
}
