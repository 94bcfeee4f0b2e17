// A project's state db and the event bus over it (redacting the project's secrets): what the
// dashboard's first frame reads, without the engine and the command registry.
import type { Project } from '../services/config/project.js';
import { createBus, type EventBus } from '../services/events/bus.js';
import { openState, type StateDb } from '../services/state/db.js';

export interface ProjectState {
  readonly state: StateDb;
  readonly bus: EventBus;
}

export function openProjectState(project: Project): ProjectState {
  const state = openState(project.root);
  return { state, bus: createBus({ state, secrets: project.secrets }) };
}
