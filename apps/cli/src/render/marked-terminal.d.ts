// marked-terminal ships no types; this is the part the CLI uses.
declare module 'marked-terminal' {
  import type { MarkedExtension } from 'marked';

  export interface TerminalRendererOptions {
    width?: number;
    reflowText?: boolean;
    tab?: number;
    emoji?: boolean;
  }

  export function markedTerminal(options?: TerminalRendererOptions, highlightOptions?: unknown): MarkedExtension;
}
