/**
 * Every channel between the UI and the service, declared once. Each request takes one argument object
 * (validated by the schema next to it) and resolves to a `Result` of the output type; each event has a
 * payload type. Both transports (Electron IPC, WebSocket) and the renderer's client derive their types
 * from this table, so adding a channel here is the only edit a new request needs outside its handler.
 */
import type { z } from 'zod';
import * as s from './schemas.ts';
import type { Result } from './errors.ts';
import type {
  AppInfo, CommitDetail, DatasetDiff, DatasetHistory, Job, Preview, RecentRepo, RemoteConfig, RepoSettings,
  RepoStatus, RepoSummary, RestorePlan, TimelinePage,
} from './model.ts';

/** A request channel: its input schema plus a phantom output type (erased at runtime). */
interface RequestDef<S extends z.ZodType, O> {
  readonly input: S;
  readonly output?: O;
}

function req<O>() {
  return <S extends z.ZodType>(input: S): RequestDef<S, O> => ({ input });
}

/** Returned by every request that starts a long operation: the job's id, at once. */
export interface JobStarted {
  readonly jobId: string;
}

export const requests = {
  'app:info': req<AppInfo>()(s.empty),
  /** Electron shows a native picker; browser mode answers `{ path: null }` and the UI asks for a path. */
  'dialog:openFolder': req<{ path: string | null }>()(s.empty),
  'repo:open': req<RepoSummary>()(s.pathInput),
  'repo:init': req<RepoSummary>()(s.pathInput),
  'repo:close': req<null>()(s.repoOnly),
  'repo:recent': req<RecentRepo[]>()(s.empty),
  'repo:status': req<RepoStatus>()(s.repoOnly),
  'timeline:page': req<TimelinePage>()(s.timelinePageInput),
  'commit:detail': req<CommitDetail>()(s.commitDetailInput),
  'dataset:history': req<DatasetHistory>()(s.datasetHistoryInput),
  'dataset:diff': req<DatasetDiff>()(s.datasetDiffInput),
  'dataset:preview': req<Preview>()(s.previewInput),
  'data:track': req<JobStarted>()(s.trackInput),
  'data:commit': req<JobStarted>()(s.commitInput),
  'data:push': req<JobStarted>()(s.transferInput),
  'data:pull': req<JobStarted>()(s.transferInput),
  'restore:plan': req<RestorePlan>()(s.restoreInput),
  'restore:run': req<JobStarted>()(s.restoreInput),
  'restore:undo': req<JobStarted>()(s.repoOnly),
  'jobs:list': req<Job[]>()(s.empty),
  'jobs:cancel': req<null>()(s.jobInput),
  'jobs:retry': req<JobStarted>()(s.jobInput),
  'remote:list': req<RemoteConfig[]>()(s.repoOnly),
  'remote:save': req<RemoteConfig[]>()(s.remoteInput),
  'remote:remove': req<RemoteConfig[]>()(s.remoteNameInput),
  'remote:test': req<{ ok: boolean; message: string }>()(s.remoteNameInput),
  'settings:get': req<RepoSettings>()(s.repoOnly),
  'settings:set': req<RepoSettings>()(s.settingsInput),
} as const;

/** Why the UI should re-read a repository. */
export interface RepoChanged {
  readonly repoId: string;
  /** `workspace`: files changed on disk; `git`: HEAD, refs or the index moved (new commits, checkout). */
  readonly reason: 'workspace' | 'git';
}

function evt<P>(): { readonly payload?: P } {
  return {};
}

export const events = {
  /** A job started, progressed (throttled to ~10/s) or ended; carries the whole snapshot. */
  'job:update': evt<Job>(),
  'repo:changed': evt<RepoChanged>(),
  /** Electron's File menu picked a repository (Open…, Open Recent). */
  'menu:open': evt<{ readonly path: string }>(),
} as const;

export type RequestChannel = keyof typeof requests;
export type EventChannel = keyof typeof events;
/** What the caller passes (before defaults). */
export type RequestInput<C extends RequestChannel> = z.input<(typeof requests)[C]['input']>;
/** What the handler receives (after validation). */
export type ParsedInput<C extends RequestChannel> = z.output<(typeof requests)[C]['input']>;
export type RequestOutput<C extends RequestChannel> = Exclude<(typeof requests)[C]['output'], undefined>;
export type EventPayload<E extends EventChannel> = Exclude<(typeof events)[E]['payload'], undefined>;

export const REQUEST_CHANNELS = Object.keys(requests) as RequestChannel[];
export const EVENT_CHANNELS = Object.keys(events) as EventChannel[];

/** Type guard for channel names arriving from an untrusted sender. */
export function isRequestChannel(name: unknown): name is RequestChannel {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

/** The handler table a service provides: one async function per request channel. */
export type Handlers = { [C in RequestChannel]: (input: ParsedInput<C>) => Promise<RequestOutput<C>> };

/** The renderer-facing API the transports expose (Electron preload, WebSocket client). */
export interface Bridge {
  invoke<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<Result<RequestOutput<C>>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The Electron preload's API: the bridge plus the real path of a dropped file (webUtils.getPathForFile). */
export interface DesktopBridge<F = unknown> extends Bridge {
  pathForFile(file: F): string;
}

/** Name of the preload's object on `window` in Electron. */
export { DESKTOP_BRIDGE_KEY } from './bridge-key.ts';
