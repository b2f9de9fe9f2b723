/** The adapters that reach the world, by area. */
export * as notification from './notification/index.js';
export * as power from './power/index.js';
export * as reporting from './reporting/index.js';
