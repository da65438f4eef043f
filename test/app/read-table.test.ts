import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { countFields, detectDelimiter } from '../../src/app/import/read-sniff.ts';
import {
  hashFile,
  type OpenedTable,
  openTable,
  TableError,
  type TableRow,
} from '../../src/app/import/read-table.ts';
import { cellText, formatExcelDate } from '../../src/app/import/read-xlsx.ts';

const FIX = fileURLToPath(new URL('../fixtures/imports/', import.meta.url));
const fixture = (name: string) => join(FIX, name);
// The shared reference data sits beside the repository (../shared from the repo root).
const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const hasShared = existsSync(SHARED);

const tmp = mkdtempSync(join(tmpdir(), 'read-table-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function all(table: OpenedTable): Promise<TableRow[]> {
  const rows: TableRow[] = [];
  for await (const row of table.rows) rows.push(row);
  return rows;
}

async function failure(promise: Promise<unknown>): Promise<TableError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TableError);
    return error as TableError;
  }
  throw new Error('expected a TableError');
}

describe('fixtures', () => {
  it('salon-ru-cp1251.csv: Windows-1251, `;`, quoted `;`, no-break spaces, trailing empty row', async () => {
    const t = await openTable(fixture('salon-ru-cp1251.csv'));
    expect(t).toMatchObject({
      format: 'csv',
      encoding: 'cp1251',
      delimiter: ';',
      sheet: null,
      headerLine: 1,
    });
    expect(t.headers).toEqual(['Дата', 'Клиент', 'Телефон', 'E-mail', 'Услуга', 'Мастер', 'Сумма', 'Статус']);
    const rows = await all(t);
    expect(rows).toHaveLength(40); // the `;;;;;;;` line 42 is blank and skipped
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    expect(rows[0]!.cells).toEqual([
      '09.01.2024 10:00',
      'Иванова Мария',
      '8 (916) 123-45-67',
      'maria.ivanova@mail.ru',
      'Стрижка женская',
      'Ольга',
      '1 500,00',
      'оплачен',
    ]);
    const byLine = new Map(rows.map((r) => [r.line, r.cells]));
    expect(byLine.get(5)![6]).toBe('2\u00a0300,50');
    expect(byLine.get(7)![4]).toBe('Маникюр; покрытие гель-лак');
    expect(byLine.get(7)).toHaveLength(8);
    expect(byLine.get(10)![6]).toBe('3 200 руб.');
    expect(byLine.get(40)![6]).toBe('3 200 р.');
    expect(byLine.get(16)![0]).toBe('31.02.2024 12:00');
    expect(byLine.get(19)![6]).toBe('abc');
    expect(byLine.get(22)![2]).toBe('12345');
    expect(byLine.get(25)![0]).toBe('');
    expect(byLine.get(12)![7]).toBe('Оплачено');
    expect(t.bytesRead()).toBe(t.bytes);
  });

  it('evotor-receipts.csv: UTF-8 BOM stripped, `;`, receipt lines', async () => {
    const t = await openTable(fixture('evotor-receipts.csv'));
    expect(t).toMatchObject({ format: 'csv', encoding: 'utf8', delimiter: ';' });
    expect(t.headers).toEqual([
      'Дата/время чека',
      'Номер чека',
      'Тип',
      'Номенклатура',
      'Количество',
      'Цена',
      'Сумма',
      'Карта клиента',
      'Телефон покупателя',
      'Кассир',
      'Магазин',
    ]);
    const rows = await all(t);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.cells[1])).toEqual([
      '1041',
      '1041',
      '1042',
      '1043',
      '1043',
      '1043',
      '1044',
      '1045',
      '1045',
      '1046',
    ]);
    expect(rows[6]!.cells.slice(0, 3)).toEqual(['06.03.2024 11:20:00', '1044', 'Возврат']);
    expect(rows[3]!.cells[4]).toBe('0,356');
    expect(rows[0]!.cells[10]).toBe('Магазин «У дома», ул. Лесная, 5');
  });

  it('shopify-orders.csv: the real Shopify header, only first rows of an order carry order fields', async () => {
    const t = await openTable(fixture('shopify-orders.csv'));
    expect(t).toMatchObject({ format: 'csv', encoding: 'utf8', delimiter: ',' });
    expect(t.headers).toHaveLength(79);
    if (hasShared) {
      const real = readFileSync(
        join(SHARED, 'exports/shopify__orders_export_HEADER_ONLY.csv'),
        'utf8',
      ).trim();
      expect(t.headers.join(',')).toBe(real);
    }
    const rows = await all(t);
    expect(rows).toHaveLength(12);
    const col = (name: string) => t.headers.indexOf(name);
    expect(rows.map((r) => r.cells[col('Name')])).toEqual([
      '#1001',
      '#1001',
      '#1002',
      '#1002',
      '#1002',
      '#1003',
      '#1004',
      '#1004',
      '#1005',
      '#1006',
      '#1006',
      '#1006',
    ]);
    expect(rows[0]!.cells[col('Created at')]).toBe('2024-03-05 14:02:11 +0300');
    expect(rows[0]!.cells[col('Total')]).toBe('1149.00');
    expect(rows[1]!.cells[col('Email')]).toBe('');
    expect(rows[1]!.cells[col('Lineitem name')]).toBe('Pour-over Coffee Set');
    expect(rows[5]!.cells[col('Financial Status')]).toBe('refunded');
    expect(rows[8]!.cells[col('Cancelled at')]).toBe('2024-03-14 21:10:00 +0300');
    expect(rows[6]!.cells[col('Tags')]).toBe('repeat, vip');
  });

  it('customers-en.csv', async () => {
    const t = await openTable(fixture('customers-en.csv'));
    expect(t).toMatchObject({ encoding: 'utf8', delimiter: ',' });
    expect(t.headers).toEqual([
      'Customer ID',
      'First Name',
      'Last Name',
      'Email',
      'Phone',
      'Birthday',
      'Tags',
    ]);
    const rows = await all(t);
    expect(rows).toHaveLength(8);
    expect(rows[0]!.cells[6]).toBe('vip, newsletter');
    expect(rows[4]!.cells[2]).toBe("O'Park");
    expect(rows[7]!.cells[6]).toBe('newsletter, "early bird"');
  });

  it('customers-ru.xlsx: first sheet, date cells, numeric phone, rich text, hyperlink, blank and sparse rows', async () => {
    const t = await openTable(fixture('customers-ru.xlsx'));
    expect(t).toMatchObject({
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      sheet: 'Клиенты',
      headerLine: 1,
    });
    expect(t.headers).toEqual(['ФИО', 'Телефон', 'Email', 'Дата рождения', 'Источник', 'Теги']);
    const rows = await all(t);
    expect(rows).toHaveLength(16);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(rows[0]!.cells).toEqual([
      'Иванова Мария Сергеевна',
      '+7 916 123-45-67',
      'maria.ivanova@mail.ru',
      '1990-05-14',
      'Instagram',
      'VIP, окрашивание',
    ]);
    expect(rows[2]!.cells[1]).toBe('79257778899');
    expect(rows[4]!.cells[3]).toBe('');
    expect(rows[5]!.cells.slice(0, 4)).toEqual([
      'Попова Ирина Олеговна',
      '+7 903 111 22 33',
      'irina.popova@mail.ru',
      '2000-02-29',
    ]);
    expect(rows[6]!.cells[2]).toBe('n.lebedeva@bk');
    expect(rows[15]).toEqual({ line: 18, cells: ['Белова Алина', '+7 999 123-45-67'] });
    expect(t.bytesRead()).toBe(t.bytes);
  });

  it('orders-serial-dates.xlsx: sheet by name, bare serials stay numbers, formula gives its cached value', async () => {
    const first = await openTable(fixture('orders-serial-dates.xlsx'));
    expect(first.sheet).toBe('Инструкция');
    await first.close();

    const t = await openTable(fixture('orders-serial-dates.xlsx'), { sheet: 'Продажи' });
    expect(t.sheet).toBe('Продажи');
    expect(t.headers).toEqual(['Дата', 'Номер заказа', 'Клиент', 'Телефон', 'Сумма', 'Статус']);
    const rows = await all(t);
    expect(rows).toHaveLength(11);
    expect(rows[0]).toEqual({
      line: 2,
      cells: ['45352.42708333333', 'ИМ-0001', 'Иванова Мария', '+7 916 123-45-67', '3490', 'Выполнен'],
    });
    expect(rows[2]!.cells[0]).toBe('45354');
    expect(rows[1]!.cells[4]).toBe('1250.5');
    expect(rows[10]).toEqual({ line: 12, cells: ['', '', 'Итого', '', '23645.75'] });

    const loose = await openTable(fixture('orders-serial-dates.xlsx'), { sheet: ' продажи ' });
    expect(loose.sheet).toBe('Продажи');
    await loose.close();
  });

  it('multiline.csv: a record reports the line it starts on (CRLF and LF inside quotes, blank lines)', async () => {
    const t = await openTable(fixture('multiline.csv'));
    expect(t.headers).toEqual(['id', 'name', 'note', 'amount']);
    const rows = await all(t);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 6, 9, 11]);
    expect(rows[0]!.cells).toEqual(['1', 'Alice', 'first line\r\nsecond line', '10']);
    expect(rows[2]!.cells).toEqual(['3', 'Carol "CJ" Diaz', 'a\nb\nc', '30']);
    expect(rows[4]!.cells).toEqual(['5', 'Erin', 'tail "quoted"', '50']);
  });

  it('unclosed-quote.csv: rows before the bad record arrive, then a malformed_csv error with its line', async () => {
    const t = await openTable(fixture('unclosed-quote.csv'));
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const row of t.rows) seen.push(row.line);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([2, 3]);
    expect(error).toBeInstanceOf(TableError);
    expect(error).toMatchObject({ code: 'malformed_csv', line: 4 });
    expect((error as Error).message).toContain('line 4');
  });
});

