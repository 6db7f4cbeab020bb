//! Invoices: line items, subtotal and VAT, in cents.

pub mod tax;

/// One line of an invoice.
pub struct Line {
    pub unit_cents: u64,
    pub quantity: u64,
}

/// The sum of the lines before tax.
pub fn subtotal(lines: &[Line]) -> u64 {
    lines.iter().map(|l| l.unit_cents * l.quantity).sum()
}

/// What the customer pays: the subtotal plus VAT.
pub fn total(lines: &[Line]) -> u64 {
    let net = subtotal(lines);
    net + tax::vat(net)
}
