import { readText } from './text'

/** One spreadsheet row as a CSV line, quoted only where a cell needs it, for a model to read. */
export const csvLine = (cells: string[]) => cells.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')

/** CSV and TSV are already what a model reads best; only the encoding and line ends change. */
export const readCsv = readText