describe.skipIf(!hasShared)('real files in shared/data', () => {
  it('jerryaoverton__online_retail_sample.csv: empty first header, `""` escapes, CRLF', async () => {
    const t = await openTable(join(SHARED, 'online-retail/jerryaoverton__online_retail_sample.csv'));
    expect(t).toMatchObject({ format: 'csv', encoding: 'utf8', delimiter: ',', headerLine: 1 });
    expect(t.headers).toEqual([
      '',
      'InvoiceNo',
      'StockCode',
      'Description',
      'Quantity',
      'InvoiceDate',
      'UnitPrice',
      'CustomerID',
      'Country',
    ]);
    const rows = await all(t);
    expect(rows).toHaveLength(2709);
    expect(rows.every((r, i) => r.line === i + 2 && r.cells.length === 9)).toBe(true);
    expect(rows[0]!.cells).toEqual([
      '428465',
      '573442',
      '21479',
      'WHITE SKULL HOT WATER BOTTLE ',
      '4',
      '10/31/2011 10:42',
      '4.25',
      '12488',
      'France',
    ]);
    expect(rows[3]!.cells[3]).toBe('FLOWER GLASS GARLD NECKL36"AMETHYST');
    expect(rows[3]!.cells[7]).toBe('NA');
    expect(rows[48]!.cells[3]).toBe('CHARLIE+LOLA"EXTREMELY BUSY" SIGN');
    expect(rows.at(-1)!.line).toBe(2710);
    expect(rows.at(-1)!.cells[1]).toBe('551340');
  });

  it('rwslippey__square_example.csv: 44 columns, quoted money with commas', async () => {
    const t = await openTable(join(SHARED, 'exports/rwslippey__square_example.csv'));
    expect(t).toMatchObject({ encoding: 'utf8', delimiter: ',' });
    expect(t.headers).toHaveLength(44);
    expect(t.headers[0]).toBe('Date');
    expect(t.headers[43]).toBe('Refund Reason');
    const rows = await all(t);
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5]);
    expect(rows[0]!.cells).toHaveLength(44);
    expect(rows[0]!.cells[0]).toBe('12/27/2018');
    expect(rows[0]!.cells[3]).toBe('$1,149.00 ');
    expect(rows[0]!.cells[20]).toBe('($33.62)');
  });

  it('mwoitek__online_retail.csv: 18,532 invoices', async () => {
    const path = join(SHARED, 'online-retail/mwoitek__online_retail.csv');
    const t = await openTable(path);
    expect(t.headers).toEqual(['InvoiceNo', 'InvoiceDate', 'CustomerID', 'TotalPrice']);
    let n = 0;
    let last: TableRow | undefined;
    let first: TableRow | undefined;
    for await (const row of t.rows) {
      n++;
      first ??= row;
      last = row;
    }
    expect(n).toBe(18_532);
    expect(first).toEqual({ line: 2, cells: ['536365', '2010-12-01', '17850', '139.12'] });
    expect(last).toEqual({ line: 18_533, cells: ['581587', '2011-12-09', '12680', '249.45'] });
    expect(t.bytes).toBe(600_860);
    expect(t.bytesRead()).toBe(600_860);
    const expected = createHash('sha256').update(readFileSync(path)).digest('hex');
    expect(await hashFile(path)).toBe(expected);
  });
});

