export { episodeWorkflow } from './episode/index.js';
