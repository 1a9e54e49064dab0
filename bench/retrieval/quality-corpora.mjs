// The two corpora the quality part measures, and their questions with known answers:
//   - demo: the demo insurer's policy documents (DEMO_DOCUMENTS, Markdown), questions-demo.json;
//   - debian-faq: the Debian FAQ's HTML chapters from the Debian package `debian-faq`
//     (/usr/share/doc/debian/FAQ/*.en.html, every chapter and the table of contents, nothing stripped),
//     questions-debian-faq.json.
// An answer is { document, contains }: the passage of `document` that holds the phrase `contains`. The phrase
// is located in the PARSED text (so it is judged against what retrieval actually indexed) and must occur
// there exactly once: a phrase found twice would make a chunk from the wrong section count as relevant.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_DOCUMENTS } from '../../dist/data/index.js';

export const DEBIAN_FAQ_DIR = process.env.BENCH_DEBIAN_FAQ_DIR || '/usr/share/doc/debian/FAQ';

const questionsFile = (name) => new URL(name, import.meta.url);
const utf8 = (text) => new TextEncoder().encode(text);

export function demoCorpus() {
  return {
    name: 'demo',
    description: 'demo policy documents (Markdown)',
    files: DEMO_DOCUMENTS.map((document) => ({ name: document.path, bytes: utf8(document.content) })),
    questions: loadQuestions(questionsFile('questions-demo.json')),
  };
}

/** The Debian FAQ's HTML chapters, or null when the package is not installed. */
export function debianFaqCorpus() {
  const names = debianFaqHtmlNames();
  if (names.length === 0) return null;
  return {
    name: 'debian-faq',
    description: `Debian FAQ, ${names.length} HTML chapters`,
    files: names.map((name) => ({ name, bytes: readFileSync(join(DEBIAN_FAQ_DIR, name)) })),
    questions: loadQuestions(questionsFile('questions-debian-faq.json')),
  };
}

/** `*.en.html` only: the unsuffixed names are symlinks to the same files. */
export function debianFaqHtmlNames() {
  if (!existsSync(DEBIAN_FAQ_DIR)) return [];
  return readdirSync(DEBIAN_FAQ_DIR)
    .filter((name) => name.endsWith('.en.html'))
    .sort();
}

/** A gzipped file of the Debian FAQ (the PDF or the plain text), or null when it is missing. */
export function debianFaqFile(name) {
  const path = join(DEBIAN_FAQ_DIR, name);
  return existsSync(path) ? path : null;
}

/** Reads and checks a questions file: [{ question, answer: { document, contains } }]. */
export function loadQuestions(url) {
  const list = JSON.parse(readFileSync(url, 'utf8'));
  if (!Array.isArray(list) || list.length === 0)
    throw new Error(`${url.pathname}: expected a non-empty array`);
  return list.map((entry, i) => {
    const where = `${url.pathname} [${i}]`;
    const nonEmpty = (value) => typeof value === 'string' && value.trim() !== '';
    if (!nonEmpty(entry?.question)) throw new Error(`${where}: "question" must be a non-empty string`);
    if (!nonEmpty(entry.answer?.document) || !nonEmpty(entry.answer?.contains))
      throw new Error(`${where}: "answer" must be { document, contains } with non-empty strings`);
    return {
      question: entry.question,
      answer: { document: entry.answer.document, contains: entry.answer.contains },
    };
  });
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Whitespace in the phrase matches any run of whitespace (parsers reflow lines), and straight quotes match
// typographic ones (HTML often carries ’ and “ ” where the question file has ' and ").
function phrasePattern(phrase) {
  const source = phrase
    .trim()
    .split(/\s+/)
    .map((word) => escapeRegExp(word).replace(/'/g, "['’‘]").replace(/"/g, '["“”]'))
    .join('\\s+');
  return new RegExp(source, 'g');
}

/**
 * The answer spans: for each question, the offsets of its phrase in its document's parsed text. Throws, naming
 * the question, when a document is not in the corpus or the phrase is missing or ambiguous.
 */
export function locateAnswers(questions, documents, corpusName) {
  const byName = new Map(documents.map((document) => [document.name, document]));
  return questions.map(({ question, answer }, i) => {
    const where = `${corpusName} question ${i + 1} ("${question.slice(0, 60)}")`;
    const document = byName.get(answer.document);
    if (document === undefined) throw new Error(`${where}: no document ${answer.document} in the corpus`);
    const matches = [...document.parsed.text.matchAll(phrasePattern(answer.contains))];
    if (matches.length !== 1)
      throw new Error(
        `${where}: "${answer.contains}" occurs ${matches.length} times in the parsed text of ${answer.document} (expected once)`,
      );
    const start = matches[0].index;
    return { question, document: answer.document, start, end: start + matches[0][0].length };
  });
}
