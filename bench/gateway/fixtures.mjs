// The fixed bodies of the gateway benchmark: one realistic chat request, and the upstream's answers in the
// OpenAI chat-completions wire format (a whole completion, and a short SSE stream ending in a usage chunk).

export const UPSTREAM_MODEL = 'bench-model';
export const GATEWAY_MODEL = `upstream/${UPSTREAM_MODEL}`;

const SYSTEM_PROMPT =
  'You are a claims assistant for an insurer. Answer from the claim notes only, cite the note you used, ' +
  'and say so plainly when the notes do not contain the answer.';
const USER_PROMPT =
  'Claim C-1042 was filed on 3 March after a burst pipe flooded the kitchen. The adjuster estimated the ' +
  'repair at 12,400 EUR and noted that the policy excludes damage from gradual leaks. ' +
  'How much was the repair estimate, and does the exclusion apply?';

/** An OpenAI chat request body; `model` is the only field that differs between direct and gateway. */
export function openaiChatBody(model, stream) {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: USER_PROMPT },
    ],
    max_tokens: 256,
    temperature: 0.2,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

/** Replaced by the load generator with a counter, so that every request differs (response-cache misses). */
export const VARY_MARKER = '__N__';

/** An OpenAI chat request body whose question ends in VARY_MARKER: each request a new cache key. */
export function varyingChatBody(model) {
  const body = JSON.parse(openaiChatBody(model, false));
  body.messages[1].content += ` (request ${VARY_MARKER})`;
  return JSON.stringify(body);
}

/** The same conversation as a Bedrock Converse request body. */
export function bedrockConverseBody() {
  return JSON.stringify({
    system: [{ text: SYSTEM_PROMPT }],
    messages: [{ role: 'user', content: [{ text: USER_PROMPT }] }],
    inferenceConfig: { maxTokens: 256, temperature: 0.2 },
  });
}

const ANSWER_PARTS = [
  'The adjuster estimated the repair at ',
  '12,400 EUR (claim notes, C-1042). ',
  'The gradual-leak exclusion does not apply: ',
  'the damage came from a sudden burst pipe, ',
  'not from a gradual leak.',
];
const USAGE = {
  prompt_tokens: 96,
  completion_tokens: 38,
  total_tokens: 134,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};
const CREATED = 1_760_000_000;
const ID = 'chatcmpl-BENCH0000000000000000000000000';
const FINGERPRINT = 'fp_bench0000';

export const COMPLETION_BODY = JSON.stringify({
  id: ID,
  object: 'chat.completion',
  created: CREATED,
  model: UPSTREAM_MODEL,
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: ANSWER_PARTS.join(''), refusal: null, annotations: [] },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: USAGE,
  service_tier: 'default',
  system_fingerprint: FINGERPRINT,
});

function chunk(choices, usage = null) {
  const body = {
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: UPSTREAM_MODEL,
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
    choices,
    usage,
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** Role chunk, five text deltas, the finish chunk, the usage chunk, [DONE]: what OpenAI sends. */
export const SSE_EVENTS = [
  chunk([
    {
      index: 0,
      delta: { role: 'assistant', content: '', refusal: null },
      logprobs: null,
      finish_reason: null,
    },
  ]),
  ...ANSWER_PARTS.map((text) =>
    chunk([{ index: 0, delta: { content: text }, logprobs: null, finish_reason: null }]),
  ),
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
  chunk([], USAGE),
  'data: [DONE]\n\n',
];
