import ExcelJS from 'exceljs'

import { unpackZip, type Budget } from './archive'
import { csvLine } from './csv'
import { unreadable } from './errors'

const FORMAT = 'an Excel workbook'

/** Dates as ISO (a day alone when there is no time), formulas by their result, rich text as its text. */
function cellText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace('.000Z', 'Z')
  }
  if (typeof value !== 'object') return String(value)
  if ('richText' in value) return value.richText.map((run) => run.text).join('')
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue)
  if ('text' in value) return String(value.text)
  if ('error' in value) return String(value.error)
  return ''
}

/** Every sheet under its name, a CSV line per row (empty rows dropped, trailing empty cells too). */
export async function readXlsx(data: Uint8Array, name: string, budget: Budget): Promise<string> {
  await unpackZip(data, budget, name, FORMAT, () => false)
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(Buffer.from(data) as unknown as ArrayBuffer)
  } catch (error) {
    throw unreadable(name, FORMAT, (error as Error).message)
  }
  return workbook.worksheets
    .map((sheet) => {
      const lines: string[] = []
      sheet.eachRow((row) => {
        const cells = Array.from({ length: row.cellCount }, (_, i) => cellText(row.getCell(i + 1).value))
        while (cells.length && !cells.at(-1)) cells.pop()
        if (cells.length) lines.push(csvLine(cells))
      })
      return `Sheet: ${sheet.name}\n${lines.join('\n')}`
    })
    .join('\n\n')
}
