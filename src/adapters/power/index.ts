/** Power adapter: reduction list, daily readings (files and the power company's API), day assessment. */
export * from './assess.js';
export * from './enterprises.js';
export * from './readings.js';
export { startPowerStandIn, type PowerStandIn } from './stand-in.js';
export { cellDate, cellNumber, type ImportError, type TabularFormat } from './tabular.js';
export * from './uscc.js';
export * from './reduction-lists.js';
