import { isRecord, type ToolConfig } from '../../core/index.js';
import type { GeminiFunctionDeclaration, GeminiTool, GeminiToolConfig } from './gemini-wire-types.js';
import { sanitizeGeminiSchema } from './sanitize-gemini-schema.js';
import type { WarningList } from './warning-list.js';

export interface GeminiToolFields {
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
}

export function convertToGeminiTools(
  config: ToolConfig | undefined,
  warnings: WarningList,
): GeminiToolFields {
  if (!config) return {};
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const tool of config.tools) {
    if (tool.type === 'cachePoint') {
      warnings.add(
        'toolConfig.tools.cachePoint',
        'Gemini caches only through explicit cachedContents resources; the cache point was ignored.',
      );
      continue;
    }
    const declaration: GeminiFunctionDeclaration = { name: tool.name };
    if (tool.description !== undefined) declaration.description = tool.description;
    const { schema, stripped } = sanitizeGeminiSchema(tool.inputSchema);
    if (stripped.length > 0) {
      warnings.add(
        `toolConfig.tools.${tool.name}.inputSchema`,
        `Gemini rejects these JSON Schema keywords, so they were removed: ${stripped.join(', ')}.`,
      );
    }
    // Gemini rejects an OBJECT schema without properties; a tool without inputs declares none.
    if (!isEmptyObjectSchema(schema)) declaration.parameters = schema;
    declarations.push(declaration);
  }

  const out: GeminiToolFields = {};
  if (declarations.length > 0) out.tools = [{ functionDeclarations: declarations }];
  const choice = config.toolChoice;
  if (choice) {
    if (choice.type === 'tool') {
      out.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
    } else {
      const mode = choice.type === 'auto' ? 'AUTO' : choice.type === 'any' ? 'ANY' : 'NONE';
      out.toolConfig = { functionCallingConfig: { mode } };
    }
  }
  return out;
}

function isEmptyObjectSchema(schema: Record<string, unknown>): boolean {
  if (schema['type'] !== 'object' && schema['type'] !== undefined) return false;
  const properties = schema['properties'];
  if (properties === undefined) return schema['anyOf'] === undefined;
  return isRecord(properties) && Object.keys(properties).length === 0;
}