describe('format, encoding and errors', () => {
  it('missing file', async () => {
    const e = await failure(openTable(join(tmp, 'nope.csv')));
    expect(e.code).toBe('file_not_found');
    expect(e.message).toContain('nope.csv');
    expect((await failure(hashFile(join(tmp, 'nope.csv')))).code).toBe('file_not_found');
  });

  it('old .xls is refused with advice', async () => {
    const e = await failure(openTable(fixture('legacy.xls')));
    expect(e.code).toBe('unsupported_format');
    expect(e.message).toMatch(/\.xlsx/);
    expect(e.message).toMatch(/CSV/);
  });

  it('UTF-16 is refused', async () => {
    const e = await failure(openTable(fixture('utf16.csv')));
    expect(e.code).toBe('bad_encoding');
    expect(e.message).toContain('UTF-16');
  });

  it('unknown sheet: the error lists the sheet names', async () => {
    const e = await failure(openTable(fixture('customers-ru.xlsx'), { sheet: 'Заказы' }));
    expect(e.code).toBe('sheet_not_found');
    expect(e.message).toContain('Клиенты');
    expect(e.message).toContain('Справка');
  });

  it('an .xlsx saved under a .csv name is read as xlsx (magic bytes win)', async () => {
    const path = join(tmp, 'export.csv');
    copyFileSync(fixture('customers-ru.xlsx'), path);
    const t = await openTable(path);
    expect(t.format).toBe('xlsx');
    expect(t.headers[0]).toBe('ФИО');
    await t.close();
  });

  it('a CSV saved as .xls (text inside) is read as CSV; an HTML page saved as .xls is refused', async () => {
    const csv = join(tmp, 'report.xls');
    writeFileSync(csv, 'Дата\tСумма\n01.03.2024\t1500\n');
    const t = await openTable(csv);
    expect(t).toMatchObject({ format: 'csv', delimiter: '\t', headers: ['Дата', 'Сумма'] });
    expect(await all(t)).toEqual([{ line: 2, cells: ['01.03.2024', '1500'] }]);
    const html = join(tmp, 'page.xls');
    writeFileSync(html, '<html><body><table><tr><td>1</td></tr></table></body></html>');
    expect((await failure(openTable(html))).code).toBe('unsupported_format');
  });

  it('empty files', async () => {
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, '');
    expect((await failure(openTable(empty))).code).toBe('empty_file');
    const blank = join(tmp, 'blank.csv');
    writeFileSync(blank, '\ufeff\r\n;;;\r\n\r\n');
    expect((await failure(openTable(blank))).code).toBe('empty_file');
  });

  it('header after leading blank lines; header cells trimmed; data cells untouched', async () => {
    const path = join(tmp, 'lead.csv');
    writeFileSync(path, '\n\n  Имя ; Телефон \n Анна ; 8 916 \n');
    const t = await openTable(path);
    expect(t.headerLine).toBe(3);
    expect(t.headers).toEqual(['Имя', 'Телефон']);
    expect(await all(t)).toEqual([{ line: 4, cells: [' Анна ', ' 8 916 '] }]);
  });

  it('cp1251 found below a pure-ASCII first 64 KiB', async () => {
    const path = join(tmp, 'late-cyrillic.csv');
    const ascii = Array.from({ length: 3000 }, (_, i) => `${i};client${i}@example.com;1500`).join('\r\n');
    writeFileSync(path, iconv.encode(`id;email;amount\r\n${ascii}\r\n9999;Иванова;700\r\n`, 'win1251'));
    const t = await openTable(path);
    expect(t.encoding).toBe('cp1251');
    const rows = await all(t);
    expect(rows.at(-1)).toEqual({ line: 3002, cells: ['9999', 'Иванова', '700'] });
  });

  it('explicit encoding and delimiter win over detection; mixed line endings keep line numbers', async () => {
    const path = join(tmp, 'forced.txt');
    writeFileSync(path, iconv.encode('a,b\tc\r\n1,2\t3\n4,5\t6\r7,8\t9', 'win1251'));
    const t = await openTable(path, { encoding: 'utf8', delimiter: 'tab' });
    expect(t).toMatchObject({ encoding: 'utf8', delimiter: '\t', headers: ['a,b', 'c'] });
    expect((await all(t)).map((r) => [r.line, ...r.cells])).toEqual([
      [2, '1,2', '3'],
      [3, '4,5', '6'],
      [4, '7,8', '9'],
    ]);
  });

  it('rows iterate once; breaking early releases the file', async () => {
    const t = await openTable(fixture('salon-ru-cp1251.csv'));
    for await (const row of t.rows) {
      expect(row.line).toBe(2);
      break;
    }
    expect(() => t.rows[Symbol.asyncIterator]()).toThrow(/once/);
    await t.close();
  });
});

