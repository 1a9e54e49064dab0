// Writes a real, tiny sentence-embedding model folder in the layout transformers.js loads: a BERT-like
// ONNX graph (token embedding + position embedding, optionally a dense tanh layer) whose output is
// `last_hidden_state` [batch, sequence, dim], a WordPiece tokenizer.json, config.json and
// tokenizer_config.json. The weights are seeded, so tests can assert on the vectors; onnxruntime-node
// runs the graph for real. Nothing is downloaded: the ONNX protobuf is encoded here by hand.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../../core/index.js';

// ---------------------------------------------------------------------------------------------------
// A minimal protobuf writer: only what onnx.proto needs (varints, length-delimited fields, packed int64).

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;

class ProtoWriter {
  private readonly chunks: number[] = [];

  private rawVarint(value: bigint): void {
    // int64 fields are encoded as their unsigned 64-bit two's complement (negative axes take 10 bytes).
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.chunks.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.chunks.push(Number(rest));
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(BigInt((field << 3) | wireType));
  }

  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(BigInt(value));
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(BigInt(value.length));
    for (const byte of value) this.chunks.push(byte);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (inner: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  packedInt64(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const value of values) inner.rawVarint(BigInt(value));
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

// ---------------------------------------------------------------------------------------------------
// onnx.proto, the messages and field numbers used here.

/** TensorProto.DataType */
const ONNX_FLOAT = 1;
const ONNX_UINT8 = 2;
const ONNX_INT64 = 7;

/** AttributeProto.AttributeType */
const ATTRIBUTE_INT = 2;

interface Tensor {
  name: string;
  dims: readonly number[];
  dataType: typeof ONNX_FLOAT | typeof ONNX_UINT8 | typeof ONNX_INT64;
  raw: Uint8Array;
}

interface Node {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** Integer attributes only (axis, to): all this graph needs. */
  intAttributes?: Readonly<Record<string, number>>;
}

interface ValueInfo {
  name: string;
  elemType: number;
  /** A number is a fixed size, a string a symbolic dimension (`batch`, `sequence`). */
  shape: readonly (number | string)[];
}

function writeTensor(w: ProtoWriter, tensor: Tensor): void {
  w.packedInt64(1, tensor.dims); // TensorProto.dims = 1
  w.varint(2, tensor.dataType); // TensorProto.data_type = 2
  w.string(8, tensor.name); // TensorProto.name = 8
  w.bytes(9, tensor.raw); // TensorProto.raw_data = 9 (little-endian, row-major)
}

function writeNode(w: ProtoWriter, node: Node, index: number): void {
  for (const input of node.inputs) w.string(1, input); // NodeProto.input = 1
  for (const output of node.outputs) w.string(2, output); // NodeProto.output = 2
  w.string(3, `${node.opType.toLowerCase()}_${index}`); // NodeProto.name = 3
  w.string(4, node.opType); // NodeProto.op_type = 4
  for (const [name, value] of Object.entries(node.intAttributes ?? {})) {
    w.message(5, (a) => {
      // NodeProto.attribute = 5 → AttributeProto
      a.string(1, name); // AttributeProto.name = 1
      a.varint(3, value); // AttributeProto.i = 3
      a.varint(20, ATTRIBUTE_INT); // AttributeProto.type = 20
    });
  }
}

function writeValueInfo(w: ProtoWriter, info: ValueInfo): void {
  w.string(1, info.name); // ValueInfoProto.name = 1
  w.message(2, (type) => {
    // ValueInfoProto.type = 2 → TypeProto
    type.message(1, (tensorType) => {
      // TypeProto.tensor_type = 1 → TypeProto.Tensor
      tensorType.varint(1, info.elemType); // TypeProto.Tensor.elem_type = 1
      tensorType.message(2, (shape) => {
        // TypeProto.Tensor.shape = 2 → TensorShapeProto
        for (const dim of info.shape) {
          shape.message(1, (d) => {
            // TensorShapeProto.dim = 1 → Dimension
            if (typeof dim === 'number')
              d.varint(1, dim); // Dimension.dim_value = 1
            else d.string(2, dim); // Dimension.dim_param = 2
          });
        }
      });
    });
  });
}

function encodeModel(graph: {
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}): Uint8Array {
  const model = new ProtoWriter();
  model.varint(1, 8); // ModelProto.ir_version = 1 (IR v8 goes with opset 13..17)
  model.message(8, (opset) => {
    // ModelProto.opset_import = 8 → OperatorSetIdProto
    opset.string(1, ''); // OperatorSetIdProto.domain = 1 ('' is the default ai.onnx domain)
    opset.varint(2, 14); // OperatorSetIdProto.version = 2
  });
  model.string(2, 'lakegate-test-support'); // ModelProto.producer_name = 2
  model.message(7, (g) => {
    // ModelProto.graph = 7 → GraphProto
    graph.nodes.forEach((node, index) => {
      g.message(1, (n) => writeNode(n, node, index)); // GraphProto.node = 1
    });
    g.string(2, 'tiny_sentence_encoder'); // GraphProto.name = 2
    for (const tensor of graph.initializers) g.message(5, (t) => writeTensor(t, tensor)); // initializer = 5
    for (const input of graph.inputs) g.message(11, (v) => writeValueInfo(v, input)); // GraphProto.input = 11
    for (const output of graph.outputs) g.message(12, (v) => writeValueInfo(v, output)); // output = 12
  });
  return model.finish();
}

// ---------------------------------------------------------------------------------------------------
// Seeded weights and tensors.

function floatTensor(name: string, dims: readonly number[], values: Float32Array): Tensor {
  return { name, dims, dataType: ONNX_FLOAT, raw: new Uint8Array(values.buffer.slice(0)) };
}

function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): Tensor {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims, dataType: ONNX_INT64, raw: new Uint8Array(data.buffer) };
}

