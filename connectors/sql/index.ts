export { compileData, type CompiledData, type Page } from './compile.ts';
export { checkIdentifier, type Dialect, type DialectName, dialects } from './dialect.ts';
