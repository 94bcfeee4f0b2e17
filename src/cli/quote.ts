// Joins argv words back into one prompt line the command parser reads the same way: a word
// with spaces, quotes at its start, backslashes or nothing in it is double-quoted.

export function quoteWord(word: string): string {
  if (word !== '' && !/[\s\\]/.test(word) && !/^['"]/.test(word)) return word;
  return `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function joinWords(words: readonly string[]): string {
  return words.length === 1 ? (words[0] as string) : words.map(quoteWord).join(' ');
}
