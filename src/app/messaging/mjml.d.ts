/** The part of mjml 5 that Comeback uses (the package ships no types). */
declare module 'mjml' {
  export interface MjmlValidationError {
    line: number;
    message: string;
    tagName: string;
    formattedMessage: string;
  }
  export interface MjmlOptions {
    validationLevel?: 'strict' | 'soft' | 'skip';
    keepComments?: boolean;
    beautify?: boolean;
    minify?: boolean;
    ignoreIncludes?: boolean;
    fonts?: Record<string, string>;
  }
  export interface MjmlResult {
    html: string;
    errors: MjmlValidationError[];
  }
  export default function mjml2html(input: string, options?: MjmlOptions): Promise<MjmlResult>;
}
