/**
 * The task queues of one deployment, derived from the workflows' queue so the workflow can name them
 * deterministically: outgoing messages run on `<queue>-messages`, served by a worker of their own
 * with its own concurrency and rate limits (worker.ts), so a backlog of messages never delays the
 * projections, documents or deadlines on the main queue.
 */
export const messagesTaskQueue = (workflowTaskQueue: string): string => `${workflowTaskQueue}-messages`;
