// guardrailConfig on Converse and ConverseStream. The guardrail is resolved first (EXECUTE on it), the
// user's side of the conversation is checked before the model is called (a block answers with the
// guardrail's message and never reaches the model; masking sends the masked text), and the answer is
// checked after. A stream is checked incrementally: text is held per content block until a sentence
// ends (or a window fills) and only released once that piece has passed, so blocked text is never
// streamed out. Requests without guardrailConfig never reach this file.

import { z } from 'zod';
import type { Actor } from '../../catalog/index.js';
import type {
  ContentBlock,
  ConverseResponse,
  Message,
  StreamEvent,
  ToolResultContent,
  Usage,
} from '../../core/index.js';
import { LakegateError } from '../../core/index.js';
import type { ConverseInput } from '../../gateway/index.js';
import type {
  ApplyGuardrailResult,
  GuardrailAssessment,
  GuardrailContentBlock,
  GuardrailRecord,
  GuardrailService,
  ResolvedGuardrail,
} from '../../guardrails/index.js';
import type { RequestContext } from '../http/context.js';
import { parseOrThrow } from '../http/validate.js';
import type { ApiServices } from '../services.js';

const configWire = z.strictObject({
  guardrailIdentifier: z.string().min(1),
  guardrailVersion: z.string().min(1),
  trace: z.enum(['enabled', 'disabled', 'enabled_full']).optional(),
  // 'async' lets Bedrock stream before checking; here every stream is checked before release (sync).
  streamProcessingMode: z.enum(['sync', 'async']).optional(),
});
export type ConverseGuardrailConfig = z.infer<typeof configWire>;

/** The body's guardrailConfig, validated; undefined (cheaply) when there is none. */
export function guardrailConfigOf(body: unknown): ConverseGuardrailConfig | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const raw = (body as Record<string, unknown>).guardrailConfig;
  return raw === undefined ? undefined : parseOrThrow(configWire, raw, 'guardrailConfig');
}

/** Text is released once a sentence ends past this many characters, or at the hard window. */
const MIN_RELEASE = 48;
const MAX_WINDOW = 1000;

const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

/** A place in the request that holds text, and how to put masked text back there. */
interface TextSlot {
  block: GuardrailContentBlock;
  write(masked: string): void;
}

/** A block whose text is masked where it stands. */
function textSlot(holder: { text?: string }, text: string, origin?: 'data'): TextSlot {
  return {
    block: origin ? { text, origin } : { text },
    write: (masked) => {
      holder.text = masked;
    },
  };
}

function toolResultSlots(content: ToolResultContent[], slots: TextSlot[]): void {
  content.forEach((part, i) => {
    if (part.type === 'text') slots.push(textSlot(part, part.text, 'data'));
    else if (part.type === 'json') {
      slots.push({
        block: { text: JSON.stringify(part.json), origin: 'data' },
        // Masked JSON text is no longer the caller's structure: it goes to the model as text.
        write: (t) => {
          content[i] = { type: 'text', text: t };
        },
      });
    } else if (part.type === 'document' && part.text !== undefined) {
      slots.push(textSlot(part, part.text, 'data'));
    }
  });
}

/** The user's side of the conversation: text, documents and tool results (the latter two as data). */
function inputSlots(messages: Message[]): TextSlot[] {
  const slots: TextSlot[] = [];
  for (const message of messages) {
    if (message.role !== 'user') continue;
    for (const block of message.content) {
      if (block.type === 'text') slots.push(textSlot(block, block.text));
      else if (block.type === 'document' && block.text !== undefined) {
        slots.push(textSlot(block, block.text, 'data'));
      } else if (block.type === 'toolResult') toolResultSlots(block.content, slots);
    }
  }
  return slots;
}

/** Output assessments in a trace carry no matched text: it is what the guardrail withheld. */
function withoutMatches(assessment: GuardrailAssessment): GuardrailAssessment {
  const copy: GuardrailAssessment = structuredClone(assessment);
  const strip = (items: Array<{ match?: string }> | undefined) => {
    for (const item of items ?? []) delete item.match;
  };
  strip(copy.sensitiveInformationPolicy?.piiEntities);
  strip(copy.sensitiveInformationPolicy?.regexes);
  strip(copy.wordPolicy?.customWords);
  strip(copy.wordPolicy?.managedWordLists);
  return copy;
}

/** Where a released piece of streamed text may end: after a sentence, or at the window's last space. */
function releasePoint(text: string): number {
  for (let i = text.length - 1; i >= MIN_RELEASE; i--) {
    const c = text[i];
    if (c === '\n' || (c === ' ' && /[.!?:;]/.test(text[i - 1]!))) return i + 1;
  }
  if (text.length < MAX_WINDOW) return 0;
  const space = text.lastIndexOf(' ');
  return space > 0 ? space + 1 : text.length;
}

