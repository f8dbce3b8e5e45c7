// Ready texts for responses, offered on an item according to its verdict.
import type { Verdict } from './item.ts';
import type { ResponseChannel, ResponseKind } from './response.ts';

/** A response template: what kind of response, on which channel, with which text, for items of a verdict. */
export interface ResponseTemplate {
  id: number;
  verdict: Verdict;
  kind: ResponseKind;
  channel: ResponseChannel;
  title: string;
  text: string;
  enabled: boolean;
  updatedAt: Date;
}
