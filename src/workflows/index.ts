export { episodeWorkflow } from './episode/index.js';
export { historyExportWorkflow } from './history-export.js';
export { photoCleanupWorkflow } from './photo-cleanup.js';
export { observationFeedWorkflow } from './observation-feed.js';
export { filingReminderWorkflow } from './filing-reminders.js';
export { fieldWatchWorkflow } from './field-watch.js';
export { airPullWorkflow } from './air-pull.js';
