/** The part of markdown-it (installed with @vscode/vsce, no bundled types) the hover tests render with. */
declare module 'markdown-it' {
  interface Options {
    html?: boolean;
    linkify?: boolean;
  }
  export default class MarkdownIt {
    constructor(options?: Options);
    render(source: string): string;
    renderInline(source: string): string;
  }
}