export class ConverseGuard {
  private inputAssessment: GuardrailAssessment | undefined;
  private readonly outputAssessments: GuardrailAssessment[] = [];
  private intervened = false;
  private actionReason: string | undefined;

  private constructor(
    private readonly guardrails: GuardrailService,
    /** Whom interventions are audited as (none for an endpoint's guardrail), the request, the endpoint. */
    private readonly context: { actor: Actor | null; requestId?: string; endpoint?: string },
    private readonly trace: ConverseGuardrailConfig['trace'],
    private readonly resolved: ResolvedGuardrail,
    private readonly operation: 'Converse' | 'ConverseStream',
  ) {}

  static async open(
    services: ApiServices,
    ctx: RequestContext,
    config: ConverseGuardrailConfig,
    operation: 'Converse' | 'ConverseStream',
  ): Promise<ConverseGuard> {
    if (!services.guardrails) {
      throw new LakegateError('UNSUPPORTED_OPERATION', 'Guardrails are not enabled on this Lakegate.');
    }
    const actor = ctx.principal;
    if (!actor) throw new LakegateError('INTERNAL', 'A guarded call reached the route without a principal.');
    const resolved = await services.guardrails
      .resolveForUse(actor, config.guardrailIdentifier, config.guardrailVersion)
      .catch((error: unknown) => {
        // Say where the bad value was: the caller sent it in guardrailConfig.
        if (error instanceof LakegateError && error.code === 'VALIDATION_FAILED') {
          throw new LakegateError('VALIDATION_FAILED', `guardrailConfig: ${error.message}`);
        }
        throw error;
      });
    return new ConverseGuard(
      services.guardrails,
      { actor, requestId: ctx.requestId },
      config.trace,
      resolved,
      operation,
    );
  }

  /** The guardrail a serving endpoint has attached (config), applied whoever calls the endpoint. */
  static async forEndpoint(
    guardrails: GuardrailService,
    endpoint: string,
    attached: { id: string; version: string },
    requestId: string | undefined,
    operation: 'Converse' | 'ConverseStream',
  ): Promise<ConverseGuard> {
    const resolved = await guardrails.resolveForEndpoint(attached.id, attached.version);
    const context = requestId ? { actor: null, requestId, endpoint } : { actor: null, endpoint };
    return new ConverseGuard(guardrails, context, undefined, resolved, operation);
  }

  private get record(): GuardrailRecord {
    return this.resolved.record;
  }

  private apply(source: 'INPUT' | 'OUTPUT', content: GuardrailContentBlock[]): Promise<ApplyGuardrailResult> {
    const { actor, requestId, endpoint } = this.context;
    return this.guardrails.applyResolved(
      actor,
      this.resolved,
      { source, content },
      {
        operation: this.operation,
        ...(requestId ? { requestId } : {}),
        ...(endpoint ? { endpoint } : {}),
      },
    );
  }

  private note(result: ApplyGuardrailResult, source: 'INPUT' | 'OUTPUT'): void {
    const assessment = result.assessments[0];
    if (assessment) {
      if (source === 'INPUT') this.inputAssessment = assessment;
      else this.outputAssessments.push(withoutMatches(assessment));
    }
    if (result.action === 'GUARDRAIL_INTERVENED') {
      this.intervened = true;
      this.actionReason = result.actionReason;
    }
  }

  /** Checks (and masks in place) the input; true when the guardrail blocked it. */
  async checkInput(input: ConverseInput): Promise<boolean> {
    const slots = inputSlots(input.messages);
    if (slots.length === 0) return false;
    const result = await this.apply(
      'INPUT',
      slots.map((s) => s.block),
    );
    this.note(result, 'INPUT');
    if (result.blocked) return true;
    // Masked outputs come back one per guarded block, in order.
    if (result.action === 'GUARDRAIL_INTERVENED') {
      for (const [i, output] of result.outputs.entries()) slots[i]?.write(output.text);
    }
    return false;
  }

  /** The trace Bedrock returns when guardrailConfig.trace is enabled. */
  traceWire(): Record<string, unknown> | undefined {
    if (!this.trace || this.trace === 'disabled') return undefined;
    const id = this.record.guardrailId;
    const guardrail: Record<string, unknown> = {};
    if (this.inputAssessment) guardrail.inputAssessment = { [id]: this.inputAssessment };
    if (this.outputAssessments.length > 0) guardrail.outputAssessments = { [id]: this.outputAssessments };
    if (this.actionReason) guardrail.actionReason = this.actionReason;
    return { guardrail };
  }

