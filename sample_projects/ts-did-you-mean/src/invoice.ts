export interface Line {
  description: string;
  quantity: number;
  unitCents: number;
}

export function invoiceTotal(lines: Line[]): number {
  let totalCents = 0;
  for (const line of lines) {
    totalCents += line.quantity * line.unitCents;
  }
  return totalCent;
}
