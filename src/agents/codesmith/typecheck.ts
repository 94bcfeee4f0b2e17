// Type-checking with the TypeScript compiler API against the target's own tsconfig.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly code: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** One diagnostic as a line: `file:line:column TSnnnn message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`;
}

function parseConfig(dir: string): ts.ParsedCommandLine {
  const path = ts.findConfigFile(dir, (f) => existsSync(f), 'tsconfig.json');
  if (!path || !path.startsWith(dir)) {
    return { options: { strict: true, noEmit: true, skipLibCheck: true, jsx: ts.JsxEmit.ReactJSX, allowImportingTsExtensions: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler }, fileNames: [], errors: [] };
  }
  const read = ts.readConfigFile(path, (f) => ts.sys.readFile(f));
  return ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, dir, { noEmit: true }, path);
}

/**
 * Diagnostics of `files` (relative to `dir`), or of the whole project when `files` is omitted.
 * Only diagnostics located in the checked files are reported (library noise is left out).
 */
export function typecheck(dir: string, files?: readonly string[]): Diagnostic[] {
  const config = parseConfig(dir);
  const rootNames = files ? files.map((f) => join(dir, f)) : config.fileNames;
  if (rootNames.length === 0) return [];
  const program = ts.createProgram({ rootNames, options: { ...config.options, noEmit: true } });
  const wanted = new Set(rootNames);
  const out: Diagnostic[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!wanted.has(sf.fileName) && !(files === undefined && !sf.isDeclarationFile && !sf.fileName.includes('/node_modules/'))) continue;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) {
      const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      out.push({
        file: relative(dir, sf.fileName),
        line: pos.line + 1,
        column: pos.character + 1,
        code: `TS${d.code}`,
        message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
        severity: d.category === ts.DiagnosticCategory.Error ? 'error' : 'warning',
      });
    }
  }
  return out;
}

export interface ExportedFunction {
  readonly name: string;
  /** How many parameters it declares. */
  readonly arity: number;
}

/** The functions a module exports (for generated tests). */
export function exportedFunctions(path: string, text: string): ExportedFunction[] {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const names: ExportedFunction[] = [];
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(st) && st.name) names.push({ name: st.name.text, arity: st.parameters.length });
    if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer))) {
          names.push({ name: d.name.text, arity: d.initializer.parameters.length });
        }
      }
    }
  }
  return names;
}
