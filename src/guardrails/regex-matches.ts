// Every non-empty match of a global regex in a text, in order: the one scan loop of the detectors, word
// lists and custom regexes. An empty match would never move the regex on, so it is stepped over.

export function* nonEmptyMatches(regex: RegExp, text: string): Generator<RegExpExecArray> {
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    if (m[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    yield m;
  }
}
