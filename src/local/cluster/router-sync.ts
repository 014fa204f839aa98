import type { Ingress, Pod, Service } from '../../api/index.js';
import type { Informer } from '../../controller/runtime/index.js';
import { buildRoutingTable, RouterClient } from '../router/index.js';
import type { RoutingTable } from '../router/index.js';

export interface RouterSyncOptions {
  client: RouterClient;
  informers: { ingresses: Informer<Ingress>; services: Informer<Service>; pods: Informer<Pod> };
  /** Changes arriving within this many milliseconds are pushed as one table. */
  debounceMs?: number;
  log?: (message: string) => void;
}

/**
 * Keeps the router's table equal to what the store's Ingresses, Services and Pods say. Pushes are whole tables and
 * idempotent, so a push that fails (router restarting) is simply retried by the next change or the periodic push.
 */
export class RouterSync {
  readonly #options: RouterSyncOptions;
  #timer: NodeJS.Timeout | undefined;
  #periodic: NodeJS.Timeout | undefined;
  #pushing: Promise<void> = Promise.resolve();
  #unsubscribe: (() => void)[] = [];
  #lastVersion = '';

  constructor(options: RouterSyncOptions) {
    this.#options = options;
  }

  start(): void {
    const { ingresses, services, pods } = this.#options.informers;
    const poke = (): void => this.#schedule();
    const handlers = { onAdd: poke, onUpdate: poke, onDelete: poke };
    this.#unsubscribe.push(ingresses.addHandlers(handlers), services.addHandlers(handlers), pods.addHandlers(handlers));
    // A router that restarted on its own comes back with its table from disk; this re-push repairs anything else.
    this.#periodic = setInterval(() => {
      this.#lastVersion = '';
      this.#schedule();
    }, 10_000);
    this.#periodic.unref();
    this.#schedule();
  }

  stop(): void {
    for (const u of this.#unsubscribe) u();
    this.#unsubscribe = [];
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#periodic !== undefined) clearInterval(this.#periodic);
  }

  /** The table the store describes now. */
  table(): RoutingTable {
    const { ingresses, services, pods } = this.#options.informers;
    return buildRoutingTable({
      ingresses: ingresses.list(),
      services: services.list(),
      pods: pods.list(),
    });
  }

  /** Resolves once every change seen so far has been pushed (or its push has failed). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#pushing = this.#pushing.then(() => this.#push());
    }
    await this.#pushing;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#pushing = this.#pushing.then(() => this.#push());
    }, this.#options.debounceMs ?? 20);
  }

  async #push(): Promise<void> {
    const table = this.table();
    if (table.version === this.#lastVersion) return;
    try {
      await this.#options.client.pushTable(table);
      this.#lastVersion = table.version;
    } catch (err) {
      this.#options.log?.(`router table push failed (will retry): ${err instanceof Error ? err.message : String(err)}`);
      this.#lastVersion = '';
      setTimeout(() => this.#schedule(), 500).unref();
    }
  }
}
