export { episodeWorkflow } from './episode/index.js';
export { historyExportWorkflow } from './history-export.js';
