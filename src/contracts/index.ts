/** The contracts between the episode workflow, its activities and the API (types only). */
export type * from './activities.js';
export type * from './carried-state.js';
export type * from './messages.js';
export type * from './view.js';
