import type { LinkType, RemoteConfig, RepoSettings } from '../../shared/model.ts';
import type { Slice } from './types.ts';

export interface SettingsSlice {
  remotes: RemoteConfig[];
  settings: RepoSettings | null;
  /** Last "test connection" answer per remote name. */
  remoteTests: Record<string, { ok: boolean; message: string; testing: boolean }>;
  loadSettings(): Promise<void>;
  saveRemote(remote: RemoteConfig): Promise<boolean>;
  removeRemote(name: string): Promise<void>;
  testRemote(name: string): Promise<void>;
  setLinkTypes(types: LinkType[]): Promise<void>;
}

export const createSettingsSlice: Slice<SettingsSlice> = (api) => (set, get) => ({
  remotes: [],
  settings: null,
  remoteTests: {},
  async loadSettings() {
    const repo = get().repo;
    if (!repo || repo.needsInit) return;
    try {
      const [remotes, settings] = await Promise.all([api.call('remote:list', { repoId: repo.id }), api.call('settings:get', { repoId: repo.id })]);
      set({ remotes, settings });
    } catch (err) {
      get().reportError('Reading settings', err);
    }
  },
  async saveRemote(remote) {
    const repo = get().repo;
    if (!repo) return false;
    try {
      set({ remotes: await api.call('remote:save', { repoId: repo.id, remote: stripEmpty(remote) }) });
      set({ settings: await api.call('settings:get', { repoId: repo.id }) });
      get().notify(`Remote ${remote.name} saved.`);
      return true;
    } catch (err) {
      get().reportError(`Saving remote ${remote.name}`, err);
      return false;
    }
  },
  async removeRemote(name) {
    const repo = get().repo;
    if (!repo) return;
    try {
      set({ remotes: await api.call('remote:remove', { repoId: repo.id, name }) });
    } catch (err) {
      get().reportError(`Removing remote ${name}`, err);
    }
  },
  async testRemote(name) {
    const repo = get().repo;
    if (!repo) return;
    set((s) => ({ remoteTests: { ...s.remoteTests, [name]: { ok: false, message: 'Testing…', testing: true } } }));
    try {
      const r = await api.call('remote:test', { repoId: repo.id, name });
      set((s) => ({ remoteTests: { ...s.remoteTests, [name]: { ...r, testing: false } } }));
    } catch (err) {
      set((s) => ({ remoteTests: { ...s.remoteTests, [name]: { ok: false, message: (err as Error).message, testing: false } } }));
    }
  },
  async setLinkTypes(linkTypes) {
    const repo = get().repo;
    if (!repo) return;
    try {
      set({ settings: await api.call('settings:set', { repoId: repo.id, linkTypes }) });
    } catch (err) {
      get().reportError('Saving the cache link type', err);
    }
  },
});

/** Empty optional form fields are absent, not empty strings (the schema rejects an empty endpoint URL). */
function stripEmpty(r: RemoteConfig): RemoteConfig {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== '' && v !== undefined) out[k] = v;
  return out as unknown as RemoteConfig;
}
