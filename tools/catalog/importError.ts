/** Raised for any source text the importer cannot read: it never skips a row silently. */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly where: { document: string; line?: number },
  ) {
    super(`${where.document}${where.line ? `:${where.line}` : ''}: ${message}`)
    this.name = 'ImportError'
  }
}