describe('sniffing helpers', () => {
  it('detectDelimiter', () => {
    expect(
      detectDelimiter('Дата;Сумма;Клиент\r\n01.03.2024;1 500,00;Анна\r\n02.03.2024;2 000,50;Олег\r\n', false),
    ).toBe(';');
    expect(detectDelimiter('a,b,c\n"x;y",2,3\n', false)).toBe(',');
    expect(detectDelimiter('a\tb\n1,5\t2\n', false)).toBe('\t');
    expect(detectDelimiter('email\nx@y.ru\n', false)).toBe(',');
    expect(detectDelimiter('Имя;Адрес, город;Телефон\nАнна;Тверская 1, Москва;8916\n', false)).toBe(';');
    // a trailing delimiter on data rows only
    expect(detectDelimiter('a;b;c\n1;2;3;\n4;5;6;\n', false)).toBe(';');
  });

  it('countFields honours quotes and drops a cut-off last record', () => {
    expect(countFields('a,"b,c",d\n"x\ny",2\n\n3,4,5', ',', false)).toEqual([3, 2, 3]);
    expect(countFields('a,b\n1,2\n3,', ',', true)).toEqual([2, 2]);
  });

  it('cellText', () => {
    expect(cellText(42.5)).toBe('42.5');
    expect(cellText(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(cellText(true)).toBe('true');
    expect(cellText(false)).toBe('false');
    expect(cellText(null)).toBe('');
    expect(cellText({ richText: [{ text: 'a' }, { text: 'b' }] })).toBe('ab');
    expect(cellText({ formula: 'A1*2', result: 7 })).toBe('7');
    expect(cellText({ formula: 'NOW()', result: 45352.5 }, 'dd.mm.yyyy hh:mm')).toBe('2024-03-01 12:00:00');
    expect(cellText({ formula: '1/0', result: { error: '#DIV/0!' } })).toBe('');
    expect(cellText({ error: '#N/A' })).toBe('');
    expect(cellText({ text: 'site', hyperlink: 'https://example.com' })).toBe('site');
    expect(cellText(new Date(Date.UTC(2024, 2, 5, 14, 2, 11)))).toBe('2024-03-05 14:02:11');
    expect(cellText(new Date(Date.UTC(2024, 2, 5)))).toBe('2024-03-05');
    expect(cellText(45352, 'General')).toBe('45352');
    expect(cellText(45352, '[$-419]d mmmm yyyy')).toBe('2024-03-01');
    expect(cellText(1234.5, '#,##0.00 "₽"')).toBe('1234.5');
  });

  it('formatExcelDate rounds to the second and shows a bare time for Excel day 0', () => {
    expect(formatExcelDate(new Date(Date.UTC(2024, 0, 1, 10, 14, 59, 600)))).toBe('2024-01-01 10:15:00');
    expect(formatExcelDate(new Date(Date.UTC(1899, 11, 30, 9, 30)))).toBe('09:30:00');
    expect(formatExcelDate(new Date(Number.NaN))).toBe('');
  });
});

describe('streaming', () => {
  it('reads a 200k-row CSV with small heap growth', { timeout: 30_000 }, async () => {
    const path = join(tmp, 'big.csv');
    const chunks: Buffer[] = [];
    let text = 'Дата;Клиент;Телефон;E-mail;Услуга;Мастер;Сумма;Статус\r\n';
    for (let i = 0; i < 200_000; i++) {
      text += `${String((i % 28) + 1).padStart(2, '0')}.03.2024 10:${String(i % 60).padStart(2, '0')};Клиентка номер ${i} с длинной фамилией;+7 916 ${String(i % 1000).padStart(3, '0')}-45-67;client${i}@example.ru;"Маникюр; покрытие, дизайн ${i % 7}";Мастер ${i % 5};${1000 + (i % 90) * 10},00;оплачен\r\n`;
      if (text.length > 1 << 20) {
        chunks.push(iconv.encode(text, 'win1251'));
        text = '';
      }
    }
    chunks.push(iconv.encode(text, 'win1251'));
    writeFileSync(path, Buffer.concat(chunks));
    chunks.length = 0;

    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const started = performance.now();
    const t = await openTable(path);
    expect(t).toMatchObject({ encoding: 'cp1251', delimiter: ';' });
    let n = 0;
    let lastProgress = 0;
    for await (const row of t.rows) {
      n++;
      if (n % 10_000 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        expect(t.bytesRead()).toBeGreaterThanOrEqual(lastProgress);
        lastProgress = t.bytesRead();
      }
      if (n === 123_456) expect(row).toMatchObject({ line: 123_457 });
    }
    const seconds = (performance.now() - started) / 1000;
    expect(n).toBe(200_000);
    expect(t.bytesRead()).toBe(t.bytes);
    expect(t.bytes).toBeGreaterThan(25_000_000);
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    console.log(
      `read-table: 200k rows in ${seconds.toFixed(2)} s (${Math.round(n / seconds)} rows/s), heap growth ${Math.round((peak - before) / 1e6)} MB`,
    );
  });
});
