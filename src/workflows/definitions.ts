import { defineQuery, defineUpdate } from '@temporalio/workflow';

/** Messages of the episode workflow, shared by the workflow, the API and the tests. */

export interface ForecastDay {
  date: string; // YYYY-MM-DD (CST)
  aqi: number;
}

export interface StartEpisodeInput {
  episodeId: string;
  jurisdiction: string;
  forecast: ForecastDay[];
  initiator: { id: string; role?: string; unit?: string };
  exercise: boolean;
  /** epoch ms when the start was requested (taken from the request, not from the workflow clock). */
  requestedAt: number;
}

export interface EpisodeSummary {
  episodeId: string;
  jurisdiction: string;
  phase: string;
  level: string;
  exercise: boolean;
  forecast: ForecastDay[];
  startedAt: string;
  closedAt?: string;
}

export const episodeStateQuery = defineQuery<EpisodeSummary>('episodeState');
export const closeEpisodeUpdate = defineUpdate<EpisodeSummary, [{ actor: string }]>('closeEpisode');

export const EPISODE_WORKFLOW_TYPE = 'episodeWorkflow';