function randomMatrix(random: () => number, count: number, scale: number): Float32Array {
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = (random() * 2 - 1) * scale;
  return values;
}

/** Linear uint8 quantisation, the way quantised exports store embedding tables (DequantizeLinear). */
function quantize(values: Float32Array): { data: Uint8Array; scale: number; zeroPoint: number } {
  let min = 0;
  let max = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const scale = (max - min) / 255 || 1;
  const zeroPoint = Math.round(-min / scale);
  const data = new Uint8Array(values.length);
  values.forEach((v, i) => {
    data[i] = Math.max(0, Math.min(255, Math.round(v / scale) + zeroPoint));
  });
  return { data, scale, zeroPoint };
}

// ---------------------------------------------------------------------------------------------------
// The vocabulary and the tokenizer files.

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

// Whole words in the vocabulary: texts sharing them share token vectors, so they land closer together.
const WORDS = [
  'the a an is was of and to in my after for with on by claim policy car accident water',
  'damage roof house fire storm flood insurance premium driver vehicle repair payment kitchen',
  'pipe burst cat dog pizza music guitar cheese garden recipe song piano tomato basil sauce',
  'concert violin bread',
]
  .join(' ')
  .split(' ');
const SUFFIXES = ['##s', '##ed', '##ing', '##er'];
const CHARACTERS = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const PUNCTUATION = [...".,?!'-:;()"];

/** The tiny model's vocabulary in id order: specials, words, suffixes, characters and continuations. */
export function tinyVocabulary(): string[] {
  return [
    ...SPECIAL_TOKENS,
    ...WORDS,
    ...SUFFIXES,
    ...CHARACTERS,
    ...CHARACTERS.map((c) => `##${c}`),
    ...PUNCTUATION,
  ];
}

