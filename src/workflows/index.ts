export { episodeWorkflow } from './episode.js';
