import { UsageError } from '../errors.js';
import type { Provider, ProviderName } from './provider.js';
import { googleProvider } from './google.js';
import { zoomProvider } from './zoom.js';

/** Every platform leakwatch connects to, in one explicit list. Microsoft joins it as it is built. */
const PROVIDERS: readonly Provider[] = [zoomProvider, googleProvider];

const byName = new Map<string, Provider>();
for (const provider of PROVIDERS) {
  if (byName.has(provider.name)) throw new Error(`two connection providers are named "${provider.name}"`);
  byName.set(provider.name, provider);
}

/** The providers that can be connected today. */
export function providerNames(): ProviderName[] {
  return PROVIDERS.map((p) => p.name);
}

/** The provider of that name; a {@link UsageError} naming the ones there are. */
export function providerFor(name: string): Provider {
  const provider = byName.get(name);
  if (!provider) {
    const planned = ['microsoft'].includes(name) ? ` (${name} connections are planned, not built yet)` : '';
    throw new UsageError(`cannot connect "${name}"${planned}; leakwatch connects: ${providerNames().join(', ')}`);
  }
  return provider;
}