function tokenizerJson(vocabulary: readonly string[]): unknown {
  const vocab = Object.fromEntries(vocabulary.map((token, id) => [token, id]));
  const special = (token: string) => ({ id: token, ids: [vocab[token]], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: vocab[content],
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The model folder.

export interface TinyModelOptions {
  /** Embedding dimension. Default 32. */
  dim?: number;
  /** Position embeddings, and so the longest sequence the graph accepts (tokenizer max length). Default 24. */
  maxPositions?: number;
  /** Add a dense tanh layer after the embeddings (a MatMul + Add). Default true. */
  denseLayer?: boolean;
  /** Store the token embedding table as uint8 + DequantizeLinear in onnx/model_quantized.onnx. */
  quantized?: boolean;
  seed?: number;
  /** Files (relative paths) to leave out, to test start-up checks. */
  omit?: readonly string[];
}

export interface TinyModel {
  path: string;
  dim: number;
  maxPositions: number;
  vocabulary: string[];
}

function tinyGraph(vocabularySize: number, options: Required<Omit<TinyModelOptions, 'omit'>>) {
  const { dim, maxPositions, denseLayer, quantized, seed } = options;
  const random = seededRandom(seed);
  const wordTable = randomMatrix(random, vocabularySize * dim, 1);
  // Positions are small next to words, so that the meaning of a text is its words, as in a trained model.
  const positionTable = randomMatrix(random, maxPositions * dim, 0.05);
  const nodes: Node[] = [];
  const initializers: Tensor[] = [
    floatTensor('position_embeddings', [maxPositions, dim], positionTable),
    int64Tensor('zero', [], [0]),
    int64Tensor('one', [], [1]),
    int64Tensor('last_axis', [1], [-1]),
  ];
  if (quantized) {
    const q = quantize(wordTable);
    initializers.push(
      { name: 'word_embeddings_quant', dims: [vocabularySize, dim], dataType: ONNX_UINT8, raw: q.data },
      floatTensor('word_embeddings_scale', [], Float32Array.of(q.scale)),
      { name: 'word_embeddings_zero_point', dims: [], dataType: ONNX_UINT8, raw: Uint8Array.of(q.zeroPoint) },
    );
    nodes.push({
      opType: 'DequantizeLinear',
      inputs: ['word_embeddings_quant', 'word_embeddings_scale', 'word_embeddings_zero_point'],
      outputs: ['word_embeddings'],
    });
  } else {
    initializers.push(floatTensor('word_embeddings', [vocabularySize, dim], wordTable));
  }
  nodes.push(
    {
      opType: 'Gather',
      inputs: ['word_embeddings', 'input_ids'],
      outputs: ['token_vectors'],
      intAttributes: { axis: 0 },
    },
    { opType: 'Shape', inputs: ['input_ids'], outputs: ['ids_shape'] },
    {
      opType: 'Gather',
      inputs: ['ids_shape', 'one'],
      outputs: ['sequence_length'],
      intAttributes: { axis: 0 },
    },
    { opType: 'Range', inputs: ['zero', 'sequence_length', 'one'], outputs: ['position_ids'] },
    {
      opType: 'Gather',
      inputs: ['position_embeddings', 'position_ids'],
      outputs: ['position_vectors'],
      intAttributes: { axis: 0 },
    },
    { opType: 'Add', inputs: ['token_vectors', 'position_vectors'], outputs: ['embeddings'] },
    {
      opType: 'Cast',
      inputs: ['attention_mask'],
      outputs: ['mask_float'],
      intAttributes: { to: ONNX_FLOAT },
    },
    { opType: 'Unsqueeze', inputs: ['mask_float', 'last_axis'], outputs: ['mask_3d'] },
    { opType: 'Mul', inputs: ['embeddings', 'mask_3d'], outputs: ['masked'] },
  );
  if (denseLayer) {
    // Near-identity weights keep the word structure while making the layer do real work.
    const weight = randomMatrix(random, dim * dim, 0.1);
    for (let i = 0; i < dim; i++) weight[i * dim + i] = (weight[i * dim + i] ?? 0) + 1;
    initializers.push(
      floatTensor('dense_weight', [dim, dim], weight),
      floatTensor('dense_bias', [dim], randomMatrix(random, dim, 0.05)),
    );
    nodes.push(
      { opType: 'MatMul', inputs: ['masked', 'dense_weight'], outputs: ['projected'] },
      { opType: 'Add', inputs: ['projected', 'dense_bias'], outputs: ['biased'] },
      { opType: 'Tanh', inputs: ['biased'], outputs: ['last_hidden_state'] },
    );
  } else {
    nodes.push({ opType: 'Identity', inputs: ['masked'], outputs: ['last_hidden_state'] });
  }
  return encodeModel({
    nodes,
    initializers,
    inputs: [
      { name: 'input_ids', elemType: ONNX_INT64, shape: ['batch', 'sequence'] },
      { name: 'attention_mask', elemType: ONNX_INT64, shape: ['batch', 'sequence'] },
    ],
    outputs: [{ name: 'last_hidden_state', elemType: ONNX_FLOAT, shape: ['batch', 'sequence', dim] }],
  });
}

/** Writes the tiny model into `dir` (created if needed). */
export function writeTinyEmbeddingModel(dir: string, options: TinyModelOptions = {}): TinyModel {
  const settings = {
    dim: options.dim ?? 32,
    maxPositions: options.maxPositions ?? 24,
    denseLayer: options.denseLayer ?? true,
    quantized: options.quantized ?? false,
    seed: options.seed ?? 20_261_126,
  };
  const vocabulary = tinyVocabulary();
  const omit = new Set(options.omit ?? []);
  const write = (relative: string, content: string | Uint8Array) => {
    if (!omit.has(relative)) writeFileSync(join(dir, relative), content);
  };
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  write(
    'config.json',
    JSON.stringify({
      model_type: 'bert',
      architectures: ['BertModel'],
      hidden_size: settings.dim,
      max_position_embeddings: settings.maxPositions,
      vocab_size: vocabulary.length,
      num_hidden_layers: settings.denseLayer ? 1 : 0,
      pad_token_id: 0,
    }),
  );
  write(
    'tokenizer_config.json',
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      do_lower_case: true,
      model_max_length: settings.maxPositions,
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
    }),
  );
  write('tokenizer.json', JSON.stringify(tokenizerJson(vocabulary)));
  write(
    settings.quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx',
    tinyGraph(vocabulary.length, settings),
  );
  return { path: dir, dim: settings.dim, maxPositions: settings.maxPositions, vocabulary };
}

/** The tiny model in a fresh temp folder named `name`; `remove()` deletes it. */
export function tinyModelFolder(
  name = 'tiny-encoder',
  options: TinyModelOptions = {},
): TinyModel & { remove(): void } {
  const parent = mkdtempSync(join(tmpdir(), 'lakegate-onnx-'));
  const model = writeTinyEmbeddingModel(join(parent, name), options);
  return { ...model, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
