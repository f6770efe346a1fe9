/**
 * A file we cannot read, with the status to answer: 413 too large, 415 a type we do not read,
 * 422 a known type whose content is broken or locked, 400 for a request that carries no file.
 */
export class FileRejected extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    message: string,
  ) {
    super(message)
    this.name = 'FileRejected'
  }
}

export const unreadable = (name: string, format: string, why?: string) =>
  new FileRejected(422, `${name} could not be read as ${format}${why ? `: ${why}` : ''}. Is the file complete and not damaged?`)