  blockedInputResponse(): ConverseResponse {
    return {
      output: {
        message: {
          role: 'assistant',
          content: [{ type: 'text', text: this.record.policy.blockedInputMessaging }],
        },
      },
      stopReason: 'guardrail_intervened',
      usage: { ...ZERO_USAGE },
      metrics: { latencyMs: 0 },
    };
  }

  /** Checks the model's text; replaces it with the blocked message, or masks it. */
  async checkOutput(response: ConverseResponse): Promise<ConverseResponse> {
    const texts = response.output.message.content.filter(
      (b): b is ContentBlock & { type: 'text' } => b.type === 'text',
    );
    if (texts.length === 0) return response;
    const result = await this.apply(
      'OUTPUT',
      texts.map((b) => ({ text: b.text })),
    );
    this.note(result, 'OUTPUT');
    if (result.action !== 'GUARDRAIL_INTERVENED') return response;
    if (result.blocked) {
      return {
        ...response,
        output: {
          message: {
            role: 'assistant',
            content: [{ type: 'text', text: this.record.policy.blockedOutputsMessaging }],
          },
        },
        stopReason: 'guardrail_intervened',
      };
    }
    const masked = result.outputs.map((o) => o.text);
    let i = 0;
    const content = response.output.message.content.map((b) =>
      b.type === 'text' ? { type: 'text' as const, text: masked[i++] ?? b.text } : b,
    );
    return {
      ...response,
      output: { message: { role: 'assistant', content } },
      stopReason: 'guardrail_intervened',
    };
  }

  async *blockedInputStream(): AsyncGenerator<StreamEvent> {
    yield { type: 'messageStart', role: 'assistant' };
    yield { type: 'textDelta', index: 0, text: this.record.policy.blockedInputMessaging };
    yield { type: 'contentBlockStop', index: 0 };
    yield { type: 'messageStop', stopReason: 'guardrail_intervened' };
    yield { type: 'metadata', usage: { ...ZERO_USAGE }, metrics: { latencyMs: 0 } };
  }

  /** One held piece of text, checked: the text to release (masked or not), or undefined when blocked. */
  private async release(text: string): Promise<string | undefined> {
    if (text.trim() === '') return text;
    const result = await this.apply('OUTPUT', [{ text }]);
    this.note(result, 'OUTPUT');
    if (result.blocked) return undefined;
    return result.action === 'GUARDRAIL_INTERVENED' ? (result.outputs[0]?.text ?? '') : text;
  }

  /**
   * Releases one held piece of block `index` as a delta; when the guardrail blocks it, yields the blocked
   * message and the end of the message instead, and returns false.
   */
  private async *releaseOrBlock(
    index: number,
    text: string,
    started: number,
  ): AsyncGenerator<StreamEvent, boolean> {
    const released = await this.release(text);
    if (released !== undefined) {
      if (released !== '') yield { type: 'textDelta', index, text: released };
      return true;
    }
    yield { type: 'textDelta', index, text: this.record.policy.blockedOutputsMessaging };
    yield { type: 'contentBlockStop', index };
    yield { type: 'messageStop', stopReason: 'guardrail_intervened' };
    yield {
      type: 'metadata',
      usage: { ...ZERO_USAGE },
      metrics: { latencyMs: Math.round(performance.now() - started) },
    };
    return false;
  }

  /** The model's stream with its text checked before release; stops the model at a block. */
  async *guardStream(stream: AsyncIterable<StreamEvent>): AsyncGenerator<StreamEvent> {
    const held = new Map<number, string>();
    const started = performance.now();
    for await (const event of stream) {
      if (event.type === 'textDelta') {
        let text = (held.get(event.index) ?? '') + event.text;
        for (let cut = releasePoint(text); cut > 0; cut = releasePoint(text)) {
          // Returning leaves the loop, which closes the model's stream.
          if (!(yield* this.releaseOrBlock(event.index, text.slice(0, cut), started))) return;
          text = text.slice(cut);
        }
        held.set(event.index, text);
        continue;
      }
      if (event.type === 'contentBlockStop' || event.type === 'messageStop') {
        const indexes = event.type === 'contentBlockStop' ? [event.index] : [...held.keys()];
        for (const index of indexes) {
          const rest = held.get(index);
          held.delete(index);
          if (rest && !(yield* this.releaseOrBlock(index, rest, started))) return;
        }
        if (event.type === 'messageStop' && this.intervened) {
          yield { type: 'messageStop', stopReason: 'guardrail_intervened' };
          continue;
        }
      }
      yield event;
    }
  }
}
