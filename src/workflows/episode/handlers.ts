/**
 * The episode's message handlers, one line each: every Update validated synchronously, then carried
 * out by the module that owns it; the observation signal likewise; the Query answers the view.
 */
import { setHandler } from '@temporalio/workflow';
import {
  acknowledgeNoticeUpdate,
  closeEpisodeUpdate,
  consultUpdate,
  decideEarlyResponseUpdate,
  decideNoticeUpdate,
  decideUpdate,
  episodeStateQuery,
  observedSignal,
  signWorkSummaryUpdate,
  submitReportUpdate,
  submitSummaryUpdate,
} from '../definitions.js';
import { acknowledge } from './acknowledgements.js';
import { consult } from './consultation.js';
import { closeEpisode, decide } from './decisions.js';
import { observe } from './observation.js';
import { decideEarlyResponse, decideNotice, signWorkSummary } from './office.js';
import type { EpisodeRun } from './run.js';
import { submitReport, submitSummary } from './submissions.js';
import * as v from './validators.js';
import { view } from './view.js';

export function installHandlers(run: EpisodeRun): void {
  setHandler(episodeStateQuery, () => view(run));
  setHandler(consultUpdate, (c) => consult(run, c), {
    validator: (c) => v.validateConsultation(run, c),
  });
  setHandler(decideUpdate, (d) => decide(run, d), { validator: (d) => v.validateDecision(run, d) });
  setHandler(submitReportUpdate, (r) => submitReport(run, r), {
    validator: (r) => v.validateReport(run, r),
  });
  setHandler(submitSummaryUpdate, (s) => submitSummary(run, s), {
    validator: (s) => v.validateSummary(run, s),
  });
  setHandler(closeEpisodeUpdate, (c) => closeEpisode(run, c), { validator: (c) => v.validateClose(run, c) });
  setHandler(decideNoticeUpdate, (d) => decideNotice(run, d), {
    validator: (d) => v.validateNoticeDecision(run, d),
  });
  setHandler(signWorkSummaryUpdate, (d) => signWorkSummary(run, d), {
    validator: (d) => v.validateSignWorkSummary(run, d),
  });
  setHandler(acknowledgeNoticeUpdate, (a) => acknowledge(run, a), {
    validator: (a) => v.validateAcknowledgement(run, a),
  });
  setHandler(observedSignal, (o) => observe(run, o));
  setHandler(decideEarlyResponseUpdate, (d) => decideEarlyResponse(run, d), {
    validator: (d) => v.validateEarlyResponseDecision(run, d),
  });
}
