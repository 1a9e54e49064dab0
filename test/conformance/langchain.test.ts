// LangChain against a running Lakegate, through ChatOpenAI and ChatBedrockConverse, configured as the
// docs say.

import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ChatBedrockConverse } from '@langchain/aws';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Harness,
  startLakegate,
  TEST_KEY,
  TEST_KEY_ID,
  TEST_SECRET,
} from '../support/lakegate-harness.js';

const CONTEXT =
  'Invoice INV-88 was paid on 14 October. The supplier is Northwind Roofing. The amount was 3,150 EUR.';

let lakegate: Harness;

beforeAll(async () => {
  lakegate = await startLakegate();
});

afterAll(async () => {
  await lakegate?.close();
});

describe('LangChain against Lakegate', () => {
  it('ChatOpenAI invokes and streams', async () => {
    const model = new ChatOpenAI({
      model: 'local/extractive',
      apiKey: TEST_KEY,
      maxRetries: 0,
      configuration: { baseURL: `${lakegate.url}/v1` },
    });
    const reply = await model.invoke([new SystemMessage(CONTEXT), new HumanMessage('Who is the supplier?')]);
    expect(reply.content).toContain('Northwind Roofing');

    let streamed = '';
    for await (const chunk of await model.stream([
      new SystemMessage(CONTEXT),
      new HumanMessage('When was INV-88 paid?'),
    ])) {
      streamed += String(chunk.content);
    }
    expect(streamed).toContain('14 October');
  });

  it('OpenAIEmbeddings embeds', async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'local/embed',
      apiKey: TEST_KEY,
      maxRetries: 0,
      configuration: { baseURL: `${lakegate.url}/v1` },
    });
    const vector = await embeddings.embedQuery('roof repair invoice');
    expect(vector).toHaveLength(384);
  });

  it('ChatBedrockConverse invokes through a BedrockRuntimeClient pointed at Lakegate', async () => {
    // endpointHost takes a host name and assumes https; a client with an endpoint covers plain http too.
    const client = new BedrockRuntimeClient({
      endpoint: lakegate.url,
      region: 'us-east-1',
      credentials: { accessKeyId: TEST_KEY_ID, secretAccessKey: TEST_SECRET },
    });
    const model = new ChatBedrockConverse({ model: 'local/extractive', region: 'us-east-1', client });
    const reply = await model.invoke([new SystemMessage(CONTEXT), new HumanMessage('What was the amount?')]);
    expect(String(reply.content)).toContain('3,150 EUR');
    client.destroy();
  });
});
